// Constants of the walking-skeleton deposit circuit (circuits/skeleton/deposit_batch.circom). The
// circuit instance registry, the batch builder and the tests all read them from here.

/** Registry name of the skeleton circuit instance (build/circuits/<name>/, build/keys/<name>/). */
export const SKELETON_INSTANCE = "skeleton";

/** DepositBatch(D, T) parameters of the registered instance. */
export const SKELETON_PARAMS = {
  /** D: depth of the account tree (2^D accounts). */
  depth: 8,
  /** T: deposit slots per batch, padded with no-ops. */
  maxDeposits: 4,
} as const;

export interface SkeletonParams {
  readonly depth: number;
  readonly maxDeposits: number;
}

/** Balances and amounts are Uint64 in the circuit (Num2Bits(64)). */
export const BALANCE_BITS = 64;

/**
 * The circuit's public signals in declaration order, which is the order of the Groth16 public
 * input vector, of snarkjs' `publicSignals`, and of the array `Rollup.sol` hands its verifier.
 * The only place the order is written in TypeScript; tests check it against the circuit's witness
 * layout and (through real proofs) against the contract.
 */
export const DEPOSIT_BATCH_PUBLIC_SIGNALS = [
  "oldRoot",
  "newRoot",
  "depositsHash",
  "batchNumber",
] as const;

export type DepositBatchPublicSignal = (typeof DEPOSIT_BATCH_PUBLIC_SIGNALS)[number];
