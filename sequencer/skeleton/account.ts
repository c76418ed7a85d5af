import type { PublicKey } from "../crypto/babyjub.js";
import type { Poseidon } from "../crypto/poseidon.js";

/** A skeleton account: an owner key and a Uint64 balance. */
export interface Account {
  readonly pubKey: PublicKey;
  readonly balance: bigint;
}

/** A request to credit `amount` to the account at leaf `index`, creating it if the leaf is empty. */
export interface Deposit {
  readonly index: bigint;
  readonly pubKey: PublicKey;
  readonly amount: bigint;
}

/** Leaf encoding of deposit.circom: Poseidon(pubKeyX, pubKeyY, balance). Empty leaves are 0. */
export function accountLeaf(poseidon: Poseidon, account: Account): bigint {
  return poseidon([account.pubKey.x, account.pubKey.y, account.balance]);
}

/** One link of the deposits hash chain: Poseidon(previous, pubKeyX, pubKeyY, amount). */
export function depositLink(poseidon: Poseidon, previous: bigint, deposit: Deposit): bigint {
  return poseidon([previous, deposit.pubKey.x, deposit.pubKey.y, deposit.amount]);
}

/** The depositsHash public signal of a list of deposits: h_0 = 0, h_{k+1} = link(h_k, d_k). */
export function depositsHash(poseidon: Poseidon, deposits: readonly Deposit[]): bigint {
  return deposits.reduce((h, d) => depositLink(poseidon, h, d), 0n);
}

export function sameKey(a: PublicKey, b: PublicKey): boolean {
  return a.x === b.x && a.y === b.y;
}
