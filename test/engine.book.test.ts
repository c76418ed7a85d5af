/** Matching engine: price-time priority, time in force, STP, check verdicts, expiry, restore. */
import { describe, expect, it } from "vitest";
import { Side } from "../sequencer/core/constants.js";
import { MatchingEngine, Reason, type EngineOrder, type Fill, type FillVerdict } from "../sequencer/engine/index.js";

const B = Side.Buy;
const S = Side.Sell;

function o(id: string, account: bigint, side: Side, price: bigint, size: bigint, extra: Partial<EngineOrder> = {}): EngineOrder {
  return { id, account, market: 0, side, price, size, expiry: 1_000n, type: "limit", tif: "GTC", ...extra };
}

function engine(...orders: EngineOrder[]): MatchingEngine {
  const e = new MatchingEngine({ markets: 2 });
  for (const x of orders) expect(e.submit(x).rejected).toBeUndefined();
  return e;
}

const brief = (fs: Fill[]) => fs.map((f) => [f.maker, f.price, f.size]);

describe("price-time priority", () => {
  it("takes the best price first, at the maker's price", () => {
    const e = engine(o("a1", 1n, S, 101n, 5n), o("a2", 2n, S, 100n, 5n), o("a3", 3n, S, 102n, 5n));
    const r = e.submit(o("b", 9n, B, 102n, 12n));
    expect(brief(r.fills)).toEqual([
      ["a2", 100n, 5n],
      ["a1", 101n, 5n],
      ["a3", 102n, 2n],
    ]);
    expect(r.fills[0]).toMatchObject({ taker: "b", takerAccount: 9n, makerAccount: 2n, market: 0, side: B });
    expect(r).toMatchObject({ filled: 12n, remaining: 0n, resting: false, cancelled: [] });
    expect(e.get("a3")).toMatchObject({ filled: 2n, remaining: 3n });
    expect(e.depth(0)).toEqual({ bids: [], asks: [[102n, 3n]] });
    e.assertConsistent();
  });

  it("fills FIFO within a level, partially filling the last maker", () => {
    const e = engine(o("a1", 1n, S, 100n, 3n), o("a2", 2n, S, 100n, 4n), o("a3", 3n, S, 100n, 5n));
    const r = e.submit(o("b", 9n, B, 100n, 5n, { tif: "IOC" }));
    expect(brief(r.fills)).toEqual([
      ["a1", 100n, 3n],
      ["a2", 100n, 2n],
    ]);
    expect(e.get("a1")).toBeUndefined();
    expect(e.get("a2")).toMatchObject({ filled: 2n, remaining: 2n });
    expect(e.depth(0).asks).toEqual([[100n, 7n]]);
    // the partially filled maker keeps its place at the head
    expect(brief(e.submit(o("b2", 9n, B, 100n, 3n)).fills)).toEqual([
      ["a2", 100n, 2n],
      ["a3", 100n, 1n],
    ]);
    e.assertConsistent();
  });

  it("does not cross beyond the limit; a GTC remainder rests at its limit", () => {
    const e = engine(o("a1", 1n, S, 100n, 5n), o("a2", 2n, S, 101n, 5n), o("a3", 3n, S, 103n, 5n));
    const r = e.submit(o("b", 9n, B, 101n, 20n));
    expect(brief(r.fills)).toEqual([
      ["a1", 100n, 5n],
      ["a2", 101n, 5n],
    ]);
    expect(r).toMatchObject({ filled: 10n, remaining: 10n, resting: true, cancelled: [] });
    expect(e.get("b")).toMatchObject({ price: 101n, size: 20n, filled: 10n, remaining: 10n, seq: r.seq });
    expect(e.bestBid(0)).toBe(101n);
    expect(e.bestAsk(0)).toBe(103n);
    e.assertConsistent();
  });

  it("sells take bids from the highest down", () => {
    const e = engine(o("b1", 1n, B, 99n, 5n), o("b2", 2n, B, 100n, 5n), o("b3", 3n, B, 98n, 5n));
    const r = e.submit(o("s", 9n, S, 99n, 7n));
    expect(brief(r.fills)).toEqual([
      ["b2", 100n, 5n],
      ["b1", 99n, 2n],
    ]);
    expect(r.fills[0]!.side).toBe(S);
    expect(e.depth(0)).toEqual({ bids: [[99n, 3n], [98n, 5n]], asks: [] });
  });

  it("keeps markets apart", () => {
    const e = engine(o("a", 1n, S, 100n, 5n, { market: 1 }));
    const r = e.submit(o("b", 2n, B, 100n, 5n));
    expect(r.fills).toEqual([]);
    expect(r.resting).toBe(true);
    expect(e.depth(0)).toEqual({ bids: [[100n, 5n]], asks: [] });
    expect(e.depth(1)).toEqual({ bids: [], asks: [[100n, 5n]] });
  });
});

describe("time in force and order types", () => {
  it("IOC never rests", () => {
    const e = engine(o("a", 1n, S, 100n, 5n));
    const r = e.submit(o("b", 9n, B, 100n, 8n, { tif: "IOC" }));
    expect(r).toMatchObject({ filled: 5n, remaining: 3n, resting: false });
    expect(r.cancelled).toEqual([{ id: "b", account: 9n, market: 0, side: B, role: "taker", remaining: 3n, reason: Reason.iocRemainder }]);
    const none = e.submit(o("c", 9n, B, 100n, 8n, { tif: "IOC" }));
    expect(none).toMatchObject({ filled: 0n, remaining: 8n, resting: false });
    expect(e.size).toBe(0);
  });

  it("post-only rests when it does not cross and is rejected whole when it would", () => {
    const e = engine(o("a", 1n, S, 100n, 5n));
    const ok = e.submit(o("p1", 2n, B, 99n, 5n, { tif: "POST_ONLY" }));
    expect(ok).toMatchObject({ resting: true, fills: [] });
    expect(ok.rejected).toBeUndefined();
    const bad = e.submit(o("p2", 2n, B, 100n, 5n, { tif: "POST_ONLY" }));
    expect(bad).toMatchObject({ resting: false, fills: [], rejected: Reason.postOnlyWouldCross, seq: undefined });
    expect(e.get("p2")).toBeUndefined();
    expect(e.get("a")).toMatchObject({ remaining: 5n });
    const sell = e.submit(o("p3", 3n, S, 99n, 1n, { tif: "POST_ONLY" }));
    expect(sell.rejected).toBe(Reason.postOnlyWouldCross);
    e.assertConsistent();
  });

  it("market orders sweep up to their worst price and never rest", () => {
    const e = engine(o("a1", 1n, S, 100n, 5n), o("a2", 2n, S, 105n, 5n), o("a3", 3n, S, 120n, 5n));
    const r = e.submit(o("m", 9n, B, 110n, 20n, { type: "market", tif: "GTC" }));
    expect(brief(r.fills)).toEqual([
      ["a1", 100n, 5n],
      ["a2", 105n, 5n],
    ]);
    expect(r).toMatchObject({ remaining: 10n, resting: false });
    expect(r.cancelled.at(-1)).toMatchObject({ id: "m", role: "taker", reason: Reason.iocRemainder });
    expect(e.bestBid(0)).toBeUndefined();
    expect(e.submit(o("mp", 9n, B, 110n, 20n, { type: "market", tif: "POST_ONLY" })).rejected).toBe(Reason.marketPostOnly);
  });
});

describe("self-trade prevention", () => {
  const setup = () => engine(o("own", 7n, S, 100n, 5n), o("other", 8n, S, 100n, 5n), o("far", 8n, S, 101n, 5n));

  it("cancel_taker (the default) stops at the own order and cancels the taker's remainder", () => {
    const e = engine(o("x", 8n, S, 99n, 2n), o("own", 7n, S, 100n, 5n), o("other", 8n, S, 100n, 5n));
    const r = e.submit(o("t", 7n, B, 101n, 10n));
    expect(brief(r.fills)).toEqual([["x", 99n, 2n]]);
    expect(r).toMatchObject({ remaining: 8n, resting: false });
    expect(r.cancelled).toEqual([{ id: "t", account: 7n, market: 0, side: B, role: "taker", remaining: 8n, reason: Reason.selfTrade }]);
    expect(e.get("own")).toBeDefined();
    e.assertConsistent();
  });

  it("cancel_maker removes the own order and goes on", () => {
    const e = setup();
    const r = e.submit(o("t", 7n, B, 101n, 8n), undefined, { stp: "cancel_maker" });
    expect(brief(r.fills)).toEqual([
      ["other", 100n, 5n],
      ["far", 101n, 3n],
    ]);
    expect(r.cancelled).toEqual([{ id: "own", account: 7n, market: 0, side: S, role: "maker", remaining: 5n, reason: Reason.selfTrade }]);
    expect(e.get("own")).toBeUndefined();
    e.assertConsistent();
  });

  it("cancel_both removes the own order and cancels the taker", () => {
    const e = setup();
    const r = e.submit(o("t", 7n, B, 101n, 8n), undefined, { stp: "cancel_both" });
    expect(r.fills).toEqual([]);
    expect(r.cancelled.map((c) => [c.id, c.role, c.reason])).toEqual([
      ["own", "maker", Reason.selfTrade],
      ["t", "taker", Reason.selfTrade],
    ]);
    expect(r.resting).toBe(false);
    expect(e.orders().map((x) => x.id)).toEqual(["other", "far"]);
    e.assertConsistent();
  });

  it("the engine default can be changed", () => {
    const e = new MatchingEngine({ markets: 1, stp: "cancel_maker" });
    e.submit(o("own", 7n, S, 100n, 5n));
    const r = e.submit(o("t", 7n, B, 100n, 5n));
    expect(r).toMatchObject({ resting: true, remaining: 5n });
    expect(e.get("own")).toBeUndefined();
  });

  it("does not apply across accounts or to a non-crossing own order", () => {
    const e = engine(o("own", 7n, S, 102n, 5n));
    expect(e.submit(o("t", 7n, B, 101n, 5n))).toMatchObject({ resting: true, cancelled: [] });
  });
});

describe("check verdicts", () => {
  it("sees each candidate fill before it happens and commits on ok", () => {
    const e = engine(o("a1", 1n, S, 100n, 5n), o("a2", 2n, S, 101n, 5n));
    const seen: Fill[] = [];
    const r = e.submit(o("b", 9n, B, 101n, 7n), (f) => (seen.push(f), { ok: true }));
    expect(seen).toEqual(r.fills);
    expect(brief(seen)).toEqual([
      ["a1", 100n, 5n],
      ["a2", 101n, 2n],
    ]);
  });

  it("a maker rejection removes that maker and matching goes on", () => {
    const e = engine(o("a1", 1n, S, 100n, 5n), o("a2", 2n, S, 100n, 5n), o("a3", 3n, S, 101n, 5n));
    const check = (f: Fill): FillVerdict => (f.makerAccount === 2n ? { ok: false, reject: "maker", reason: "maker margin" } : { ok: true });
    const r = e.submit(o("b", 9n, B, 101n, 8n), check);
    expect(brief(r.fills)).toEqual([
      ["a1", 100n, 5n],
      ["a3", 101n, 3n],
    ]);
    expect(r.cancelled).toEqual([{ id: "a2", account: 2n, market: 0, side: S, role: "maker", remaining: 5n, reason: "maker margin" }]);
    expect(e.get("a2")).toBeUndefined();
    expect(r).toMatchObject({ remaining: 0n, resting: false });
    e.assertConsistent();
  });

  it("a taker rejection stops matching, keeps earlier fills and cancels the remainder", () => {
    const e = engine(o("a1", 1n, S, 100n, 5n), o("a2", 2n, S, 100n, 5n));
    let calls = 0;
    const r = e.submit(o("b", 9n, B, 100n, 8n), () => (++calls === 2 ? { ok: false, reject: "taker", reason: "taker margin" } : { ok: true }));
    expect(brief(r.fills)).toEqual([["a1", 100n, 5n]]);
    expect(r).toMatchObject({ filled: 5n, remaining: 3n, resting: false });
    expect(r.cancelled).toEqual([{ id: "b", account: 9n, market: 0, side: B, role: "taker", remaining: 3n, reason: "taker margin" }]);
    expect(e.get("a2")).toMatchObject({ remaining: 5n });
    expect(e.get("b")).toBeUndefined();
    e.assertConsistent();
  });

  it("a check that throws counts as a taker rejection", () => {
    const e = engine(o("a1", 1n, S, 100n, 5n), o("a2", 2n, S, 100n, 5n));
    let calls = 0;
    const r = e.submit(o("b", 9n, B, 100n, 8n), () => {
      if (++calls === 2) throw new Error("boom");
      return { ok: true };
    });
    expect(r.fills).toHaveLength(1);
    expect(r.cancelled).toEqual([expect.objectContaining({ id: "b", reason: "check threw: boom" })]);
    e.assertConsistent();
  });
});

describe("expiry", () => {
  it("rejects an order already expired; expiry == now is still live", () => {
    const e = new MatchingEngine({ markets: 1 });
    expect(e.submit(o("x", 1n, S, 100n, 5n, { expiry: 9n }), undefined, { now: 10n }).rejected).toBe(Reason.expired);
    expect(e.submit(o("y", 1n, S, 100n, 5n, { expiry: 10n }), undefined, { now: 10n }).resting).toBe(true);
  });

  it("skips and removes expired makers while matching", () => {
    const e = engine(o("old", 1n, S, 99n, 5n, { expiry: 5n }), o("a", 2n, S, 100n, 5n), o("old2", 3n, S, 100n, 5n, { expiry: 5n }), o("b", 4n, S, 100n, 5n));
    const r = e.submit(o("t", 9n, B, 100n, 7n), undefined, { now: 6n });
    expect(brief(r.fills)).toEqual([
      ["a", 100n, 5n],
      ["b", 100n, 2n],
    ]);
    expect(r.cancelled.map((c) => [c.id, c.reason])).toEqual([
      ["old", Reason.expired],
      ["old2", Reason.expired],
    ]);
    expect(e.get("old")).toBeUndefined();
    e.assertConsistent();
  });

  it("without `now` expiry is not enforced", () => {
    const e = engine(o("old", 1n, S, 99n, 5n, { expiry: 5n }));
    expect(e.submit(o("t", 9n, B, 100n, 5n)).fills).toHaveLength(1);
  });

  it("post-only clears expired crossing makers and rests if nothing live crosses", () => {
    const e = engine(o("old", 1n, S, 99n, 5n, { expiry: 5n }), o("a", 2n, S, 101n, 5n));
    const r = e.submit(o("p", 9n, B, 100n, 5n, { tif: "POST_ONLY" }), undefined, { now: 6n });
    expect(r).toMatchObject({ resting: true, fills: [] });
    expect(r.cancelled.map((c) => c.id)).toEqual(["old"]);
    e.assertConsistent();
  });

  it("expire(now) removes orders with expiry < now, in seq order", () => {
    const e = engine(o("a", 1n, S, 101n, 5n, { expiry: 7n }), o("b", 1n, B, 99n, 5n, { expiry: 5n }), o("c", 2n, B, 98n, 5n, { expiry: 6n }), o("d", 2n, S, 102n, 1n, { expiry: 20n }));
    expect(e.expire(6n).map((x) => x.id)).toEqual(["b"]);
    expect(e.expire(8n).map((x) => x.id)).toEqual(["a", "c"]);
    expect(e.orders().map((x) => x.id)).toEqual(["d"]);
    expect(e.depth(0)).toEqual({ bids: [], asks: [[102n, 1n]] });
    e.assertConsistent();
  });
});

describe("cancel, ids and validation", () => {
  it("cancel removes an order and leaves the rest of its queue in order", () => {
    const e = engine(o("a1", 1n, S, 100n, 1n), o("a2", 2n, S, 100n, 2n), o("a3", 3n, S, 100n, 3n));
    expect(e.cancel("a2")).toMatchObject({ id: "a2", remaining: 2n, filled: 0n });
    expect(e.cancel("a2")).toBeUndefined();
    expect(e.cancel("nope")).toBeUndefined();
    expect(e.depth(0).asks).toEqual([[100n, 4n]]);
    expect(brief(e.submit(o("b", 9n, B, 100n, 4n)).fills)).toEqual([
      ["a1", 100n, 1n],
      ["a3", 100n, 3n],
    ]);
    expect(e.depth(0).asks).toEqual([]);
    e.assertConsistent();
  });

  it("cancelling the last order of a level removes the level", () => {
    const e = engine(o("a1", 1n, S, 100n, 1n), o("a2", 2n, S, 101n, 2n), o("b", 3n, B, 90n, 3n));
    e.cancel("a1");
    expect(e.bestAsk(0)).toBe(101n);
    e.cancel("b");
    expect(e.bestBid(0)).toBeUndefined();
    e.assertConsistent();
  });

  it("survives many cancels inside one level (lazy compaction)", () => {
    const e = new MatchingEngine({ markets: 1 });
    for (let i = 0; i < 500; i++) e.submit(o(`a${i}`, BigInt(i), S, 100n, 1n));
    for (let i = 0; i < 500; i++) if (i % 7 !== 3) e.cancel(`a${i}`);
    e.assertConsistent();
    const r = e.submit(o("t", 10_000n, B, 100n, 1000n, { tif: "IOC" }));
    expect(r.fills.map((f) => f.maker)).toEqual(Array.from({ length: 500 }, (_, i) => i).filter((i) => i % 7 === 3).map((i) => `a${i}`));
    e.assertConsistent();
  });

  it("rejects a duplicate of a resting id; a filled id is free again", () => {
    const e = engine(o("a", 1n, S, 100n, 5n));
    expect(e.submit(o("a", 2n, S, 101n, 5n)).rejected).toBe(Reason.duplicateId);
    expect(e.submit(o("a", 2n, B, 100n, 5n)).rejected).toBe(Reason.duplicateId);
    expect(e.submit(o("b", 2n, B, 100n, 5n)).fills).toHaveLength(1);
    expect(e.submit(o("a", 2n, S, 101n, 5n)).resting).toBe(true);
  });

  it("rejects out-of-range fields and unknown markets", () => {
    const e = new MatchingEngine({ markets: 2 });
    const cases: Array<[Partial<EngineOrder>, string]> = [
      [{ size: 0n }, Reason.badSize],
      [{ size: -1n }, Reason.badSize],
      [{ size: 1n << 47n }, Reason.badSize],
      [{ price: 0n }, Reason.badPrice],
      [{ price: -5n }, Reason.badPrice],
      [{ price: 1n << 48n }, Reason.badPrice],
      [{ market: 2 }, Reason.unknownMarket],
      [{ market: -1 }, Reason.unknownMarket],
      [{ market: 0.5 }, Reason.unknownMarket],
      [{ id: "" }, Reason.badId],
      [{ side: 2 as Side }, Reason.badSide],
      [{ tif: "FOK" as "GTC" }, Reason.badTif],
      [{ type: "stop" as "limit" }, Reason.badType],
      [{ account: -1n }, Reason.badAccount],
      [{ filled: 5n }, Reason.badFilled],
      [{ expiry: -1n }, Reason.badExpiry],
      [{ seq: -1 }, Reason.badSeq],
    ];
    for (const [patch, reason] of cases) {
      const r = e.submit(o("x", 1n, B, 100n, 5n, patch));
      expect([patch, r.rejected]).toEqual([patch, reason]);
      expect(r).toMatchObject({ fills: [], resting: false, seq: undefined });
    }
    expect(e.size).toBe(0);
    expect(e.sequence).toBe(0);
    // the extremes of the ranges are fine
    expect(e.submit(o("max", 1n, S, (1n << 48n) - 1n, (1n << 47n) - 1n)).resting).toBe(true);
  });

  it("takes caller seqs that increase and assigns the next ones", () => {
    const e = new MatchingEngine({ markets: 1 });
    expect(e.submit(o("a", 1n, S, 100n, 1n, { seq: 10 })).seq).toBe(10);
    expect(e.submit(o("b", 1n, S, 100n, 1n)).seq).toBe(11);
    expect(e.submit(o("c", 1n, S, 100n, 1n, { seq: 11 })).rejected).toBe(Reason.badSeq);
    expect(e.submit(o("d", 1n, S, 100n, 1n, { seq: 12 })).seq).toBe(12);
  });
});

describe("snapshots and restore", () => {
  it("depth aggregates levels best first, limited to `levels`", () => {
    const e = engine(o("b1", 1n, B, 99n, 1n), o("b2", 2n, B, 99n, 2n), o("b3", 3n, B, 97n, 4n), o("b4", 3n, B, 98n, 8n), o("a1", 4n, S, 101n, 3n), o("a2", 4n, S, 103n, 3n));
    expect(e.depth(0)).toEqual({
      bids: [
        [99n, 3n],
        [98n, 8n],
        [97n, 4n],
      ],
      asks: [
        [101n, 3n],
        [103n, 3n],
      ],
    });
    expect(e.depth(0, 1)).toEqual({ bids: [[99n, 3n]], asks: [[101n, 3n]] });
    expect(e.depth(1)).toEqual({ bids: [], asks: [] });
    expect(() => e.depth(5)).toThrow(/unknown market/);
    expect([e.bestBid(0), e.bestAsk(0), e.bestBid(1), e.bestAsk(9)]).toEqual([99n, 101n, undefined, undefined]);
  });

  it("ordersOf lists an account's resting orders in seq order", () => {
    const e = engine(o("x", 1n, B, 99n, 1n), o("y", 2n, B, 99n, 2n), o("z", 1n, S, 105n, 4n, { market: 1 }), o("w", 1n, S, 104n, 4n));
    expect(e.ordersOf(1n).map((x) => x.id)).toEqual(["x", "z", "w"]);
    expect(e.ordersOf(3n)).toEqual([]);
    e.submit(o("t", 5n, S, 99n, 1n));
    expect(e.ordersOf(1n).map((x) => x.id)).toEqual(["z", "w"]);
  });

  it("restore from a shuffled list reproduces the queues, fills and later seqs", () => {
    const flow = [o("a1", 1n, S, 100n, 5n), o("a2", 2n, S, 100n, 5n), o("a3", 3n, S, 99n, 5n), o("a4", 4n, S, 100n, 5n), o("b1", 5n, B, 95n, 5n), o("b2", 6n, B, 95n, 5n)];
    const e1 = engine(...flow);
    e1.submit(o("t0", 9n, B, 100n, 7n)); // a3 gone, a1 partially filled
    e1.cancel("a2");
    const saved = e1.orders();
    expect(saved.map((x) => x.id)).toEqual(["a1", "a4", "b1", "b2"]);
    const shuffled = [saved[3]!, saved[0]!, saved[2]!, saved[1]!];
    const e2 = new MatchingEngine({ markets: 2 });
    e2.restore(shuffled);
    e2.assertConsistent();
    expect(e2.orders()).toEqual(saved);
    expect(e2.depth(0)).toEqual(e1.depth(0));
    // the taker t0 (seq 6) never rested: only the saved counter brings the sequence back exactly
    expect(e2.sequence).toBe(6);
    const e3 = new MatchingEngine({ markets: 2 });
    e3.restore(shuffled, e1.sequence);
    expect(e3.sequence).toBe(e1.sequence);
    expect(e3.orders()).toEqual(saved);
    const t = o("t1", 9n, B, 100n, 20n);
    const s = o("t2", 9n, S, 90n, 20n);
    const r1 = e1.submit(t);
    expect(e3.submit(t)).toEqual(r1);
    // without the counter only the taker's seq differs
    const r2 = e2.submit(t);
    expect({ ...r2, seq: r1.seq, fills: r2.fills.map((f) => ({ ...f, takerSeq: r1.seq })) }).toEqual(r1);
    expect(e3.submit(s)).toEqual(e1.submit(s));
    expect(e3.orders()).toEqual(e1.orders());
  });

  it("restore into a non-empty engine interleaves by seq", () => {
    const e = new MatchingEngine({ markets: 1 });
    e.submit(o("late", 1n, S, 100n, 1n, { seq: 5 }));
    e.restore([o("early", 2n, S, 100n, 1n, { seq: 2 }), o("later", 3n, S, 100n, 1n, { seq: 9 }), o("noseq", 4n, S, 100n, 1n)]);
    e.assertConsistent();
    expect(e.orders().map((x) => [x.id, x.seq])).toEqual([
      ["early", 2],
      ["late", 5],
      ["later", 9],
      ["noseq", 10],
    ]);
    expect(e.sequence).toBe(11);
    expect(e.submit(o("t", 9n, B, 100n, 4n)).fills.map((f) => f.maker)).toEqual(["early", "late", "later", "noseq"]);
  });

  it("restore refuses bad input and changes nothing", () => {
    const e = engine(o("a", 1n, S, 100n, 5n, { seq: 3 }));
    const before = e.orders();
    expect(() => e.restore([o("b", 1n, B, 100n, 5n)])).toThrow(/crossed/);
    expect(() => e.restore([o("a", 1n, S, 101n, 5n)])).toThrow(/duplicate id/);
    expect(() => e.restore([o("c", 1n, S, 101n, 5n), o("c", 1n, S, 102n, 5n)])).toThrow(/duplicate id/);
    expect(() => e.restore([o("c", 1n, S, 101n, 5n, { seq: 3 })])).toThrow(/duplicate seq/);
    expect(() => e.restore([o("c", 1n, S, 101n, 5n, { tif: "IOC" })])).toThrow(/cannot rest/);
    expect(() => e.restore([o("c", 1n, S, 101n, 5n, { type: "market" })])).toThrow(/cannot rest/);
    expect(() => e.restore([o("c", 1n, S, 101n, 5n, { filled: 5n })])).toThrow(/filled/);
    expect(() => e.restore([o("c", 1n, S, 101n, 5n, { market: 7 })])).toThrow(/unknown market/);
    expect(e.orders()).toEqual(before);
    e.assertConsistent();
  });
});

describe("determinism", () => {
  it("the same calls give the same results", () => {
    const run = () => {
      const e = new MatchingEngine({ markets: 1 });
      const out: unknown[] = [];
      for (let i = 0; i < 200; i++) {
        const side = i % 3 === 0 ? B : S;
        const price = BigInt(100 + ((i * 7) % 11) - 5);
        out.push(e.submit(o(`o${i}`, BigInt(i % 5), side, price, BigInt(1 + (i % 9)), { tif: i % 4 === 0 ? "IOC" : "GTC" }), undefined, { now: 0n }));
        if (i % 10 === 5) out.push(e.cancel(`o${i - 3}`));
      }
      out.push(e.orders(), e.depth(0));
      return out;
    };
    expect(run()).toEqual(run());
  });
});
