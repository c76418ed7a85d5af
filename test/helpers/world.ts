/**
 * A random world of margin-core operations, seeded and reproducible, at any circuit shape: accounts
 * funded by deposits, prices walking a few percent a batch with funding up to its bound, the
 * maintenance the moves force (re-certification, liquidation into the backstop or by a signing
 * liquidator), then random deposits, withdrawals, trades (standing orders filled partially over
 * many batches, fresh orders crossing their limits), re-certifications and liquidation attempts.
 * Many operations are refused: the builder's scratch state must show no trace of them.
 *
 * Used by the mirror's property test (test/core.property.test.ts) and by the circuit's random test
 * (test/core.circuit.random.test.ts), which feeds every sealed batch to the circuit.
 */
import { expect } from "vitest";
import type { EdDSA } from "../../sequencer/crypto/babyjub.js";
import { BatchBuilder, maintenanceOps, type AddResult, type CircuitShape, type Op, type SealedBatch } from "../../sequencer/core/batch/index.js";
import { RATIO, Side } from "../../sequencer/core/constants.js";
import type { MarketParams } from "../../sequencer/core/market.js";
import { liquidationHash, signWithdrawal, type Order, type SignedOrder } from "../../sequencer/core/order.js";
import type { CoreState } from "../../sequencer/core/state.js";
import { counterSalt, deposit, genesis, nextContext, prng, runBatch, signed, type CoreKit, type Rng } from "./core.js";

export interface WorldConfig {
  readonly shape: CircuitShape;
  /** trading accounts are 1..accounts; account 0 is the backstop; account i uses key i mod keys */
  readonly accounts: number;
  readonly params: readonly MarketParams[];
  /** starting oracle prices, one per market */
  readonly prices: readonly bigint[];
  /** random operations tried per batch (the batch stops earlier when full) */
  readonly attempts: number;
}

export interface World {
  readonly kit: CoreKit;
  readonly verifier: Pick<EdDSA, "verify">;
  readonly cfg: WorldConfig;
  readonly seed: number;
  readonly rng: Rng;
  state: CoreState;
  prices: bigint[];
  deposited: bigint;
  withdrawn: bigint;
  batches: number;
  nextOrderId: Map<bigint, bigint>;
  /** standing order per account, market and side */
  standing: Map<string, SignedOrder>;
  /** outcome counts: `ok:<kind>` or a rejection reason */
  stats: Record<string, number>;
}

/** EdDSA verification cached by its arguments: a pure function, and standing orders are re-verified often. */
export function cachedVerifier(eddsa: Pick<EdDSA, "verify">): Pick<EdDSA, "verify"> {
  const cache = new Map<string, boolean>();
  return {
    verify(pub, msg, sig) {
      const key = `${pub.x}|${pub.y}|${msg}|${sig.R8x}|${sig.S}`;
      let v = cache.get(key);
      if (v === undefined) cache.set(key, (v = eddsa.verify(pub, msg, sig)));
      return v;
    },
  };
}

export function createWorld(kit: CoreKit, verifier: Pick<EdDSA, "verify">, cfg: WorldConfig, seed: number): World {
  if (cfg.params.length !== cfg.shape.markets || cfg.prices.length !== cfg.shape.markets) throw new Error("one parameter set and price per market");
  if (BigInt(cfg.accounts) >= 1n << BigInt(cfg.shape.depth)) throw new Error(`${cfg.accounts} accounts do not fit depth ${cfg.shape.depth}`);
  return {
    kit,
    verifier,
    cfg,
    seed,
    rng: prng(seed),
    state: genesis(kit, cfg.shape),
    prices: [...cfg.prices],
    deposited: 0n,
    withdrawn: 0n,
    batches: 0,
    nextOrderId: new Map(),
    standing: new Map(),
    stats: {},
  };
}

const keyOf = (w: World, i: bigint): number => Number(i % BigInt(w.kit.keys.length));

/** The first batches: a rich backstop at 0, then every trading account funded. */
export function fundAccounts(w: World): SealedBatch[] {
  const { kit, rng, cfg } = w;
  const first = [deposit(kit, 0n, 0, 10n ** 13n)];
  for (let i = 1; i <= cfg.accounts; i++) first.push(deposit(kit, BigInt(i), keyOf(w, BigInt(i)), rng.big(2_000_000n, 40_000_000n)));
  const sealed: SealedBatch[] = [];
  for (let i = 0; i < first.length; i += cfg.shape.opsPerBatch) {
    const ops = first.slice(i, i + cfg.shape.opsPerBatch);
    const batch = runBatch(kit, w.state, ops, { prices: w.prices, params: cfg.params }, cfg.shape);
    for (const op of ops) if (op.kind === "deposit") w.deposited += op.amount;
    w.state = batch.state;
    w.batches++;
    sealed.push(batch);
  }
  return sealed;
}

/**
 * One random batch: a price move (calmer, then none, when the maintenance it forces does not fit
 * the batch), its maintenance, then random operations. Returns the sealed batch and the builder
 * (whose market contexts the caller may check the result against).
 */
export function randomBatch(w: World): { sealed: SealedBatch; builder: BatchBuilder } {
  const { rng, cfg } = w;
  const input = w.state;
  const inputRoot = input.root;
  let b: BatchBuilder | undefined;
  let newPrices = w.prices;
  for (const scale of [1n, 4n, 0n]) {
    const d = { deposited: w.deposited, withdrawn: w.withdrawn };
    newPrices = w.prices.map((p) => (scale === 0n ? p : p + rng.big((-p * 4n) / (100n * scale), (p * 4n) / (100n * scale)) || 1n));
    const funding = input.ledger.funding.map((f, m) => {
      if (scale === 0n) return f;
      const bound = (cfg.params[m]!.maxFunding * newPrices[m]!) / RATIO;
      return f + rng.big(-bound, bound);
    });
    const candidate = new BatchBuilder({
      shape: cfg.shape,
      state: input,
      context: nextContext(input, { prices: newPrices, funding, params: cfg.params }),
      deps: { poseidon: w.kit.poseidon, eddsa: w.verifier, salt: counterSalt(BigInt(w.seed) * 10n ** 6n + BigInt(w.batches) * 1000n) },
    });
    if (maintain(w, candidate)) {
      b = candidate;
      break;
    }
    Object.assign(w, d); // the abandoned builder's deposits never happened
  }
  if (b === undefined) throw new Error("unchanged prices must need no maintenance");
  w.prices = newPrices;
  for (let attempt = 0; attempt < cfg.attempts && b.remaining > 0; attempt++) checked(w, b, randomOp(w, b));
  expect(b.violations()).toEqual([]);
  const sealed = b.seal();
  expect(input.root).toBe(inputRoot);
  w.state = sealed.state;
  w.batches++;
  return { sealed, builder: b };
}

function freshOrder(w: World, account: bigint, market: number, side: Side, limitPrice: bigint, size: bigint): SignedOrder {
  const id = w.nextOrderId.get(account) ?? 1n;
  w.nextOrderId.set(account, id + 1n);
  const o: Order = { accountIndex: account, market: BigInt(market), side, size, limitPrice, expiry: 10n ** 6n, orderId: id };
  return signed(w.kit, keyOf(w, account), o);
}

function standingOrder(w: World, account: bigint, market: number, side: Side, renew: boolean): SignedOrder {
  const k = `${account}/${market}/${side}`;
  let o = w.standing.get(k);
  if (o === undefined || renew) {
    o = freshOrder(w, account, market, side, side === Side.Buy ? 2n ** 47n : 1n, 10n ** 9n);
    w.standing.set(k, o);
  }
  return o;
}

const randomAccount = (w: World): bigint => BigInt(1 + w.rng.int(w.cfg.accounts));

function randomTrade(w: World, b: BatchBuilder): Op {
  const { rng } = w;
  const m = rng.int(w.cfg.shape.markets);
  const buyer = randomAccount(w);
  const seller = rng.chance(0.05) ? buyer : randomAccount(w);
  const p = b.markets[m]!.price;
  const P = p + rng.big(-p / 100n, p / 100n) || 1n;
  // Up to ~18x leverage of the poorer side: trades near the initial-margin edge, some past it.
  const equity = (i: bigint) => {
    const a = b.state.account(i);
    return a.size.reduce((v, s, k) => v + s * b.markets[k]!.price, a.collateral);
  };
  const poorer = [equity(buyer), equity(seller)].reduce((a, c) => (c < a ? c : a));
  const cap = (poorer * 18n) / p;
  const q = rng.big(1n, cap > 1n ? cap : 1n);
  let buy: SignedOrder;
  let sell: SignedOrder;
  if (rng.chance(0.85)) {
    buy = standingOrder(w, buyer, m, Side.Buy, false);
    sell = standingOrder(w, seller, m, Side.Sell, false);
  } else {
    // Fresh orders with limits around the price: some are crossed by the execution price.
    buy = freshOrder(w, buyer, m, Side.Buy, P + rng.big(-p / 200n, p / 50n) || 1n, q + rng.big(0n, 5n));
    sell = freshOrder(w, seller, m, Side.Sell, P + rng.big(-p / 50n, p / 200n) || 1n, q + rng.big(0n, 5n));
  }
  return rng.chance(0.5) ? { kind: "trade", taker: buy, maker: sell, fill: q, price: P } : { kind: "trade", taker: sell, maker: buy, fill: q, price: P };
}

function randomOp(w: World, b: BatchBuilder): Op {
  const { rng, kit } = w;
  const r = rng.int(100);
  const index = randomAccount(w);
  if (r < 15) return deposit(kit, index, rng.chance(0.9) ? keyOf(w, index) : keyOf(w, index + 1n), rng.big(1n, 200_000n));
  if (r < 30) {
    const acc = b.state.account(index);
    const amount = rng.big(1n, acc.collateral > 2n ? acc.collateral : 2n);
    const nonce = rng.chance(0.9) ? acc.nonce : acc.nonce + 1n;
    const msg = { accountIndex: index, amount, l1Address: BigInt(rng.int(1000)), nonce };
    return { kind: "withdrawal", index, amount, l1Address: msg.l1Address, nonce, sig: signWithdrawal(kit.poseidon, kit.keys[keyOf(w, index)]!, msg) };
  }
  if (r < 35) return { kind: "recertify", index };
  if (r < 38) return { kind: "liquidation", liquidated: index, receiver: 0n };
  return randomTrade(w, b);
}

/** Re-certifies or liquidates every account the new prices put past its bound; false if it cannot. */
function maintain(w: World, b: BatchBuilder): boolean {
  const { kit } = w;
  for (const op of maintenanceOps(b.state, b.markets)) {
    let result: AddResult = { ok: false, reason: "BadSignature", detail: "" };
    if (op.kind === "liquidation" && w.rng.chance(0.3)) {
      // Try a signing liquidator first; fall back to the backstop.
      const liq = randomAccount(w);
      const nonce = b.state.account(liq).nonce;
      const sig = kit.keys[keyOf(w, liq)]!.sign(liquidationHash(kit.poseidon, { liquidatorIndex: liq, liquidatedIndex: op.liquidated, nonce }));
      result = checked(w, b, { ...op, receiver: liq, nonce, sig });
    }
    if (!result.ok) result = checked(w, b, op);
    if (!result.ok) return false;
  }
  return b.violations().length === 0;
}

/** add() with the scratch-state property checked on every rejection. */
function checked(w: World, b: BatchBuilder, op: Op): AddResult {
  const root = b.state.root;
  const ledger = b.state.ledger;
  const size = b.size;
  const result = b.add(op);
  const key = result.ok ? `ok:${op.kind}` : result.reason;
  w.stats[key] = (w.stats[key] ?? 0) + 1;
  if (!result.ok) {
    expect(b.state.root).toBe(root);
    expect(b.state.ledger).toEqual(ledger);
    expect(b.size).toBe(size);
    if (op.kind === "trade" && (result.reason === "StaleOrderId" || result.reason === "Overfill")) {
      for (const so of [op.taker, op.maker]) {
        const o = so.order;
        standingOrder(w, o.accountIndex, Number(o.market), o.side, w.standing.get(`${o.accountIndex}/${o.market}/${o.side}`) === so);
      }
    }
  } else if (op.kind === "deposit") {
    w.deposited += op.amount;
  } else if (op.kind === "withdrawal") {
    w.withdrawn += op.amount;
  }
  return result;
}
