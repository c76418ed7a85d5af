/**
 * Messages an account owner signs for the API, outside the circuit: reading the account's private
 * state and cancelling an order. They are Poseidon(8) messages like the circuit's (CORE_SPEC §6)
 * but with tags the circuit never accepts (100+), so no API signature can be replayed as an order,
 * a withdrawal or a liquidation, nor the other way round.
 */
import type { KeyPair, Signature } from "../crypto/babyjub.js";
import type { Poseidon } from "../crypto/poseidon.js";

export const TAG_READ_ACCOUNT = 100n;
export const TAG_CANCEL_ORDER = 101n;

/** How far a read request's timestamp may be from the server's clock, in seconds. */
export const READ_WINDOW_SECONDS = 300n;

export function readAccountHash(poseidon: Poseidon, accountIndex: bigint, timestamp: bigint): bigint {
  return poseidon([TAG_READ_ACCOUNT, accountIndex, timestamp, 0n, 0n, 0n, 0n, 0n]);
}

export function cancelOrderHash(poseidon: Poseidon, accountIndex: bigint, orderId: bigint): bigint {
  return poseidon([TAG_CANCEL_ORDER, accountIndex, orderId, 0n, 0n, 0n, 0n, 0n]);
}

export function signReadAccount(poseidon: Poseidon, key: KeyPair, accountIndex: bigint, timestamp: bigint): Signature {
  return key.sign(readAccountHash(poseidon, accountIndex, timestamp));
}

export function signCancelOrder(poseidon: Poseidon, key: KeyPair, accountIndex: bigint, orderId: bigint): Signature {
  return key.sign(cancelOrderHash(poseidon, accountIndex, orderId));
}
