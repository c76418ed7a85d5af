/**
 * The sequencer service's records: what the store keeps and the API shows.
 */
import type { SolidityCalldata } from "../../prover/prove.js";
import type { Op } from "../core/batch/index.js";
import type { Side } from "../core/constants.js";
import type { CircuitShape } from "../core/batch/index.js";
import type { LiquidationPrice } from "../core/margin.js";
import type { MarketParams } from "../core/market.js";
import type { Order } from "../core/order.js";
import type { Signature } from "../crypto/babyjub.js";

import type { OrderType, TimeInForce } from "../engine/index.js";

export type { OrderType, TimeInForce };

export type OrderStatus = "open" | "filled" | "cancelled" | "rejected";

export interface OrderRecord {
  /** `${accountIndex}:${orderId}`: an owner's order id names one order for good */
  readonly id: string;
  /** arrival sequence: time priority, also after a restart */
  readonly seq: number;
  readonly order: Order;
  readonly sig: Signature;
  readonly type: OrderType;
  readonly tif: TimeInForce;
  readonly status: OrderStatus;
  readonly filled: bigint;
  readonly reason?: string;
  readonly createdMs: number;
}

/** pending: in a batch not yet verified; verified: on chain; busted: dropped when its batch was rebuilt. */
export type FillStatus = "pending" | "verified" | "busted";

export interface FillRecord {
  readonly seq: number;
  readonly batch: bigint;
  readonly market: number;
  /** the taker's side */
  readonly side: Side;
  readonly price: bigint;
  readonly size: bigint;
  readonly takerOrder: string;
  readonly makerOrder: string;
  readonly takerAccount: bigint;
  readonly makerAccount: bigint;
  readonly status: FillStatus;
  readonly createdMs: number;
}

export type OpOrigin = "deposit" | "trade" | "withdrawal" | "maintenance";

/** An operation a batch accepted, with what it came from. */
export interface StoredOp {
  readonly op: Op;
  readonly origin: OpOrigin;
  /** the fill a trade carries */
  readonly fill?: number;
  /** the L1 queue position a deposit consumes */
  readonly position?: bigint;
}

export type BatchStatus = "open" | "sealed" | "proving" | "proven" | "submitted" | "verified" | "failed";

/** What a batch is proved against: chosen when it opens, chosen again only by a rebuild. */
export interface BatchContextRecord {
  readonly timestamp: bigint;
  readonly prices: readonly bigint[];
  readonly roundIds: readonly bigint[];
  readonly funding: readonly bigint[];
  readonly params: readonly MarketParams[];
}

export interface BatchDetail {
  readonly ops: number;
  readonly trades: number;
  readonly liquidations: number;
  readonly deposits: number;
  readonly withdrawals: number;
  readonly openedMs: number;
  readonly sealedMs?: number;
  readonly sealReason?: string;
  readonly witnessMs?: number;
  readonly proveMs?: number;
  readonly provenMs?: number;
  readonly submittedMs?: number;
  readonly verifiedMs?: number;
  readonly gasUsed?: bigint;
  readonly txHash?: string;
  /** submissions tried (a rebuild starts a new generation) */
  readonly attempts: number;
  readonly error?: string;
}

export interface BatchRecord {
  readonly number: bigint;
  readonly status: BatchStatus;
  /** bumped by every rebuild: the salts (and so the root) depend on it */
  readonly generation: number;
  readonly context: BatchContextRecord;
  readonly root?: bigint;
  readonly proof?: SolidityCalldata;
  readonly detail: BatchDetail;
}

/** GET /accounts/:index: the owner's view of an account (docs/API.md). */
export interface AccountView {
  index: bigint;
  collateral: bigint;
  nonce: bigint;
  positions: { market: number; size: bigint; price: bigint; liquidation: LiquidationPrice | null; distanceToLiquidationPpm: bigint | null }[];
  value: bigint;
  maintenanceHealth: bigint;
  initialHealth: bigint;
  maintenanceRequirement: bigint;
  healthy: boolean;
  certificateBounds: bigint[];
  openOrders: { id: string; market: number; side: string; price: bigint; remaining: bigint }[];
  proven: { batch: bigint; root: bigint; leaf: bigint; witness: unknown; isEmpty: boolean };
}

export interface MarketView {
  market: number;
  params: unknown;
  price: bigint | undefined;
  roundId: bigint | undefined;
  updatedAt: bigint | undefined;
  bestBid: bigint | undefined;
  bestAsk: bigint | undefined;
}

export interface HealthView {
  status: "ok" | "degraded" | "starting";
  error?: string;
  uptimeMs: number;
  chain: { batchCount: bigint; stateRoot: bigint; time: bigint; depositCount: bigint } | undefined;
  verified: { batch: bigint; root: bigint };
  rootsAgree: boolean | undefined;
  sealed: { number: bigint; status: string }[];
  open: { number: bigint; ops: number } | undefined;
  restingOrders: number;
  accounts: number;
  insurance: bigint;
  fees: bigint;
  circuit: CircuitShape & { constraints: number };
}
