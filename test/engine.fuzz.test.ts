/**
 * Matching engine against a naive reference (a flat list of orders, the best maker found by
 * filtering and sorting on every step), over thousands of seeded random operations: submits of
 * every kind with and without a check callback, STP modes, cancels, expiry, restores. Results,
 * check calls and book contents must agree after every operation; invariants (never crossed,
 * consistent indexes, sizes conserved) are checked throughout.
 */
import { describe, expect, it } from "vitest";
import { Side } from "../sequencer/core/constants.js";
import {
  MatchingEngine,
  Reason,
  type Cancellation,
  type DepthSnapshot,
  type EngineOrder,
  type Fill,
  type FillCheck,
  type FillVerdict,
  type RestingOrder,
  type StpMode,
  type SubmitOptions,
  type SubmitResult,
} from "../sequencer/engine/index.js";
import { xorshift32 } from "../bench/lib/rng.js";

interface RefOrder {
  id: string;
  account: bigint;
  market: number;
  side: Side;
  price: bigint;
  size: bigint;
  filled: bigint;
  expiry: bigint;
  type: EngineOrder["type"];
  tif: EngineOrder["tif"];
  seq: number;
}

/** The specification, written as plainly as possible. */
class Reference {
  orders: RefOrder[] = [];
  nextSeq = 0;
  constructor(readonly markets: number) {}

  private reject(o: EngineOrder, cancelled: Cancellation[], reason: string): SubmitResult {
    return { id: o.id, seq: undefined, fills: [], filled: 0n, remaining: o.size - (o.filled ?? 0n), resting: false, cancelled, rejected: reason };
  }

  private validate(o: EngineOrder, now: bigint | undefined): string | undefined {
    if (o.id === "") return Reason.badId;
    if (this.orders.some((x) => x.id === o.id)) return Reason.duplicateId;
    if (!(Number.isInteger(o.market) && o.market >= 0 && o.market < this.markets)) return Reason.unknownMarket;
    if (o.type === "market" && o.tif === "POST_ONLY") return Reason.marketPostOnly;
    if (o.account < 0n) return Reason.badAccount;
    if (o.size <= 0n || o.size >= 2n ** 47n) return Reason.badSize;
    if (o.price <= 0n || o.price >= 2n ** 48n) return Reason.badPrice;
    if (o.filled !== undefined && (o.filled < 0n || o.filled >= o.size)) return Reason.badFilled;
    if (o.expiry < 0n || o.expiry >= 2n ** 40n) return Reason.badExpiry;
    if (now !== undefined && o.expiry < now) return Reason.expired;
    if (o.seq !== undefined && o.seq < this.nextSeq) return Reason.badSeq;
    return undefined;
  }

  private drop(x: RefOrder, reason: string, cancelled: Cancellation[]): void {
    cancelled.push({ id: x.id, account: x.account, market: x.market, side: x.side, role: "maker", remaining: x.size - x.filled, reason });
    this.orders = this.orders.filter((y) => y !== x);
  }

  private bestCrossing(o: EngineOrder): RefOrder | undefined {
    const buy = o.side === Side.Buy;
    const c = this.orders.filter((x) => x.market === o.market && x.side !== o.side && (buy ? x.price <= o.price : x.price >= o.price));
    c.sort((a, b) => (a.price !== b.price ? (buy ? (a.price < b.price ? -1 : 1) : a.price > b.price ? -1 : 1) : a.seq - b.seq));
    return c[0];
  }

  submit(o: EngineOrder, check: FillCheck | undefined, opts: SubmitOptions | undefined): SubmitResult {
    const now = opts?.now;
    const stp: StpMode = opts?.stp ?? "cancel_taker";
    const cancelled: Cancellation[] = [];
    const bad = this.validate(o, now);
    if (bad) return this.reject(o, cancelled, bad);
    if (o.tif === "POST_ONLY") {
      for (;;) {
        const m = this.bestCrossing(o);
        if (!m) break;
        if (now !== undefined && m.expiry < now) {
          this.drop(m, Reason.expired, cancelled);
          continue;
        }
        return this.reject(o, cancelled, Reason.postOnlyWouldCross);
      }
    }
    const seq = o.seq ?? this.nextSeq;
    this.nextSeq = seq + 1;
    const fills: Fill[] = [];
    let rem = o.size - (o.filled ?? 0n);
    let stop: string | undefined;
    while (o.tif !== "POST_ONLY" && rem > 0n && stop === undefined) {
      const m = this.bestCrossing(o);
      if (!m) break;
      if (now !== undefined && m.expiry < now) {
        this.drop(m, Reason.expired, cancelled);
        continue;
      }
      if (m.account === o.account) {
        if (stp !== "cancel_taker") this.drop(m, Reason.selfTrade, cancelled);
        if (stp !== "cancel_maker") stop = Reason.selfTrade;
        continue;
      }
      const mrem = m.size - m.filled;
      const size = rem < mrem ? rem : mrem;
      const fill: Fill = { taker: o.id, maker: m.id, takerAccount: o.account, makerAccount: m.account, market: o.market, side: o.side, price: m.price, size, takerSeq: seq, makerSeq: m.seq };
      if (check) {
        let v: FillVerdict;
        try {
          v = check(fill);
        } catch (e) {
          v = { ok: false, reject: "taker", reason: `check threw: ${(e as Error).message}` };
        }
        if (!v.ok) {
          if (v.reject === "maker") this.drop(m, v.reason, cancelled);
          else stop = v.reason;
          continue;
        }
      }
      fills.push(fill);
      rem -= size;
      m.filled += size;
      if (m.filled === m.size) this.orders = this.orders.filter((y) => y !== m);
    }
    let resting = false;
    if (rem > 0n) {
      const reason = stop ?? (o.type === "market" || o.tif === "IOC" ? Reason.iocRemainder : undefined);
      if (reason !== undefined) cancelled.push({ id: o.id, account: o.account, market: o.market, side: o.side, role: "taker", remaining: rem, reason });
      else {
        this.orders.push({ id: o.id, account: o.account, market: o.market, side: o.side, price: o.price, size: o.size, filled: o.size - rem, expiry: o.expiry, type: o.type, tif: o.tif, seq });
        resting = true;
      }
    }
    const filled = fills.reduce((s, f) => s + f.size, 0n);
    return { id: o.id, seq, fills, filled, remaining: rem, resting, cancelled };
  }

  cancel(id: string): RestingOrder | undefined {
    const x = this.orders.find((y) => y.id === id);
    if (!x) return undefined;
    this.orders = this.orders.filter((y) => y !== x);
    return snap(x);
  }

  expire(now: bigint): RestingOrder[] {
    const gone = this.orders.filter((x) => x.expiry < now).sort((a, b) => a.seq - b.seq);
    this.orders = this.orders.filter((x) => x.expiry >= now);
    return gone.map(snap);
  }

  snapshot(): RestingOrder[] {
    return [...this.orders].sort((a, b) => a.seq - b.seq).map(snap);
  }

  depth(market: number): DepthSnapshot {
    const side = (s: Side, better: (a: bigint, b: bigint) => boolean): Array<[bigint, bigint]> => {
      const m = new Map<bigint, bigint>();
      for (const x of this.orders) if (x.market === market && x.side === s) m.set(x.price, (m.get(x.price) ?? 0n) + x.size - x.filled);
      return [...m.entries()].sort((a, b) => (better(a[0], b[0]) ? -1 : 1));
    };
    return { bids: side(Side.Buy, (a, b) => a > b), asks: side(Side.Sell, (a, b) => a < b) };
  }
}

function snap(x: RefOrder): RestingOrder {
  const { id, account, market, side, price, size, filled, expiry, type, tif, seq } = x;
  return { id, account, market, side, price, size, filled, remaining: size - filled, expiry, type, tif, seq };
}

const rng = xorshift32;

/** A deterministic check that rejects makers and takers now and then, and sometimes throws. */
function makeCheck(calls: Fill[]): FillCheck {
  return (f) => {
    calls.push(f);
    const h = (f.size * 31n + f.price * 17n + BigInt(f.makerSeq) * 7n + BigInt(f.takerSeq) * 3n + f.makerAccount) % 37n;
    if (h === 0n || h === 1n) return { ok: false, reject: "maker", reason: `maker check ${h}` };
    if (h === 2n) return { ok: false, reject: "taker", reason: "taker check" };
    if (h === 3n) throw new Error("check exploded");
    return { ok: true };
  };
}

function runFuzz(seed: number, steps: number): { fills: number; restores: number; rejected: number; cancelledMakers: number } {
  const rand = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const markets = 2;
  let engine = new MatchingEngine({ markets });
  const ref = new Reference(markets);
  let now = 0n;
  const mids = [100, 1000];
  const ids: string[] = [];
  const stats = { fills: 0, restores: 0, rejected: 0, cancelledMakers: 0 };

  // conservation ledger: every accepted order's size = filled + resting + cancelled
  const sizeOf = new Map<string, bigint>();
  const done = new Map<string, bigint>();
  const credit = (id: string, x: bigint) => done.set(id, (done.get(id) ?? 0n) + x);
  const conserve = () => {
    const resting = new Map(engine.orders().map((x) => [x.id, x.remaining]));
    for (const [id, size] of sizeOf) expect([id, (done.get(id) ?? 0n) + (resting.get(id) ?? 0n)]).toEqual([id, size]);
  };

  for (let step = 0; step < steps; step++) {
    if (rand() < 0.05) now += BigInt(int(1, 5));
    if (step % 50 === 0) for (let m = 0; m < markets; m++) mids[m]! += int(-3, 3);
    const r = rand();
    if (r < 0.72) {
      const market = rand() < 0.98 ? int(0, markets - 1) : 2;
      const side = rand() < 0.5 ? Side.Buy : Side.Sell;
      const mid = mids[Math.min(market, markets - 1)]!;
      const sign = side === Side.Buy ? -1 : 1;
      const kind = rand();
      const type = kind < 0.1 ? "market" : "limit";
      const tif = type === "market" ? pick(["GTC", "IOC"] as const) : kind < 0.55 ? "GTC" : kind < 0.75 ? "IOC" : "POST_ONLY";
      const price = BigInt(Math.max(type === "market" ? mid - sign * 15 : mid + sign * int(-4, 8), rand() < 0.01 ? 0 : 1));
      const id = rand() < 0.03 && ids.length > 0 ? pick(ids) : `o${step}`;
      const order: EngineOrder = {
        id,
        account: BigInt(int(1, 6)),
        market,
        side,
        price,
        size: BigInt(rand() < 0.01 ? 0 : int(1, 20)),
        expiry: now + BigInt(rand() < 0.15 ? int(-2, 4) : int(5, 200)),
        type,
        tif,
        ...(rand() < 0.03 ? { seq: ref.nextSeq + int(-1, 2) } : {}),
      };
      const stp = pick([undefined, "cancel_taker", "cancel_maker", "cancel_both"] as const);
      const opts: SubmitOptions = { ...(stp ? { stp } : {}), ...(rand() < 0.9 ? { now } : {}) };
      const useCheck = rand() < 0.5;
      const callsE: Fill[] = [];
      const callsR: Fill[] = [];
      const before = new Map(engine.orders().map((x) => [x.id, x.filled]));
      const got = engine.submit(order, useCheck ? makeCheck(callsE) : undefined, opts);
      const want = ref.submit(order, useCheck ? makeCheck(callsR) : undefined, opts);
      expect(got).toEqual(want);
      expect(callsE).toEqual(callsR);
      if (!got.rejected) {
        ids.push(id);
        // an id comes back only once its previous order has ended: settle that one first
        if (sizeOf.has(id)) expect([id, done.get(id) ?? 0n]).toEqual([id, sizeOf.get(id)]);
        done.delete(id);
        sizeOf.set(id, order.size);
        expect(got.filled + got.remaining).toBe(order.size);
        expect(got.fills.reduce((s, f) => s + f.size, 0n)).toBe(got.filled);
        for (const f of got.fills) {
          credit(f.taker, f.size);
          credit(f.maker, f.size);
          expect(f.side === Side.Buy ? f.price <= order.price : f.price >= order.price).toBe(true);
          const maker = engine.get(f.maker);
          if (maker) expect(maker.filled - before.get(f.maker)!).toBeGreaterThanOrEqual(f.size);
        }
        if (got.resting) expect(got.cancelled.every((c) => c.role === "maker")).toBe(true);
      } else stats.rejected++;
      for (const c of got.cancelled) {
        credit(c.id, c.remaining);
        if (c.role === "maker") stats.cancelledMakers++;
      }
      stats.fills += got.fills.length;
    } else if (r < 0.9) {
      const id = ids.length > 0 && rand() < 0.95 ? pick(ids) : "missing";
      const got = engine.cancel(id);
      expect(got).toEqual(ref.cancel(id));
      if (got) credit(got.id, got.remaining);
    } else if (r < 0.97) {
      const at = now + BigInt(int(-3, 3));
      const got = engine.expire(at);
      expect(got).toEqual(ref.expire(at));
      for (const x of got) credit(x.id, x.remaining);
    } else {
      // restart: a fresh engine from the saved orders, shuffled, and the saved counter
      const saved = engine.orders();
      for (let i = saved.length - 1; i > 0; i--) {
        const j = int(0, i);
        [saved[i], saved[j]] = [saved[j]!, saved[i]!];
      }
      const seqCounter = engine.sequence;
      engine = new MatchingEngine({ markets });
      engine.restore(saved, seqCounter);
      stats.restores++;
    }
    expect(engine.orders()).toEqual(ref.snapshot());
    for (let m = 0; m < markets; m++) {
      const d = ref.depth(m);
      expect(engine.depth(m)).toEqual(d);
      expect([engine.bestBid(m), engine.bestAsk(m)]).toEqual([d.bids[0]?.[0], d.asks[0]?.[0]]);
    }
    const account = BigInt(int(1, 6));
    expect(engine.ordersOf(account)).toEqual(ref.snapshot().filter((x) => x.account === account));
    expect(engine.sequence).toBe(ref.nextSeq);
    engine.assertConsistent();
    if (step % 250 === 0) conserve();
  }
  conserve();
  return stats;
}

describe("engine against the reference", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`agrees over 2,500 random operations (seed ${seed})`, () => {
      const stats = runFuzz(seed, 2500);
      if (process.env.FUZZ_STATS) console.log(seed, stats);
      // the flow exercised what it is meant to
      expect(stats.fills).toBeGreaterThan(300);
      expect(stats.restores).toBeGreaterThan(20);
      expect(stats.rejected).toBeGreaterThan(50);
      expect(stats.cancelledMakers).toBeGreaterThan(20);
    });
  }
});
