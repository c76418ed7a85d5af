/**
 * Request validation: every field is checked for type and range before anything reads it, and a
 * failure names the field. Integers travel as decimal strings (or JSON numbers when they are safe
 * integers): 254-bit field elements do not fit a JSON number.
 */
import { Side } from "../../core/constants.js";
import type { Order } from "../../core/order.js";
import { orderRangeViolation } from "../../core/order.js";
import { SNARK_FIELD_SIZE } from "../../crypto/field.js";
import type { Signature } from "../../crypto/babyjub.js";
import { ApiError } from "../errors.js";
import type { OrderType, TimeInForce } from "../types.js";

type Json = unknown;

function bad(field: string, why: string): never {
  throw new ApiError(400, "InvalidRequest", `${field}: ${why}`);
}

export function object(v: Json, field: string): Record<string, Json> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) bad(field, "expected an object");
  return v as Record<string, Json>;
}

/** A non-negative integer below `limit`, from a decimal string or a safe-integer JSON number. */
export function uint(v: Json, field: string, limit: bigint = SNARK_FIELD_SIZE): bigint {
  let x: bigint;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) bad(field, "expected an integer (send large values as decimal strings)");
    x = BigInt(v);
  } else if (typeof v === "string") {
    if (v.length === 0 || v.length > 80 || !/^-?\d+$/.test(v)) bad(field, "expected a decimal integer string");
    x = BigInt(v);
  } else {
    bad(field, "expected an integer");
  }
  if (x < 0n) bad(field, "must not be negative");
  if (x >= limit) bad(field, `must be below ${limit}`);
  return x;
}

export function oneOf<T extends string>(v: Json, field: string, allowed: readonly T[], fallback?: T): T {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) bad(field, `expected one of ${allowed.join(", ")}`);
  return v as T;
}

export function signature(v: Json, field = "signature"): Signature {
  const o = object(v, field);
  return { R8x: uint(o.R8x, `${field}.R8x`), R8y: uint(o.R8y, `${field}.R8y`), S: uint(o.S, `${field}.S`) };
}

/** "R8x,R8y,S" (the read-authentication header). */
export function signatureHeader(v: string | undefined, field: string): Signature {
  if (v === undefined) throw new ApiError(401, "MissingAuth", `${field} header required`);
  const parts = v.split(",");
  if (parts.length !== 3) bad(field, "expected R8x,R8y,S");
  return { R8x: uint(parts[0]!.trim(), `${field}.R8x`), R8y: uint(parts[1]!.trim(), `${field}.R8y`), S: uint(parts[2]!.trim(), `${field}.S`) };
}

export interface ParsedOrder {
  readonly order: Order;
  readonly sig: Signature;
  readonly type: OrderType;
  readonly tif: TimeInForce;
}

/**
 * POST /orders: { order: { accountIndex, market, side: "buy"|"sell", size, limitPrice, expiry,
 * orderId }, signature: { R8x, R8y, S }, type?: "limit"|"market", timeInForce?: "GTC"|"IOC"|"POST_ONLY" }
 */
export function parseOrder(body: Json): ParsedOrder {
  const b = object(body, "body");
  const o = object(b.order, "order");
  const order: Order = {
    accountIndex: uint(o.accountIndex, "order.accountIndex", 1n << 32n),
    market: uint(o.market, "order.market", 1n << 8n),
    side: oneOf(o.side, "order.side", ["buy", "sell"] as const) === "buy" ? Side.Buy : Side.Sell,
    size: uint(o.size, "order.size"),
    limitPrice: uint(o.limitPrice, "order.limitPrice"),
    expiry: uint(o.expiry, "order.expiry"),
    orderId: uint(o.orderId, "order.orderId"),
  };
  const violation = orderRangeViolation(order);
  if (violation !== undefined) bad("order", violation);
  const type = oneOf(b.type, "type", ["limit", "market"] as const, "limit");
  const tif = oneOf(b.timeInForce, "timeInForce", ["GTC", "IOC", "POST_ONLY"] as const, type === "market" ? "IOC" : "GTC");
  if (type === "market" && tif !== "IOC") bad("timeInForce", "a market order is IOC");
  return { order, sig: signature(b.signature), type, tif };
}

export interface ParsedWithdrawal {
  readonly accountIndex: bigint;
  readonly amount: bigint;
  readonly l1Address: bigint;
  readonly nonce: bigint;
  readonly sig: Signature;
}

/** POST /withdrawals: { accountIndex, amount, l1Address: "0x…" (20 bytes), nonce, signature } */
export function parseWithdrawal(body: Json): ParsedWithdrawal {
  const b = object(body, "body");
  if (typeof b.l1Address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(b.l1Address)) bad("l1Address", "expected a 0x-prefixed 20-byte hex address");
  return {
    accountIndex: uint(b.accountIndex, "accountIndex", 1n << 32n),
    amount: uint(b.amount, "amount", 1n << 62n),
    l1Address: BigInt(b.l1Address),
    nonce: uint(b.nonce, "nonce", 1n << 32n),
    sig: signature(b.signature),
  };
}

/** An order id in a path: "<accountIndex>:<orderId>". */
export function parseOrderKey(v: string): { accountIndex: bigint; orderId: bigint } {
  const m = /^(\d{1,10}):(\d{1,10})$/.exec(v);
  if (m === null) bad("order id", "expected <accountIndex>:<orderId>");
  return { accountIndex: BigInt(m[1]!), orderId: BigInt(m[2]!) };
}
