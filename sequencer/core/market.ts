import type { Poseidon } from "../crypto/poseidon.js";
import { abs } from "./arith.js";
import { FUNDING_BITS, MAX_MARKETS, PRICE_BITS, RATIO, RATIO_BITS, signedFits, unsignedFits } from "./constants.js";

/** Risk parameters of one market, every one a ratio in parts per million (CORE_SPEC §2). */
export interface MarketParams {
  /** maintenance margin */
  readonly mmr: bigint;
  /** initial margin */
  readonly imr: bigint;
  /** liquidation penalty, charged on the liquidated notional */
  readonly penalty: bigint;
  /** trading fee per side, on the traded notional */
  readonly fee: bigint;
  /** largest funding move per batch, as a fraction of price */
  readonly maxFunding: bigint;
}

/** One market's oracle and funding figures for one batch. */
export interface MarketState {
  readonly price: bigint;
  readonly fundingOld: bigint;
  readonly funding: bigint;
}

export type MarketErrorCode =
  | "InvalidParams" // a ratio outside 0 < mmr <= imr < RATIO, others in [0, RATIO)
  | "PriceOutOfRange" // price outside [1, 2^48)
  | "FundingOutOfRange" // funding index outside signed FUNDING_BITS
  | "FundingTickTooLarge" // RATIO * |F - Fold| > maxFunding * p
  | "MarketCount"; // not 1..MAX_MARKETS markets

export class MarketError extends Error {
  override name = "MarketError";
  constructor(
    readonly code: MarketErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

const PARAM_NAMES = ["mmr", "imr", "penalty", "fee", "maxFunding"] as const;

/** Throws MarketError unless `p` satisfies CORE_SPEC §2. */
export function validateMarketParams(p: MarketParams): void {
  for (const name of PARAM_NAMES) {
    const v = p[name];
    // RATIO < 2^RATIO_BITS, so this is also the circuit's Num2Bits(RATIO_BITS) range.
    if (!unsignedFits(v, RATIO_BITS) || v >= RATIO) throw new MarketError("InvalidParams", `${name} = ${v} outside [0, ${RATIO})`);
  }
  if (p.mmr <= 0n) throw new MarketError("InvalidParams", `mmr must be positive, got ${p.mmr}`);
  if (p.mmr > p.imr) throw new MarketError("InvalidParams", `mmr ${p.mmr} exceeds imr ${p.imr}`);
}

export function validateMarketCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_MARKETS) throw new MarketError("MarketCount", `${n} markets`);
}

export function priceInRange(p: bigint): boolean {
  return p >= 1n && unsignedFits(p, PRICE_BITS);
}

/** RATIO * |F - Fold| <= maxFunding * p: funding moves at most maxFunding of the price per batch. */
export function fundingTickWithinBound(params: MarketParams, state: MarketState): boolean {
  return RATIO * abs(state.funding - state.fundingOld) <= params.maxFunding * state.price;
}

/** Poseidon(mmr, imr, penalty, fee, maxFunding). */
export function marketHash(poseidon: Poseidon, p: MarketParams): bigint {
  validateMarketParams(p);
  return poseidon(PARAM_NAMES.map((n) => p[n]));
}

/** Poseidon(marketHash_0, ..., marketHash_{M-1}): the public `paramsHash`. */
export function paramsHash(poseidon: Poseidon, markets: readonly MarketParams[]): bigint {
  validateMarketCount(markets.length);
  return poseidon(markets.map((m) => marketHash(poseidon, m)));
}

/**
 * Everything the margin rules need about one market in one batch: parameters, prices and the
 * Y values health is affine in (§2), so each is computed once per batch.
 */
export interface MarketContext extends MarketState {
  readonly params: MarketParams;
  /** (RATIO - mmr) p - RATIO F: a long's maintenance value per unit */
  readonly YL: bigint;
  /** (RATIO + mmr) p - RATIO F: a short's maintenance value per unit */
  readonly YS: bigint;
  /** the same with imr */
  readonly IL: bigint;
  readonly IS: bigint;
}

/** Validates one market's batch figures (MarketError) and computes its Y values. */
export function marketContext(params: MarketParams, state: MarketState): MarketContext {
  validateMarketParams(params);
  if (!priceInRange(state.price)) throw new MarketError("PriceOutOfRange", `price ${state.price}`);
  for (const f of [state.fundingOld, state.funding]) {
    if (!signedFits(f, FUNDING_BITS)) throw new MarketError("FundingOutOfRange", `funding ${f}`);
  }
  if (!fundingTickWithinBound(params, state)) {
    throw new MarketError(
      "FundingTickTooLarge",
      `|${state.funding} - ${state.fundingOld}| exceeds ${params.maxFunding} ppm of price ${state.price}`,
    );
  }
  const { price: p, funding: F } = state;
  return {
    params,
    price: p,
    fundingOld: state.fundingOld,
    funding: F,
    YL: (RATIO - params.mmr) * p - RATIO * F,
    YS: (RATIO + params.mmr) * p - RATIO * F,
    IL: (RATIO - params.imr) * p - RATIO * F,
    IS: (RATIO + params.imr) * p - RATIO * F,
  };
}

/** The contexts of all markets of a batch, index-aligned with `params`. */
export function marketContexts(params: readonly MarketParams[], states: readonly MarketState[]): MarketContext[] {
  validateMarketCount(params.length);
  if (states.length !== params.length) throw new MarketError("MarketCount", `${params.length} markets, ${states.length} states`);
  return params.map((p, m) => marketContext(p, states[m]!));
}
