/**
 * A price-time-priority order book per market, in memory, with no I/O.
 *
 * Each side of a market is an array of price levels sorted so that the best level is last (bids
 * ascending, asks descending): the levels a taker consumes pop off the end, and a level is found by
 * binary search. A level holds a FIFO queue (array + head index) of orders in seq order; cancelled
 * orders are marked dead and skipped, and queues are compacted lazily. An id map and a per-account
 * index point at the live orders.
 *
 * Deterministic: the same calls with the same arguments give the same results and the same book.
 */
import { ORDER_SIZE_BITS, PRICE_BITS, Side, TIME_BITS } from "../core/constants.js";
import {
  Reason,
  type Cancellation,
  type DepthSnapshot,
  type EngineOrder,
  type Fill,
  type FillCheck,
  type FillVerdict,
  type OrderType,
  type RestingOrder,
  type StpMode,
  type SubmitOptions,
  type SubmitResult,
  type TimeInForce,
} from "./types.js";

const MAX_PRICE = 1n << BigInt(PRICE_BITS);
const MAX_SIZE = 1n << BigInt(ORDER_SIZE_BITS);
const MAX_EXPIRY = 1n << BigInt(TIME_BITS);

class Level {
  q: BookOrder[] = [];
  head = 0;
  /** live orders in q[head..] */
  live = 0;
  /** their total remaining size */
  total = 0n;
  constructor(readonly price: bigint) {}
}

class BookOrder {
  live = true;
  level: Level | null = null;
  constructor(
    readonly id: string,
    readonly account: bigint,
    readonly market: number,
    readonly side: Side,
    readonly price: bigint,
    readonly size: bigint,
    public filled: bigint,
    public rem: bigint,
    readonly expiry: bigint,
    readonly type: OrderType,
    readonly tif: TimeInForce,
    readonly seq: number,
  ) {}
}

class Book {
  /** ascending: best (highest) last */
  readonly bids: Level[] = [];
  /** descending: best (lowest) last */
  readonly asks: Level[] = [];
}

/** Index of the level at `price`, or where it would be inserted. */
function findLevel(levels: Level[], price: bigint, ascending: boolean): number {
  let lo = 0;
  let hi = levels.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = levels[mid]!.price;
    if (ascending ? p < price : p > price) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function snapshot(o: BookOrder): RestingOrder {
  return {
    id: o.id,
    account: o.account,
    market: o.market,
    side: o.side,
    price: o.price,
    size: o.size,
    filled: o.filled,
    remaining: o.rem,
    expiry: o.expiry,
    type: o.type,
    tif: o.tif,
    seq: o.seq,
  };
}

function cancellation(o: BookOrder, role: "taker" | "maker", reason: string): Cancellation {
  return { id: o.id, account: o.account, market: o.market, side: o.side, role, remaining: o.rem, reason };
}

function bySeq(a: { seq: number }, b: { seq: number }): number {
  return a.seq - b.seq;
}

export interface EngineOptions {
  /** markets are 0 .. markets-1 */
  readonly markets: number;
  /** self-trade prevention when a submit does not say; default cancel_taker */
  readonly stp?: StpMode;
}

export class MatchingEngine {
  readonly markets: number;
  readonly defaultStp: StpMode;
  private readonly books: Book[];
  private readonly byId = new Map<string, BookOrder>();
  private readonly byAccount = new Map<bigint, Set<BookOrder>>();
  private nextSeq = 0;

  constructor(opts: EngineOptions) {
    if (!Number.isSafeInteger(opts.markets) || opts.markets < 0) throw new Error(`invalid market count ${opts.markets}`);
    this.markets = opts.markets;
    this.defaultStp = opts.stp ?? "cancel_taker";
    this.books = Array.from({ length: opts.markets }, () => new Book());
  }

  /** Number of resting orders. */
  get size(): number {
    return this.byId.size;
  }

  /** The seq the next submit without one would get. */
  get sequence(): number {
    return this.nextSeq;
  }

  /**
   * Matches `order` against the opposite side of its market, best price first and FIFO within a
   * level, at the makers' prices. Each candidate fill (min of the two remaining sizes) goes to
   * `check` before it is committed: `ok` commits it; reject "maker" removes that resting order
   * (reported cancelled with the reason) and matching goes on; reject "taker" stops matching and
   * cancels the taker's remainder (it does not rest). A check that throws counts as reject "taker"
   * with reason "check threw: <message>", so fills already committed are never lost.
   *
   * Expired makers met while matching are removed (cancelled, reason "expired") before STP or the
   * check sees them. A GTC remainder rests; IOC and market remainders are cancelled; a post-only
   * order that would cross is rejected whole.
   */
  submit(order: EngineOrder, check?: FillCheck, opts?: SubmitOptions): SubmitResult {
    const now = opts?.now;
    const stp = opts?.stp ?? this.defaultStp;
    const fills: Fill[] = [];
    const cancelled: Cancellation[] = [];
    const bad = this.invalid(order, now);
    if (bad !== undefined) return rejected(order, fills, cancelled, bad);
    if (order.seq !== undefined && (!Number.isSafeInteger(order.seq) || order.seq < this.nextSeq)) {
      return rejected(order, fills, cancelled, Reason.badSeq);
    }

    const book = this.books[order.market]!;
    const isBuy = order.side === Side.Buy;
    const opp = isBuy ? book.asks : book.bids;
    const limit = order.price;

    if (order.tif === "POST_ONLY") {
      // Remove expired makers that would cross, then any crossing level rejects the order.
      while (opp.length > 0) {
        const lvl = opp[opp.length - 1]!;
        if (isBuy ? lvl.price > limit : lvl.price < limit) break;
        const m = this.headOf(lvl);
        if (now !== undefined && m.expiry < now) {
          cancelled.push(cancellation(m, "maker", Reason.expired));
          this.removeHead(lvl, m);
          if (lvl.live === 0) opp.pop();
          continue;
        }
        return rejected(order, fills, cancelled, Reason.postOnlyWouldCross);
      }
    }

    const seq = order.seq ?? this.nextSeq;
    this.nextSeq = seq + 1;
    const filled0 = order.filled ?? 0n;
    const taker = new BookOrder(
      order.id,
      order.account,
      order.market,
      order.side,
      order.price,
      order.size,
      filled0,
      order.size - filled0,
      order.expiry,
      order.type,
      order.tif,
      seq,
    );

    let stop: string | undefined;
    if (order.tif !== "POST_ONLY") {
      const account = order.account;
      while (taker.rem > 0n && stop === undefined && opp.length > 0) {
        const lvl = opp[opp.length - 1]!;
        if (isBuy ? lvl.price > limit : lvl.price < limit) break;
        const q = lvl.q;
        while (taker.rem > 0n && lvl.live > 0) {
          const m = q[lvl.head]!;
          if (!m.live) {
            lvl.head++;
            continue;
          }
          if (now !== undefined && m.expiry < now) {
            cancelled.push(cancellation(m, "maker", Reason.expired));
            this.removeHead(lvl, m);
            continue;
          }
          if (m.account === account) {
            if (stp === "cancel_taker") {
              stop = Reason.selfTrade;
              break;
            }
            cancelled.push(cancellation(m, "maker", Reason.selfTrade));
            this.removeHead(lvl, m);
            if (stp === "cancel_both") {
              stop = Reason.selfTrade;
              break;
            }
            continue;
          }
          const size = taker.rem < m.rem ? taker.rem : m.rem;
          const fill: Fill = {
            taker: taker.id,
            maker: m.id,
            takerAccount: account,
            makerAccount: m.account,
            market: taker.market,
            side: taker.side,
            price: lvl.price,
            size,
            takerSeq: seq,
            makerSeq: m.seq,
          };
          if (check !== undefined) {
            const v = runCheck(check, fill);
            if (!v.ok) {
              if (v.reject === "maker") {
                cancelled.push(cancellation(m, "maker", v.reason));
                this.removeHead(lvl, m);
                continue;
              }
              stop = v.reason;
              break;
            }
          }
          m.rem -= size;
          m.filled += size;
          lvl.total -= size;
          taker.rem -= size;
          taker.filled += size;
          fills.push(fill);
          if (m.rem === 0n) this.removeHead(lvl, m);
        }
        if (lvl.live === 0) opp.pop();
        else if (lvl.head > 32 && lvl.head * 2 > q.length) {
          lvl.q = q.slice(lvl.head);
          lvl.head = 0;
        }
      }
    }

    let resting = false;
    if (taker.rem > 0n) {
      if (stop !== undefined) cancelled.push(cancellation(taker, "taker", stop));
      else if (order.type === "market" || order.tif === "IOC") cancelled.push(cancellation(taker, "taker", Reason.iocRemainder));
      else {
        this.rest(book, taker);
        resting = true;
      }
    }
    return { id: order.id, seq, fills, filled: taker.filled - filled0, remaining: taker.rem, resting, cancelled };
  }

  /** Removes a resting order; undefined if no order with that id rests. */
  cancel(id: string): RestingOrder | undefined {
    const o = this.byId.get(id);
    if (o === undefined) return undefined;
    const out = snapshot(o);
    this.removeAnywhere(o);
    return out;
  }

  /** Removes every resting order with expiry < now; returns them in seq order. O(resting orders). */
  expire(now: bigint): RestingOrder[] {
    const gone: BookOrder[] = [];
    for (const o of this.byId.values()) if (o.expiry < now) gone.push(o);
    gone.sort(bySeq);
    const out = gone.map(snapshot);
    for (const o of gone) this.removeAnywhere(o);
    return out;
  }

  get(id: string): RestingOrder | undefined {
    const o = this.byId.get(id);
    return o === undefined ? undefined : snapshot(o);
  }

  /** The account's resting orders, in seq order. */
  ordersOf(account: bigint): RestingOrder[] {
    const set = this.byAccount.get(account);
    if (set === undefined) return [];
    return [...set].sort(bySeq).map(snapshot);
  }

  /** Every resting order (of one market, if given), in seq order: what `restore` takes back. */
  orders(market?: number): RestingOrder[] {
    const out: BookOrder[] = [];
    for (const o of this.byId.values()) if (market === undefined || o.market === market) out.push(o);
    return out.sort(bySeq).map(snapshot);
  }

  bestBid(market: number): bigint | undefined {
    const b = this.books[market]?.bids;
    return b === undefined || b.length === 0 ? undefined : b[b.length - 1]!.price;
  }

  bestAsk(market: number): bigint | undefined {
    const a = this.books[market]?.asks;
    return a === undefined || a.length === 0 ? undefined : a[a.length - 1]!.price;
  }

  /**
   * Up to `levels` price levels per side, best first, each [price, total remaining size].
   * Orders that have expired but not yet been removed (by `expire` or by matching) still count.
   */
  depth(market: number, levels = Number.POSITIVE_INFINITY): DepthSnapshot {
    const book = this.books[market];
    if (book === undefined) throw new Error(`unknown market ${market}`);
    const side = (ls: Level[]): Array<[bigint, bigint]> => {
      const out: Array<[bigint, bigint]> = [];
      for (let i = ls.length - 1; i >= 0 && out.length < levels; i--) out.push([ls[i]!.price, ls[i]!.total]);
      return out;
    };
    return { bids: side(book.bids), asks: side(book.asks) };
  }

  /**
   * Puts resting orders back (after a restart). Within a price level they queue by `seq` (orders
   * without one get fresh seqs in list order, after the given ones); later submits get seqs above
   * all of them, and at least `nextSeq` if given (the `sequence` saved before the restart, so that
   * takers that never rested keep their numbers too). Throws, changing nothing, if an order is invalid, is IOC or a market order, has an
   * id or seq already present, or if the orders would leave a book crossed. Expired orders are
   * accepted (`expire` or matching removes them).
   */
  restore(orders: readonly EngineOrder[], nextSeq?: number): void {
    if (nextSeq !== undefined && (!Number.isSafeInteger(nextSeq) || nextSeq < 0)) throw new Error(`restore: invalid nextSeq ${nextSeq}`);
    const ids = new Set<string>();
    const seqs = new Set<number>();
    for (const o of this.byId.values()) seqs.add(o.seq);
    let maxSeq = this.nextSeq - 1;
    for (const o of orders) {
      const bad = this.invalid(o, undefined);
      if (bad !== undefined) throw new Error(`restore ${o.id}: ${bad}`);
      if (o.type !== "limit" || o.tif === "IOC") throw new Error(`restore ${o.id}: ${o.type} ${o.tif} order cannot rest`);
      if (ids.has(o.id)) throw new Error(`restore ${o.id}: ${Reason.duplicateId}`);
      ids.add(o.id);
      if (o.seq !== undefined) {
        if (!Number.isSafeInteger(o.seq) || o.seq < 0) throw new Error(`restore ${o.id}: invalid seq ${o.seq}`);
        if (seqs.has(o.seq)) throw new Error(`restore ${o.id}: duplicate seq ${o.seq}`);
        seqs.add(o.seq);
        if (o.seq > maxSeq) maxSeq = o.seq;
      }
    }
    for (let m = 0; m < this.markets; m++) {
      let bid = this.bestBid(m);
      let ask = this.bestAsk(m);
      for (const o of orders) {
        if (o.market !== m) continue;
        if (o.side === Side.Buy) bid = bid === undefined || o.price > bid ? o.price : bid;
        else ask = ask === undefined || o.price < ask ? o.price : ask;
      }
      if (bid !== undefined && ask !== undefined && bid >= ask) throw new Error(`restore: market ${m} would be crossed (bid ${bid} >= ask ${ask})`);
    }
    let next = maxSeq + 1;
    const items = orders.map((o) => {
      const seq = o.seq ?? next++;
      const filled = o.filled ?? 0n;
      return new BookOrder(o.id, o.account, o.market, o.side, o.price, o.size, filled, o.size - filled, o.expiry, o.type, o.tif, seq);
    });
    items.sort(bySeq);
    for (const o of items) this.rest(this.books[o.market]!, o);
    this.nextSeq = Math.max(this.nextSeq, next, nextSeq ?? 0);
  }

  /**
   * Throws if the internal structures disagree: level order, totals, counts, indexes, a crossed
   * book. For tests; O(resting orders).
   */
  assertConsistent(): void {
    let count = 0;
    const fail = (msg: string): never => {
      throw new Error(`engine inconsistent: ${msg}`);
    };
    this.books.forEach((book, market) => {
      for (const [levels, side, asc] of [
        [book.bids, Side.Buy, true],
        [book.asks, Side.Sell, false],
      ] as const) {
        for (let i = 0; i < levels.length; i++) {
          const lvl = levels[i]!;
          if (i > 0 && (asc ? levels[i - 1]!.price >= lvl.price : levels[i - 1]!.price <= lvl.price)) fail(`market ${market} levels out of order`);
          let live = 0;
          let total = 0n;
          let lastSeq = -1;
          for (let j = lvl.head; j < lvl.q.length; j++) {
            const o = lvl.q[j]!;
            if (!o.live) continue;
            live++;
            total += o.rem;
            if (o.seq <= lastSeq) fail(`level ${lvl.price} queue out of seq order`);
            lastSeq = o.seq;
            if (o.level !== lvl || o.price !== lvl.price || o.side !== side || o.market !== market) fail(`order ${o.id} misplaced`);
            if (o.rem <= 0n || o.filled + o.rem !== o.size) fail(`order ${o.id} sizes`);
            if (this.byId.get(o.id) !== o) fail(`order ${o.id} not indexed`);
            if (this.byAccount.get(o.account)?.has(o) !== true) fail(`order ${o.id} not in account index`);
          }
          for (let j = 0; j < lvl.head; j++) if (lvl.q[j]!.live) fail(`live order before head at ${lvl.price}`);
          if (live === 0) fail(`empty level ${lvl.price}`);
          if (live !== lvl.live || total !== lvl.total) fail(`level ${lvl.price} count/total`);
          count += live;
        }
      }
      const bid = this.bestBid(market);
      const ask = this.bestAsk(market);
      if (bid !== undefined && ask !== undefined && bid >= ask) fail(`market ${market} crossed`);
    });
    if (count !== this.byId.size) fail("id index size");
    let accounted = 0;
    for (const set of this.byAccount.values()) {
      if (set.size === 0) fail("empty account set");
      accounted += set.size;
    }
    if (accounted !== count) fail("account index size");
  }

  // ---- internals

  private invalid(o: EngineOrder, now: bigint | undefined): string | undefined {
    if (typeof o.id !== "string" || o.id.length === 0) return Reason.badId;
    if (this.byId.has(o.id)) return Reason.duplicateId;
    if (!Number.isInteger(o.market) || o.market < 0 || o.market >= this.markets) return Reason.unknownMarket;
    if (o.side !== Side.Buy && o.side !== Side.Sell) return Reason.badSide;
    if (o.type !== "limit" && o.type !== "market") return Reason.badType;
    if (o.tif !== "GTC" && o.tif !== "IOC" && o.tif !== "POST_ONLY") return Reason.badTif;
    if (o.type === "market" && o.tif === "POST_ONLY") return Reason.marketPostOnly;
    if (typeof o.account !== "bigint" || o.account < 0n) return Reason.badAccount;
    if (typeof o.size !== "bigint" || o.size <= 0n || o.size >= MAX_SIZE) return Reason.badSize;
    if (typeof o.price !== "bigint" || o.price <= 0n || o.price >= MAX_PRICE) return Reason.badPrice;
    if (o.filled !== undefined && (typeof o.filled !== "bigint" || o.filled < 0n || o.filled >= o.size)) return Reason.badFilled;
    if (typeof o.expiry !== "bigint" || o.expiry < 0n || o.expiry >= MAX_EXPIRY) return Reason.badExpiry;
    if (now !== undefined && o.expiry < now) return Reason.expired;
    return undefined;
  }

  /** The first live order of a level that has one. */
  private headOf(lvl: Level): BookOrder {
    while (!lvl.q[lvl.head]!.live) lvl.head++;
    return lvl.q[lvl.head]!;
  }

  private rest(book: Book, o: BookOrder): void {
    const asc = o.side === Side.Buy;
    const levels = asc ? book.bids : book.asks;
    let lvl: Level;
    const last = levels[levels.length - 1];
    if (last !== undefined && last.price === o.price) lvl = last;
    else {
      const i = findLevel(levels, o.price, asc);
      const at = levels[i];
      if (at !== undefined && at.price === o.price) lvl = at;
      else {
        lvl = new Level(o.price);
        if (i === levels.length) levels.push(lvl);
        else levels.splice(i, 0, lvl);
      }
    }
    const q = lvl.q;
    if (q.length === lvl.head || q[q.length - 1]!.seq < o.seq) q.push(o);
    else {
      // restore of an order older than ones already queued: insert in seq order
      let j = q.length;
      while (j > lvl.head && q[j - 1]!.seq > o.seq) j--;
      q.splice(j, 0, o);
    }
    lvl.live++;
    lvl.total += o.rem;
    o.level = lvl;
    this.byId.set(o.id, o);
    let set = this.byAccount.get(o.account);
    if (set === undefined) this.byAccount.set(o.account, (set = new Set()));
    set.add(o);
  }

  private unindex(o: BookOrder): void {
    o.live = false;
    o.level = null;
    this.byId.delete(o.id);
    const set = this.byAccount.get(o.account)!;
    set.delete(o);
    if (set.size === 0) this.byAccount.delete(o.account);
  }

  /** Removes the order at the head of a level (the caller pops the level if it empties). */
  private removeHead(lvl: Level, o: BookOrder): void {
    lvl.head++;
    lvl.live--;
    lvl.total -= o.rem;
    this.unindex(o);
  }

  /** Removes an order wherever it is in its queue, dropping or compacting its level. */
  private removeAnywhere(o: BookOrder): void {
    const lvl = o.level!;
    lvl.live--;
    lvl.total -= o.rem;
    this.unindex(o);
    const book = this.books[o.market]!;
    const asc = o.side === Side.Buy;
    if (lvl.live === 0) {
      const levels = asc ? book.bids : book.asks;
      const i = levels[levels.length - 1] === lvl ? levels.length - 1 : findLevel(levels, lvl.price, asc);
      if (i === levels.length - 1) levels.pop();
      else levels.splice(i, 1);
    } else if (lvl.q.length - lvl.head > 2 * lvl.live + 32) {
      lvl.q = lvl.q.filter((x, j) => j >= lvl.head && x.live);
      lvl.head = 0;
    } else {
      while (!lvl.q[lvl.head]!.live) lvl.head++;
    }
  }
}

function runCheck(check: FillCheck, fill: Fill): FillVerdict {
  try {
    return check(fill);
  } catch (e) {
    return { ok: false, reject: "taker", reason: `check threw: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function rejected(order: EngineOrder, fills: Fill[], cancelled: Cancellation[], reason: string): SubmitResult {
  const size = typeof order.size === "bigint" ? order.size : 0n;
  const filled = typeof order.filled === "bigint" ? order.filled : 0n;
  return { id: order.id, seq: undefined, fills, filled: 0n, remaining: size - filled, resting: false, cancelled, rejected: reason };
}
