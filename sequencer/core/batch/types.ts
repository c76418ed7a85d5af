import type { EdDSA, Signature } from "../../crypto/babyjub.js";
import type { Poseidon } from "../../crypto/poseidon.js";
import type { MarketParams } from "../market.js";
import type { SignedOrder } from "../order.js";
import type { CoreState } from "../state.js";

/** Parameters of a `MarginBatch(D, M, T, K)` instance. */
export interface CircuitShape {
  /** D: account tree depth */
  readonly depth: number;
  /** M: markets */
  readonly markets: number;
  /** T: operation slots per batch, padded with no-ops */
  readonly opsPerBatch: number;
  /** K: order-slot tree depth */
  readonly slotDepth: number;
}

/** What one batch is proved against: oracle prices, funding and the market parameters in force. */
export interface BatchContext {
  /** must be the state's batchCount + 1 */
  readonly batchNumber: bigint;
  /** seconds; orders with expiry < timestamp are refused */
  readonly timestamp: bigint;
  readonly params: readonly MarketParams[];
  readonly prices: readonly bigint[];
  /** new funding indices F; the old ones are the state's ledger.funding */
  readonly funding: readonly bigint[];
}

/** An L1 deposit queue item credited to `index` (a leaf of the same key, or an empty leaf). */
export interface DepositOp {
  readonly kind: "deposit";
  readonly index: bigint;
  readonly pkX: bigint;
  readonly pkY: bigint;
  readonly amount: bigint;
}

export interface WithdrawalOp {
  readonly kind: "withdrawal";
  readonly index: bigint;
  readonly amount: bigint;
  readonly l1Address: bigint;
  /** the nonce the owner signed: must be the account's current nonce */
  readonly nonce: bigint;
  readonly sig: Signature;
}

/** A fill of `fill` at `price` between two signed orders; their accountIndex fields name A and B. */
export interface TradeOp {
  readonly kind: "trade";
  /** A */
  readonly taker: SignedOrder;
  /** B */
  readonly maker: SignedOrder;
  readonly fill: bigint;
  readonly price: bigint;
}

/** Closes every position of `liquidated` into `receiver` at the oracle price. */
export interface LiquidationOp {
  readonly kind: "liquidation";
  readonly liquidated: bigint;
  /** a signing liquidator, or BACKSTOP_ACCOUNT (0) which takes positions without signing */
  readonly receiver: bigint;
  /** the liquidator's signed nonce and signature; absent for the backstop */
  readonly nonce?: bigint;
  readonly sig?: Signature;
}

export interface RecertifyOp {
  readonly kind: "recertify";
  readonly index: bigint;
}

export type Op = DepositOp | WithdrawalOp | TradeOp | LiquidationOp | RecertifyOp;

/** Why an operation was left out. Every reason but BatchFull is a circuit rule or a range. */
export type RejectReason =
  | "BatchFull" // T slots taken
  | "OutOfRange" // an input outside the range the circuit reads (field element, bits, 1 <= x)
  | "AmountOutOfRange" // deposit / withdrawal amount outside [1, 2^62)
  | "IndexOutOfRange" // account index >= 2^D
  | "UnknownAccount" // the operation needs a non-empty account there
  | "UnknownMarket" // order market >= M
  | "MarketMismatch" // the two orders of a trade name different markets
  | "SameAccount" // a trade or liquidation between an account and itself
  | "SameSide" // both orders buy, or both sell
  | "KeyMismatch" // deposit key differs from the account's
  | "BadNonce" // signed nonce differs from the account's
  | "BadSignature" // EdDSA-Poseidon check fails
  | "OrderExpired" // expiry < batch timestamp
  | "PriceOutsideLimit" // buyer's limit < price or seller's limit > price
  | "StaleOrderId" // the order's slot holds a newer order id
  | "Overfill" // filled + fill > order size
  | "InsufficientMargin" // ends below initial margin without reducing
  | "NotLiquidatable" // the account is at or above maintenance margin
  | "InsuranceExhausted" // the fund cannot cover a liquidation's deficit
  | "Overflow" // a result leaves its range (collateral, size, nonce, fee pool, fund)
  | "NoValidCertificate"; // a touched account would end below maintenance margin

export type AddResult = { readonly ok: true } | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

export interface BatchDeps {
  readonly poseidon: Poseidon;
  readonly eddsa: Pick<EdDSA, "verify">;
  /** fresh leaf salts; a random field element by default (tests pass a seeded source) */
  readonly salt?: () => bigint;
}

export interface BatchBuilderOptions {
  readonly shape: CircuitShape;
  /** never modified: the builder works on a clone and returns the new state from `seal` */
  readonly state: CoreState;
  readonly context: BatchContext;
  readonly deps: BatchDeps;
}

/** A payout the contract makes once the batch is verified, in withdrawHash order. */
export interface Withdrawal {
  readonly l1Address: bigint;
  readonly amount: bigint;
}

export type BatchContextErrorCode = "ShapeMismatch" | "BatchNumber" | "Timestamp" | "MarketCount";

/** The builder cannot be created for this state and context. */
export class BatchContextError extends Error {
  override name = "BatchContextError";
  constructor(
    readonly code: BatchContextErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export type BatchSealErrorCode = "RootCheckFailed" | "AlreadySealed";

/**
 * The batch cannot be sealed. RootCheckFailed: some accounts' certificates do not cover the batch's
 * Y values (listed in `violations`): re-certify or liquidate them first (see maintenanceOps).
 */
export class BatchSealError extends Error {
  override name = "BatchSealError";
  constructor(
    readonly code: BatchSealErrorCode,
    message: string,
    readonly violations: readonly bigint[] = [],
  ) {
    super(`${code}: ${message}`);
  }
}
