/**
 * The chain side's domain objects in TypeScript, with their contract encodings (MarginRollup's
 * structs). Amounts are quote micro-units, ratios parts per million (docs/CORE_SPEC.md §1).
 */
import type { SolidityCalldata } from "../../prover/prove.js";
import type { PublicKey } from "../crypto/babyjub.js";

import type { MarketParams } from "../core/market.js";

/** One market's risk parameters (MarginRollup.MarketParams): the core's type, one definition. */
export type { MarketParams };

/** An L1 deposit as queued: collateral for the account keyed by `pubKey`. */
export interface QueuedDeposit {
  readonly pubKey: PublicKey;
  readonly amount: bigint;
}

/** A withdrawal a batch proves: `amount` to the L1 address `account` (0x-hex). */
export interface WithdrawalRequest {
  readonly account: string;
  readonly amount: bigint;
}

/** What `submitBatch` tells the contract (MarginRollup.Batch); everything else it knows. */
export interface BatchSubmission {
  readonly newRoot: bigint;
  readonly timestamp: bigint;
  /** Oracle round per market whose answer is the batch's price. */
  readonly roundIds: readonly bigint[];
  /** Funding index per market after the batch (signed). */
  readonly funding: readonly bigint[];
  /** Deposit queue position the batch consumed through (0 = none ever). */
  readonly depositsThrough: bigint;
  readonly withdrawals: readonly WithdrawalRequest[];
  readonly insuranceNew: bigint;
  readonly feesNew: bigint;
  readonly liquidations: bigint;
}

/** A Groth16 proof in the verifier's layout (the calldata minus its public inputs). */
export type BatchProof = Pick<SolidityCalldata, "a" | "b" | "c">;

/** MarginRollup.Batch as ethers encodes it. */
export function batchToContract(batch: BatchSubmission): unknown[] {
  return [
    batch.newRoot,
    batch.timestamp,
    [...batch.roundIds],
    [...batch.funding],
    batch.depositsThrough,
    batch.withdrawals.map((w) => [w.account, w.amount]),
    batch.insuranceNew,
    batch.feesNew,
    batch.liquidations,
  ];
}

export function proofToContract(proof: BatchProof): unknown[] {
  return [proof.a, proof.b, proof.c];
}

export function marketParamsToContract(p: MarketParams): bigint[] {
  return [p.mmr, p.imr, p.penalty, p.fee, p.maxFunding];
}
