/**
 * Assembles one batch with the BatchBuilder (the circuit's TypeScript mirror): the L1 deposit queue
 * in order, then the requested operations, then the maintenance operations the batch's prices
 * demand (liquidate accounts below maintenance margin, re-certify the others past their bounds).
 * Without those the root check, and so the proof, fails; slots for them are kept free first.
 */
import { getAddress, toBeHex } from "ethers";
import type { QueuedDepositRecord } from "../chain/client.js";
import type { BatchSubmission } from "../chain/types.js";
import { BatchBuilder, BatchSealError, maintenanceOps, type DepositOp, type Op } from "../core/batch/index.js";
import type { CoreState } from "../core/state.js";
import { PipelineError, type AssembledBatch, type BatchRequest, type ChainView, type IncludedOp, type IndexPolicy, type OpOrigin, type PipelineDeps, type RejectedOp } from "./types.js";

type AssembleDeps = Pick<PipelineDeps, "poseidon" | "eddsa" | "shape" | "salt" | "indexPolicy">;

export function assembleBatch(deps: AssembleDeps, state: CoreState, view: ChainView, request: BatchRequest = {}): AssembledBatch {
  const t0 = performance.now();
  const funding = request.funding ?? state.ledger.funding;
  const builder = new BatchBuilder({
    shape: deps.shape,
    state,
    context: { batchNumber: view.batchNumber, timestamp: view.timestamp, params: view.params, prices: view.rounds.map((r) => r.answer), funding },
    deps: { poseidon: deps.poseidon, eddsa: deps.eddsa, ...(deps.salt === undefined ? {} : { salt: deps.salt }) },
  });
  const included: IncludedOp[] = [];
  const rejected: RejectedOp[] = [];
  const deferred: IncludedOp[] = [];

  /** Adds `op` unless that would leave too few slots for the accounts needing maintenance. */
  const tryAdd = (op: Op, origin: OpOrigin): boolean => {
    const touched = new Set(touchedAccounts(op));
    const needed = builder.violations().filter((i) => !touched.has(i)).length;
    if (builder.remaining - 1 < needed) {
      deferred.push({ op, origin });
      return false;
    }
    const result = builder.add(op);
    if (result.ok) included.push({ op, origin });
    else if (result.reason === "BatchFull") deferred.push({ op, origin });
    else rejected.push({ op, origin, reason: result.reason, detail: result.detail });
    return result.ok;
  };

  // 1. The queue, strictly in order: the circuit consumes it as a hash chain, so a deposit that
  // does not fit (or cannot be credited) holds back every later one.
  let depositsThrough = state.ledger.depositCount;
  for (const record of view.pending) {
    const index = depositIndex(builder.state, record, deps.indexPolicy);
    const op: DepositOp = { kind: "deposit", index: index ?? -1n, pkX: record.pubKey.x, pkY: record.pubKey.y, amount: record.amount };
    if (index === undefined) {
      rejected.push({ op, origin: "queue", reason: "IndexOutOfRange", detail: `no account for queue position ${record.position}: the tree is full` });
      break;
    }
    if (!tryAdd(op, "queue")) break;
    depositsThrough = record.position;
  }

  // 2. The requested operations, in the order given.
  for (const op of request.ops ?? []) tryAdd(op, "request");

  // 3. Maintenance: what the prices force. An account a previous step touched is certified already.
  for (const op of maintenanceOps(builder.state, builder.markets)) {
    const index = op.kind === "liquidation" ? op.liquidated : op.index;
    if (!builder.violations().includes(index)) continue;
    const result = builder.add(op);
    if (result.ok) included.push({ op, origin: "maintenance" });
    else rejected.push({ op, origin: "maintenance", reason: result.reason, detail: result.detail });
  }

  let sealed;
  try {
    sealed = builder.seal();
  } catch (err) {
    if (!(err instanceof BatchSealError) || err.code !== "RootCheckFailed") throw err;
    const why = rejected.filter((r) => r.origin === "maintenance").map((r) => `${r.reason}: ${r.detail}`);
    throw new PipelineError("Unprovable", `accounts ${err.violations.join(", ")} are past their bounds and could not be maintained${why.length > 0 ? ` (${why.join("; ")})` : ""}`);
  }
  if (sealed.state.ledger.depositCount !== depositsThrough) {
    throw new Error(`internal: the builder consumed ${sealed.state.ledger.depositCount} deposits, the queue walk ${depositsThrough}`);
  }
  const ledger = sealed.state.ledger;
  const submission: BatchSubmission = {
    newRoot: sealed.state.root,
    timestamp: view.timestamp,
    roundIds: view.rounds.map((r) => r.roundId),
    funding: [...funding],
    depositsThrough,
    withdrawals: sealed.withdrawals.map((w) => ({ account: l1Address(w.l1Address), amount: w.amount })),
    insuranceNew: ledger.insurance,
    feesNew: ledger.fees,
    liquidations: sealed.inputs.liquidations,
  };
  return { view, sealed, submission, included, rejected, deferred, buildMs: performance.now() - t0 };
}

/** The accounts an operation writes: they leave it freshly certified. */
export function touchedAccounts(op: Op): bigint[] {
  switch (op.kind) {
    case "deposit":
    case "withdrawal":
    case "recertify":
      return [op.index];
    case "trade":
      return [op.taker.order.accountIndex, op.maker.order.accountIndex];
    case "liquidation":
      return [op.liquidated, op.receiver];
  }
}

/** The policy's choice, else the lowest index holding the key, else the lowest empty index. */
export function depositIndex(state: CoreState, record: QueuedDepositRecord, policy?: IndexPolicy): bigint | undefined {
  const chosen = policy?.(state, record);
  if (chosen !== undefined) return chosen;
  let next = 0n;
  for (const [index, account] of state.entries()) {
    if (account.pkX === record.pubKey.x && account.pkY === record.pubKey.y) return index;
    if (index === next) next += 1n;
  }
  return next < state.capacity ? next : undefined;
}

/** A withdrawal's L1 address (a 160-bit integer in the circuit) as a checksummed address. */
export function l1Address(x: bigint): string {
  return getAddress(toBeHex(x, 20));
}
