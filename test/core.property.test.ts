/**
 * Property tests of the margin core over random operation streams (seeded, reproducible):
 * conservation of money, zero net open interest, every certificate valid and covering the batch's
 * Y values after every batch, paths that replay as the circuit does, and no trace of a rejection.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { EdDSA } from "../sequencer/crypto/babyjub.js";
import { abs } from "../sequencer/core/arith.js";
import { BatchBuilder, maintenanceOps, type AddResult, type Op, type SealedBatch } from "../sequencer/core/batch/index.js";
import { certificateCovers, certificateValid } from "../sequencer/core/certificate.js";
import { RATIO, Side } from "../sequencer/core/constants.js";
import { liquidationHash, signWithdrawal, type Order, type SignedOrder } from "../sequencer/core/order.js";
import type { MarketParams } from "../sequencer/core/market.js";
import type { CoreState } from "../sequencer/core/state.js";
import { coreKit, counterSalt, deposit, genesis, nextContext, PARAMS, prng, replayPaths, runBatch, SHAPE, signed, type CoreKit, type Rng } from "./helpers/core.js";

let kit: CoreKit;
let verifier: Pick<EdDSA, "verify">;
const ACCOUNTS = 8; // indices 1..8; account i belongs to key i mod 4; 0 is the backstop
/** Initial margin close to maintenance: accounts at the edge get liquidated by moves of a few percent. */
const PROP_PARAMS: readonly MarketParams[] = [
  { ...PARAMS[0]!, imr: PARAMS[0]!.mmr + 15_000n },
  { ...PARAMS[1]!, imr: PARAMS[1]!.mmr + 10_000n },
];

beforeAll(async () => {
  kit = await coreKit(4);
  // Verification is a pure function: caching it lets standing orders be re-filled cheaply.
  const cache = new Map<string, boolean>();
  verifier = {
    verify(pub, msg, sig) {
      const key = `${pub.x}|${pub.y}|${msg}|${sig.R8x}|${sig.S}`;
      let v = cache.get(key);
      if (v === undefined) cache.set(key, (v = kit.eddsa.verify(pub, msg, sig)));
      return v;
    },
  };
});

interface World {
  rng: Rng;
  state: CoreState;
  prices: bigint[];
  deposited: bigint;
  withdrawn: bigint;
  nextOrderId: Map<bigint, bigint>;
  /** standing order per account, market and side */
  standing: Map<string, SignedOrder>;
  stats: Record<string, number>;
}

const keyOf = (i: bigint) => Number(i % 4n);

function freshOrder(w: World, account: bigint, market: number, side: Side, limitPrice: bigint, size: bigint): SignedOrder {
  const id = w.nextOrderId.get(account) ?? 1n;
  w.nextOrderId.set(account, id + 1n);
  const o: Order = { accountIndex: account, market: BigInt(market), side, size, limitPrice, expiry: 10n ** 6n, orderId: id };
  return signed(kit, keyOf(account), o);
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

function randomTrade(w: World, b: BatchBuilder): Op {
  const { rng } = w;
  const m = rng.int(2);
  const buyer = BigInt(1 + rng.int(ACCOUNTS));
  const seller = rng.chance(0.05) ? buyer : BigInt(1 + rng.int(ACCOUNTS));
  const p = b.markets[m]!.price;
  const P = p + rng.big(-p / 100n, p / 100n) + 0n || 1n;
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
  const { rng } = w;
  const r = rng.int(100);
  const index = BigInt(1 + rng.int(ACCOUNTS));
  if (r < 15) return deposit(kit, index, rng.chance(0.9) ? keyOf(index) : keyOf(index + 1n), rng.big(1n, 200_000n));
  if (r < 30) {
    const acc = b.state.account(index);
    const amount = rng.big(1n, acc.collateral > 2n ? acc.collateral : 2n);
    const nonce = rng.chance(0.9) ? acc.nonce : acc.nonce + 1n;
    const msg = { accountIndex: index, amount, l1Address: BigInt(rng.int(1000)), nonce };
    return { kind: "withdrawal", index, amount, l1Address: msg.l1Address, nonce, sig: signWithdrawal(kit.poseidon, kit.keys[keyOf(index)]!, msg) };
  }
  if (r < 35) return { kind: "recertify", index };
  if (r < 38) return { kind: "liquidation", liquidated: index, receiver: 0n };
  return randomTrade(w, b);
}

/** Re-certifies or liquidates every account the new prices put past its bound; false if it cannot. */
function maintain(w: World, b: BatchBuilder): boolean {
  for (const op of maintenanceOps(b.state, b.markets)) {
    let result: AddResult = { ok: false, reason: "BadSignature", detail: "" };
    if (op.kind === "liquidation" && w.rng.chance(0.3)) {
      // Try a signing liquidator first; fall back to the backstop.
      const liq = BigInt(1 + w.rng.int(ACCOUNTS));
      const nonce = b.state.account(liq).nonce;
      const sig = kit.keys[keyOf(liq)]!.sign(liquidationHash(kit.poseidon, { liquidatorIndex: liq, liquidatedIndex: op.liquidated, nonce }));
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

function checkInvariants(w: World, sealed: SealedBatch, b: BatchBuilder): void {
  const state = sealed.state;
  let k = 0n;
  const oi = [0n, 0n];
  for (const [, acc] of state.entries()) {
    k += acc.k();
    acc.size.forEach((s, m) => (oi[m]! += s));
    expect(acc.isCanonical()).toBe(true);
    expect(certificateValid(acc)).toBe(true);
    expect(certificateCovers(acc, b.markets)).toBe(true);
  }
  const { insurance, fees } = state.ledger;
  expect(k + insurance + fees).toBe(w.deposited - w.withdrawn);
  expect(oi).toEqual([0n, 0n]);
  replayPaths(kit, sealed);
}

function runSeed(seed: number, batches: number): World {
  const rng = prng(seed);
  const w: World = { rng, state: genesis(kit), prices: [100_000n, 5_000n], deposited: 0n, withdrawn: 0n, nextOrderId: new Map(), standing: new Map(), stats: {} };
  const first = [deposit(kit, 0n, 0, 10n ** 13n), ...Array.from({ length: ACCOUNTS }, (_, i) => deposit(kit, BigInt(i + 1), (i + 1) % 4, rng.big(2_000_000n, 40_000_000n)))];
  for (let i = 0; i < first.length; i += SHAPE.opsPerBatch) {
    const ops = first.slice(i, i + SHAPE.opsPerBatch);
    w.state = runBatch(kit, w.state, ops, { prices: w.prices, params: PROP_PARAMS }).state;
    for (const op of ops) if (op.kind === "deposit") w.deposited += op.amount;
  }
  for (let n = 0; n < batches; n++) {
    const input = w.state;
    const inputRoot = input.root;
    // Prices walk up to 4% a batch, funding up to its bound; on trouble, retry with a calmer market.
    let b: BatchBuilder | undefined;
    let newPrices = w.prices;
    for (const scale of [1n, 4n, 0n]) {
      const d = { deposited: w.deposited, withdrawn: w.withdrawn };
      newPrices = w.prices.map((p) => (scale === 0n ? p : p + rng.big((-p * 4n) / (100n * scale), (p * 4n) / (100n * scale)) || 1n));
      const funding = input.ledger.funding.map((f, m) => {
        if (scale === 0n) return f;
        const bound = (PROP_PARAMS[m]!.maxFunding * newPrices[m]!) / RATIO;
        return f + rng.big(-bound, bound);
      });
      const candidate = new BatchBuilder({
        shape: SHAPE,
        state: input,
        context: nextContext(input, { prices: newPrices, funding, params: PROP_PARAMS }),
        deps: { poseidon: kit.poseidon, eddsa: verifier, salt: counterSalt(BigInt(seed) * 10n ** 6n + BigInt(n) * 1000n) },
      });
      if (maintain(w, candidate)) {
        b = candidate;
        break;
      }
      Object.assign(w, d); // the abandoned builder's deposits never happened
    }
    if (b === undefined) throw new Error("unchanged prices must need no maintenance");
    w.prices = newPrices;
    for (let attempt = 0; attempt < 12 && b.remaining > 0; attempt++) checked(w, b, randomOp(w, b));
    expect(b.violations()).toEqual([]);
    const sealed = b.seal();
    expect(input.root).toBe(inputRoot);
    checkInvariants(w, sealed, b);
    w.state = sealed.state;
  }
  return w;
}

describe("margin core properties", () => {
  it("random streams conserve money, keep OI at zero, and leave every account certified", () => {
    const totals: Record<string, number> = {};
    for (const seed of [1, 2, 3]) {
      const w = runSeed(seed, 10);
      for (const [k, v] of Object.entries(w.stats)) totals[k] = (totals[k] ?? 0) + v;
      const accounts = [...w.state.entries()];
      expect(accounts.some(([, a]) => a.size.some((s) => abs(s) > 0n))).toBe(true);
    }
    console.log("property stream outcomes:", JSON.stringify(totals));
    // The streams must actually exercise the rules, not just pass vacuously.
    const accepted = Object.entries(totals).filter(([k]) => k.startsWith("ok:")).reduce((s, [, v]) => s + v, 0);
    const rejected = Object.entries(totals).filter(([k]) => !k.startsWith("ok:")).reduce((s, [, v]) => s + v, 0);
    expect(accepted).toBeGreaterThan(150);
    expect(rejected).toBeGreaterThan(30);
    for (const k of ["ok:trade", "ok:deposit", "ok:withdrawal", "ok:recertify", "ok:liquidation"]) expect(totals[k] ?? 0).toBeGreaterThan(5);
  });
});
