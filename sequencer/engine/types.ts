/**
 * Types of the matching engine: orders as the engine sees them, fills, the verdict a pre-trade
 * check returns, and what a submit reports. Everything is plain data; prices are ticks and sizes
 * base units, both bigint.
 */
import type { Side } from "../core/constants.js";

/** GTC rests its remainder, IOC never rests, POST_ONLY never takes (rejected whole if it would). */
export type TimeInForce = "GTC" | "IOC" | "POST_ONLY";
/** A market order is IOC with its (signed) limit price as the worst price it accepts. */
export type OrderType = "limit" | "market";
/** Self-trade prevention when taker and maker share an account. */
export type StpMode = "cancel_taker" | "cancel_maker" | "cancel_both";

export interface EngineOrder {
  /** unique among the orders resting in the engine (global uniqueness is the caller's job) */
  readonly id: string;
  readonly account: bigint;
  /** 0 <= market < the engine's market count */
  readonly market: number;
  readonly side: Side;
  /** limit price in ticks, 1 <= price < 2^48; for a market order the worst acceptable price */
  readonly price: bigint;
  /** 1 <= size < 2^47 */
  readonly size: bigint;
  /** already filled before it reached this engine (restore); 0 <= filled < size, default 0 */
  readonly filled?: bigint;
  /** last time the order may fill: it is expired when expiry < now */
  readonly expiry: bigint;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  /**
   * Arrival sequence, the time priority. On submit: optional, and if given it must be at least
   * every seq seen so far (e.g. a database row id); otherwise the engine assigns the next one.
   * On restore: the queue order within a price level.
   */
  readonly seq?: number;
}

/** An order resting in the book, as `get`, `ordersOf`, `orders`, `cancel` and `expire` return it. */
export interface RestingOrder extends EngineOrder {
  readonly filled: bigint;
  readonly seq: number;
  /** size - filled */
  readonly remaining: bigint;
}

export interface Fill {
  readonly taker: string;
  readonly maker: string;
  readonly takerAccount: bigint;
  readonly makerAccount: bigint;
  readonly market: number;
  /** the taker's side */
  readonly side: Side;
  /** the maker's resting price */
  readonly price: bigint;
  readonly size: bigint;
  readonly takerSeq: number;
  readonly makerSeq: number;
}

export type FillVerdict = { ok: true } | { ok: false; reject: "taker" | "maker"; reason: string };
/** The pre-trade check, called for each candidate fill before it is committed. */
export type FillCheck = (fill: Fill) => FillVerdict;

/** An order (or a taker's remainder) that left the engine without filling completely. */
export interface Cancellation {
  readonly id: string;
  readonly account: bigint;
  readonly market: number;
  readonly side: Side;
  readonly role: "taker" | "maker";
  /** the size that did not fill */
  readonly remaining: bigint;
  readonly reason: string;
}

export interface SubmitResult {
  readonly id: string;
  /** the seq the order was given; undefined when it was rejected */
  readonly seq: number | undefined;
  /** in execution order */
  readonly fills: Fill[];
  /** filled by this submit (not counting an initial `filled`) */
  readonly filled: bigint;
  /** the taker's unfilled size after matching (rested or cancelled) */
  readonly remaining: bigint;
  /** whether the remainder now rests in the book */
  readonly resting: boolean;
  /**
   * Makers removed during matching (expired, self-trade, rejected by the check), in the order it
   * happened, then the taker's remainder if it was cancelled (self-trade, check rejection, or an
   * IOC/market remainder). A rejected order is not listed here.
   */
  readonly cancelled: Cancellation[];
  /** set when the order was refused whole: no fill, not resting */
  readonly rejected?: string;
}

export interface SubmitOptions {
  /** overrides the engine's default self-trade prevention mode */
  readonly stp?: StpMode;
  /**
   * Current time, compared with expiries: an order with expiry < now is rejected on submit and
   * never matched (expired makers met while matching are removed). Without it expiry is ignored.
   */
  readonly now?: bigint;
}

export interface DepthSnapshot {
  /** best (highest) first: [price, total remaining size] */
  readonly bids: Array<[bigint, bigint]>;
  /** best (lowest) first */
  readonly asks: Array<[bigint, bigint]>;
}

/** Why an order was refused or cancelled; check verdicts add their own reasons. */
export const Reason = {
  duplicateId: "duplicate id",
  badId: "id must be a non-empty string",
  unknownMarket: "unknown market",
  badSide: "invalid side",
  badType: "invalid order type",
  badTif: "invalid time in force",
  marketPostOnly: "a market order cannot be post-only",
  badSize: "size out of range",
  badPrice: "price out of range",
  badFilled: "filled out of range",
  badExpiry: "expiry out of range",
  badAccount: "account out of range",
  badSeq: "seq must be an integer not below every seq seen",
  expired: "expired",
  postOnlyWouldCross: "post-only order would cross",
  selfTrade: "self-trade",
  iocRemainder: "unfilled IOC remainder",
} as const;
