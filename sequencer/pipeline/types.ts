/**
 * What the batch pipeline (sequencer/pipeline/pipeline.ts) takes and gives back: its dependencies,
 * one batch's request, the stages' results and the report of a verified batch.
 */
import type { ProofResult, SolidityCalldata } from "../../prover/prove.js";
import type { MarginRollupClient, PriceRound, QueuedDepositRecord } from "../chain/client.js";
import type { BatchSubmission } from "../chain/types.js";
import type { CircuitShape, Op, RejectReason, SealedBatch } from "../core/batch/index.js";
import type { MarketParams } from "../core/market.js";
import type { CoreState } from "../core/state.js";
import type { EdDSA } from "../crypto/babyjub.js";
import type { Poseidon } from "../crypto/poseidon.js";

/** The proving artefacts of a built `MarginBatch` instance (prover/build.ts BuiltInstance). */
export interface PipelineCircuit {
  readonly wasm: string;
  readonly zkey: string;
  readonly constraints: number;
}

/**
 * Chooses the account index a queued deposit credits. The queue carries only a key and an amount;
 * the circuit accepts an empty leaf or a leaf of the same key. Return undefined for the default:
 * the lowest index holding that key, else the lowest empty index.
 */
export type IndexPolicy = (state: CoreState, deposit: QueuedDepositRecord) => bigint | undefined;

export interface PipelineDeps {
  readonly client: MarginRollupClient;
  readonly poseidon: Poseidon;
  readonly eddsa: Pick<EdDSA, "verify">;
  readonly circuit: PipelineCircuit;
  readonly shape: CircuitShape;
  /** fresh leaf salts; random by default */
  readonly salt?: () => bigint;
  readonly indexPolicy?: IndexPolicy;
}

/** One batch: operations to include after the pending deposits, and the batch's market figures. */
export interface BatchRequest {
  /** signed operations (trades, withdrawals, liquidations by a liquidator), in priority order */
  readonly ops?: readonly Op[];
  /** funding indices after the batch; default: unchanged */
  readonly funding?: readonly bigint[];
  /** batch time; default: the latest block's */
  readonly timestamp?: bigint;
  /** pay the batch's withdrawals out on L1 after it is verified (anyone may); default true */
  readonly claim?: boolean;
}

/** Everything the chain tells the next batch, read after checking the chain against the state. */
export interface ChainView {
  readonly batchNumber: bigint;
  readonly timestamp: bigint;
  readonly params: readonly MarketParams[];
  /** the latest round of each market's feed: the batch's prices */
  readonly rounds: readonly PriceRound[];
  /** queued deposits not yet consumed, in queue order */
  readonly pending: readonly QueuedDepositRecord[];
}

/** Where an included operation came from. */
export type OpOrigin = "queue" | "request" | "maintenance";

export interface IncludedOp {
  readonly op: Op;
  readonly origin: OpOrigin;
}

export interface RejectedOp extends IncludedOp {
  readonly reason: RejectReason;
  readonly detail: string;
}

/** A sealed batch and the submission that goes with it, before proving. */
export interface AssembledBatch {
  readonly view: ChainView;
  readonly sealed: SealedBatch;
  readonly submission: BatchSubmission;
  readonly included: readonly IncludedOp[];
  /** refused by a rule: will not become valid by waiting */
  readonly rejected: readonly RejectedOp[];
  /** valid as far as checked but no slot was left (slots are kept for maintenance first) */
  readonly deferred: readonly IncludedOp[];
  readonly buildMs: number;
}

export interface ProvenBatch extends AssembledBatch {
  readonly proof: ProofResult;
  readonly calldata: SolidityCalldata;
}

export interface ClaimResult {
  readonly account: string;
  readonly amount: bigint;
  readonly gasUsed?: bigint;
  /** set when the token refused the payment (the credit stays claimable) */
  readonly error?: string;
}

export type OpKind = Op["kind"] | "noop";

export interface LiquidationRecord {
  readonly liquidated: bigint;
  readonly receiver: bigint;
}

/** What a verified batch did and cost. */
export interface BatchReport {
  readonly batchNumber: bigint;
  readonly root: bigint;
  /** the circuit's public signals, publicSignalNames(M) order (checked equal to the mirror's and the contract's) */
  readonly publicSignals: readonly bigint[];
  readonly timestamp: bigint;
  readonly prices: readonly bigint[];
  readonly ops: Readonly<Record<OpKind, number>>;
  readonly included: readonly IncludedOp[];
  readonly rejected: readonly RejectedOp[];
  readonly deferred: readonly IncludedOp[];
  readonly liquidations: readonly LiquidationRecord[];
  readonly depositsThrough: bigint;
  readonly insurance: bigint;
  readonly fees: bigint;
  readonly constraints: number;
  readonly buildMs: number;
  readonly witnessMs: number;
  readonly proveMs: number;
  readonly gasUsed: bigint;
  readonly txHash: string;
  readonly claims: readonly ClaimResult[];
  /** the state after the batch: the caller's next state */
  readonly state: CoreState;
}

export type PipelineErrorCode =
  | "OutOfSync" // the chain's rollup state is not the state given
  | "DepositChainMismatch" // a queued deposit's chain value differs from the TypeScript chain
  | "Unprovable" // the root check cannot be met: an account needs liquidating and cannot be
  | "PublicInputMismatch"; // the circuit, the mirror and the contract disagree on a public input

export class PipelineError extends Error {
  override name = "PipelineError";
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}
