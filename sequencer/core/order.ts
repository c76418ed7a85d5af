import type { KeyPair, Signature } from "../crypto/babyjub.js";
import { isFieldElement } from "../crypto/field.js";
import type { Poseidon } from "../crypto/poseidon.js";
import {
  ADDRESS_BITS,
  AMOUNT_BITS,
  NONCE_BITS,
  ORDER_ID_BITS,
  ORDER_SIZE_BITS,
  PRICE_BITS,
  Side,
  TAG_LIQUIDATE,
  TAG_ORDER,
  TAG_WITHDRAW,
  TIME_BITS,
  unsignedFits,
} from "./constants.js";

/** A limit order, as its owner signs it (CORE_SPEC §6). */
export interface Order {
  readonly accountIndex: bigint;
  readonly market: bigint;
  readonly side: Side;
  /** unsigned, < 2^(SIZE_BITS-1) */
  readonly size: bigint;
  readonly limitPrice: bigint;
  /** last batch timestamp (seconds) the order may fill in */
  readonly expiry: bigint;
  /** 1 <= id < 2^32; uses slot id mod 2^K of the owner's order tree */
  readonly orderId: bigint;
}

export interface SignedOrder {
  readonly order: Order;
  readonly sig: Signature;
}

export interface WithdrawalMessage {
  readonly accountIndex: bigint;
  readonly amount: bigint;
  readonly l1Address: bigint;
  readonly nonce: bigint;
}

export interface LiquidationMessage {
  readonly liquidatorIndex: bigint;
  readonly liquidatedIndex: bigint;
  readonly nonce: bigint;
}

/** Poseidon(TAG_ORDER, accountIndex, market, side, size, limitPrice, expiry, orderId). */
export function orderHash(poseidon: Poseidon, o: Order): bigint {
  return poseidon([TAG_ORDER, o.accountIndex, o.market, BigInt(o.side), o.size, o.limitPrice, o.expiry, o.orderId]);
}

/** Poseidon(TAG_WITHDRAW, accountIndex, amount, l1Address, nonce, 0, 0, 0): every message is one
 * zero-padded Poseidon(8), so the circuit hashes one message shape per signature (CORE_SPEC §6). */
export function withdrawalHash(poseidon: Poseidon, w: WithdrawalMessage): bigint {
  return poseidon([TAG_WITHDRAW, w.accountIndex, w.amount, w.l1Address, w.nonce, 0n, 0n, 0n]);
}

/** Poseidon(TAG_LIQUIDATE, liquidatorIndex, liquidatedIndex, nonce, 0, 0, 0, 0). */
export function liquidationHash(poseidon: Poseidon, l: LiquidationMessage): bigint {
  return poseidon([TAG_LIQUIDATE, l.liquidatorIndex, l.liquidatedIndex, l.nonce, 0n, 0n, 0n, 0n]);
}

export function signOrder(poseidon: Poseidon, key: KeyPair, order: Order): SignedOrder {
  return { order, sig: key.sign(orderHash(poseidon, order)) };
}

export function signWithdrawal(poseidon: Poseidon, key: KeyPair, w: WithdrawalMessage): Signature {
  return key.sign(withdrawalHash(poseidon, w));
}

export function signLiquidation(poseidon: Poseidon, key: KeyPair, l: LiquidationMessage): Signature {
  return key.sign(liquidationHash(poseidon, l));
}

/**
 * The first field of an order outside the range the circuit admits, or undefined. The account
 * index and market are checked against the instance by the builder.
 */
export function orderRangeViolation(o: Order): string | undefined {
  if (o.side !== Side.Buy && o.side !== Side.Sell) return `side ${String(o.side)}`;
  if (!unsignedFits(o.size, ORDER_SIZE_BITS)) return `size ${o.size} outside [0, 2^${ORDER_SIZE_BITS})`;
  if (o.limitPrice < 1n || !unsignedFits(o.limitPrice, PRICE_BITS)) return `limit price ${o.limitPrice} outside [1, 2^${PRICE_BITS})`;
  if (!unsignedFits(o.expiry, TIME_BITS)) return `expiry ${o.expiry} outside ${TIME_BITS} bits`;
  if (o.orderId < 1n || !unsignedFits(o.orderId, ORDER_ID_BITS)) return `order id ${o.orderId} outside [1, 2^${ORDER_ID_BITS})`;
  if (o.accountIndex < 0n || o.market < 0n) return "negative account index or market";
  return undefined;
}

/** Signature components the circuit can read as given; S >= subgroup order fails verification. */
export function signatureInField(sig: Signature): boolean {
  return isFieldElement(sig.R8x) && isFieldElement(sig.R8y) && isFieldElement(sig.S);
}

export function amountInRange(amount: bigint): boolean {
  return amount >= 1n && unsignedFits(amount, AMOUNT_BITS);
}

export function addressInRange(address: bigint): boolean {
  return unsignedFits(address, ADDRESS_BITS);
}

export function nonceInRange(nonce: bigint): boolean {
  return unsignedFits(nonce, NONCE_BITS);
}
