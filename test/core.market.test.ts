/** Market parameters, their hashes (against circomlibjs Poseidon directly) and the Y values. */
import { buildPoseidon } from "circomlibjs";
import { beforeAll, describe, expect, it } from "vitest";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { FUNDING_BITS, PRICE_BITS, RATIO } from "../sequencer/core/constants.js";
import {
  fundingTickWithinBound,
  marketContext,
  MarketError,
  marketHash,
  paramsHash,
  validateMarketParams,
  type MarketErrorCode,
  type MarketParams,
} from "../sequencer/core/market.js";
import { PARAMS } from "./helpers/core.js";

let poseidon: Poseidon;
const P0 = PARAMS[0]!;

beforeAll(async () => {
  poseidon = await getPoseidon();
});

function codeOf(f: () => unknown): MarketErrorCode | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof MarketError) return err.code;
    throw err;
  }
  return undefined;
}

describe("market parameters", () => {
  it("accepts the spec's edges and refuses each violation with InvalidParams", () => {
    expect(codeOf(() => validateMarketParams({ mmr: 1n, imr: 1n, penalty: 0n, fee: 0n, maxFunding: 0n }))).toBeUndefined();
    const top = RATIO - 1n;
    expect(codeOf(() => validateMarketParams({ mmr: top, imr: top, penalty: top, fee: top, maxFunding: top }))).toBeUndefined();
    const bad: MarketParams[] = [
      { ...P0, mmr: 0n },
      { ...P0, imr: P0.mmr - 1n },
      { ...P0, imr: RATIO },
      { ...P0, penalty: RATIO },
      { ...P0, fee: -1n },
      { ...P0, maxFunding: RATIO },
    ];
    for (const p of bad) expect(codeOf(() => validateMarketParams(p))).toBe("InvalidParams");
  });

  it("hashes Poseidon(mmr, imr, penalty, fee, maxFunding) and Poseidon(marketHash_0, ...)", async () => {
    const ref = await buildPoseidon();
    const h = (xs: bigint[]) => ref.F.toObject(ref(xs));
    const m0 = h([P0.mmr, P0.imr, P0.penalty, P0.fee, P0.maxFunding]);
    const P1 = PARAMS[1]!;
    const m1 = h([P1.mmr, P1.imr, P1.penalty, P1.fee, P1.maxFunding]);
    expect(marketHash(poseidon, P0)).toBe(m0);
    expect(paramsHash(poseidon, PARAMS)).toBe(h([m0, m1]));
    expect(paramsHash(poseidon, [P1, P0])).not.toBe(h([m0, m1]));
    expect(codeOf(() => paramsHash(poseidon, []))).toBe("MarketCount");
  });
});

describe("batch market figures", () => {
  it("bounds the funding tick by maxFunding of the price, inclusive", () => {
    // maxFunding 1% of price 1000 is 10 per batch.
    expect(fundingTickWithinBound(P0, { price: 1000n, fundingOld: 5n, funding: 15n })).toBe(true);
    expect(fundingTickWithinBound(P0, { price: 1000n, fundingOld: 5n, funding: -5n })).toBe(true);
    expect(fundingTickWithinBound(P0, { price: 1000n, fundingOld: 5n, funding: 16n })).toBe(false);
    expect(fundingTickWithinBound(P0, { price: 1000n, fundingOld: 5n, funding: -6n })).toBe(false);
    expect(codeOf(() => marketContext(P0, { price: 1000n, fundingOld: 0n, funding: 11n }))).toBe("FundingTickTooLarge");
  });

  it("refuses prices outside [1, 2^48) and funding outside signed 57 bits", () => {
    expect(codeOf(() => marketContext(P0, { price: 0n, fundingOld: 0n, funding: 0n }))).toBe("PriceOutOfRange");
    expect(codeOf(() => marketContext(P0, { price: 2n ** BigInt(PRICE_BITS), fundingOld: 0n, funding: 0n }))).toBe("PriceOutOfRange");
    expect(codeOf(() => marketContext(P0, { price: 2n ** BigInt(PRICE_BITS) - 1n, fundingOld: 0n, funding: 0n }))).toBeUndefined();
    const big = 2n ** BigInt(FUNDING_BITS - 1);
    expect(codeOf(() => marketContext(P0, { price: 1000n, fundingOld: big, funding: big }))).toBe("FundingOutOfRange");
    expect(codeOf(() => marketContext(P0, { price: 1000n, fundingOld: -big, funding: -big }))).toBeUndefined();
  });

  it("computes YL, YS, IL, IS as in CORE_SPEC §2", () => {
    const c = marketContext(P0, { price: 1000n, fundingOld: 7n, funding: 3n });
    expect(c.YL).toBe((RATIO - P0.mmr) * 1000n - RATIO * 3n);
    expect(c.YS).toBe((RATIO + P0.mmr) * 1000n - RATIO * 3n);
    expect(c.IL).toBe((RATIO - P0.imr) * 1000n - RATIO * 3n);
    expect(c.IS).toBe((RATIO + P0.imr) * 1000n - RATIO * 3n);
    expect(c.IL < c.YL && c.YL < c.YS && c.YS < c.IS).toBe(true);
  });
});
