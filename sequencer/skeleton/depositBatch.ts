import { fitsUnsigned, isFieldElement } from "../crypto/field.js";
import type { Poseidon } from "../crypto/poseidon.js";
import { depositLink, sameKey, type Deposit } from "./account.js";
import { BALANCE_BITS, type SkeletonParams } from "./constants.js";
import { orderDepositBatchSignals, type DepositBatchSignals } from "./publicSignals.js";
import type { SkeletonState } from "./state.js";

/**
 * The input object of DepositBatch(D, T): its keys are exactly the circuit's input signal names
 * (a test feeds it to the compiled circuit, which rejects unknown or missing signals).
 */
export type DepositBatchInputs = {
  oldRoot: bigint;
  newRoot: bigint;
  depositsHash: bigint;
  batchNumber: bigint;
  enabled: bigint[];
  index: bigint[];
  pubKeyX: bigint[];
  pubKeyY: bigint[];
  amount: bigint[];
  isEmpty: bigint[];
  oldBalance: bigint[];
  siblings: bigint[][];
};

/** Why a deposit was left out of a batch. Each maps to a circuit rule, except `BatchFull`. */
export type DepositRejectionReason =
  | "BatchFull" // all T slots are taken; retry in a later batch
  | "IndexOutOfRange" // index >= 2^D (Num2Bits(D) on index)
  | "InvalidPublicKey" // a key coordinate outside the field would be reduced by the circuit
  | "AmountOutOfRange" // amount < 0 or >= 2^64 (Num2Bits(64) on amount)
  | "KeyMismatch" // the leaf holds an account of another key (old-path check)
  | "BalanceOverflow"; // balance + amount >= 2^64 (Num2Bits(64) on the new balance)

export interface RejectedDeposit {
  readonly deposit: Deposit;
  readonly reason: DepositRejectionReason;
}

export interface DepositBatch {
  /** Circuit input object, ready for witness generation. */
  readonly inputs: DepositBatchInputs;
  /** Expected public signals, ordered as DEPOSIT_BATCH_PUBLIC_SIGNALS. */
  readonly publicSignals: readonly bigint[];
  /** Deposits applied, in slot order. */
  readonly included: readonly Deposit[];
  readonly rejected: readonly RejectedDeposit[];
  /** State after the batch; the state passed in is never modified. */
  readonly state: SkeletonState;
}

export interface DepositBatchDeps {
  readonly poseidon: Poseidon;
  readonly params: SkeletonParams;
}

/** The per-slot witness of one deposit: the private inputs of one `Deposit(D)` component. */
interface Slot {
  enabled: bigint;
  index: bigint;
  pubKeyX: bigint;
  pubKeyY: bigint;
  amount: bigint;
  isEmpty: bigint;
  oldBalance: bigint;
  siblings: bigint[];
}

/**
 * Builds batch `batchNumber` from `deposits`, the TypeScript mirror of DepositBatch(D, T): each
 * deposit is checked in the circuit's order and applied to a scratch copy of `state`; a deposit
 * that breaks a rule is reported with its reason and leaves the scratch state as it was.
 */
export function buildDepositBatch(
  deps: DepositBatchDeps,
  state: SkeletonState,
  deposits: readonly Deposit[],
  batchNumber: bigint,
): DepositBatch {
  const { poseidon, params } = deps;
  if (state.depth !== params.depth) {
    throw new RangeError(`state depth ${state.depth} differs from circuit depth ${params.depth}`);
  }
  if (!fitsUnsigned(batchNumber, BALANCE_BITS)) throw new RangeError(`bad batch number ${batchNumber}`);

  const scratch = state.clone();
  const slots: Slot[] = [];
  const included: Deposit[] = [];
  const rejected: RejectedDeposit[] = [];
  let hash = 0n;

  for (const deposit of deposits) {
    const reason = slots.length === params.maxDeposits ? "BatchFull" : check(scratch, deposit);
    if (reason !== undefined) {
      rejected.push({ deposit, reason });
      continue;
    }
    const before = scratch.account(deposit.index);
    const oldBalance = before?.balance ?? 0n;
    // The path is taken before the write: the circuit checks the old leaf against the running root.
    slots.push({
      enabled: 1n,
      index: deposit.index,
      pubKeyX: deposit.pubKey.x,
      pubKeyY: deposit.pubKey.y,
      amount: deposit.amount,
      isEmpty: before === undefined ? 1n : 0n,
      oldBalance,
      siblings: scratch.path(deposit.index),
    });
    scratch.put(deposit.index, { pubKey: deposit.pubKey, balance: oldBalance + deposit.amount });
    hash = depositLink(poseidon, hash, deposit);
    included.push(deposit);
  }

  while (slots.length < params.maxDeposits) slots.push(paddingSlot(params.depth));

  const signals: DepositBatchSignals = {
    oldRoot: state.root,
    newRoot: scratch.root,
    depositsHash: hash,
    batchNumber,
  };
  const inputs: DepositBatchInputs = {
    ...signals,
    enabled: slots.map((s) => s.enabled),
    index: slots.map((s) => s.index),
    pubKeyX: slots.map((s) => s.pubKeyX),
    pubKeyY: slots.map((s) => s.pubKeyY),
    amount: slots.map((s) => s.amount),
    isEmpty: slots.map((s) => s.isEmpty),
    oldBalance: slots.map((s) => s.oldBalance),
    siblings: slots.map((s) => s.siblings),
  };
  return {
    inputs,
    publicSignals: orderDepositBatchSignals(signals),
    included,
    rejected,
    state: scratch,
  };
}

/** The circuit's rules for one deposit, in its order; undefined when the deposit can be applied. */
function check(state: SkeletonState, deposit: Deposit): DepositRejectionReason | undefined {
  if (!isFieldElement(deposit.pubKey.x) || !isFieldElement(deposit.pubKey.y)) return "InvalidPublicKey";
  if (!fitsUnsigned(deposit.amount, BALANCE_BITS)) return "AmountOutOfRange";
  if (deposit.index < 0n || deposit.index >= state.capacity) return "IndexOutOfRange";
  const before = state.account(deposit.index);
  if (before !== undefined && !sameKey(before.pubKey, deposit.pubKey)) return "KeyMismatch";
  if (!fitsUnsigned((before?.balance ?? 0n) + deposit.amount, BALANCE_BITS)) return "BalanceOverflow";
  return undefined;
}

/** A disabled slot: every input 0, so the circuit passes root and hash through untouched. */
function paddingSlot(depth: number): Slot {
  return {
    enabled: 0n,
    index: 0n,
    pubKeyX: 0n,
    pubKeyY: 0n,
    amount: 0n,
    isEmpty: 0n,
    oldBalance: 0n,
    siblings: Array.from({ length: depth }, () => 0n),
  };
}
