import { randomFieldElement } from "../../crypto/field.js";
import { aggregatesHold, aggregatesToArrays, type Aggregates } from "../aggregates.js";
import type { Account } from "../account.js";
import { BATCH_NUMBER_BITS, OpType, TIME_BITS, unsignedFits } from "../constants.js";
import { marketContexts, paramsHash, type MarketContext } from "../market.js";
import { withdrawChainStep } from "../queues.js";
import type { CoreState, Ledger } from "../state.js";
import { planDeposit } from "./deposit.js";
import { emptyExtras, publicSignalValues, slotArrays, type AccountSlotInputs, type MarginBatchInputs, type SlotInputs } from "./inputs.js";
import { planLiquidation } from "./liquidation.js";
import { Rejection, UNTOUCHED, type AccountUpdate, type Plan, type PlanEnv } from "./plan.js";
import { planRecertify } from "./recertify.js";
import { planTrade } from "./trade.js";
import {
  BatchContextError,
  BatchSealError,
  type AddResult,
  type BatchBuilderOptions,
  type BatchContext,
  type BatchDeps,
  type CircuitShape,
  type Op,
  type Withdrawal,
} from "./types.js";
import { planWithdrawal } from "./withdrawal.js";

export interface SealedBatch {
  /** the circuit's input object (§9) */
  readonly inputs: MarginBatchInputs;
  /** expected public signals, ordered by publicSignalNames(M), field-encoded */
  readonly publicSignals: readonly bigint[];
  /** the state after the batch (ledger.funding = F, batchCount = batchNumber) */
  readonly state: CoreState;
  /** accepted operations, in slot order */
  readonly ops: readonly Op[];
  /** payouts in withdrawHash order */
  readonly withdrawals: readonly Withdrawal[];
  /** per slot, A then B: the leaf written and the root after it, to locate a circuit mismatch */
  readonly trace: readonly (readonly [UpdateTrace, UpdateTrace])[];
}

export interface UpdateTrace {
  readonly newLeaf: bigint;
  readonly newAgg: Aggregates;
  readonly rootAfter: bigint;
}

/**
 * The TypeScript mirror of `MarginBatch(D, M, T, K)`. Operations are added one at a time: each is
 * planned against the working state (every rule checked, nothing written) and, if accepted,
 * committed with the witnesses the circuit needs, A's before B's. `seal` pads with no-ops, checks
 * the root aggregates against the batch's Y values and returns the input object and public signals.
 */
export class BatchBuilder {
  readonly shape: CircuitShape;
  readonly context: BatchContext;
  readonly markets: readonly MarketContext[];
  private readonly deps: BatchDeps;
  /** the starting root and ledger, captured at construction: the caller's state may move on */
  private readonly initialRoot: bigint;
  private readonly initialLedger: Ledger;
  private readonly working: CoreState;
  private readonly slots: SlotInputs[] = [];
  private readonly accepted: Op[] = [];
  private readonly withdrawals: Withdrawal[] = [];
  private readonly trace: [UpdateTrace, UpdateTrace][] = [];
  private withdrawHash = 0n;
  private liquidations = 0n;
  private sealed = false;

  constructor(opts: BatchBuilderOptions) {
    const { shape, state, context } = opts;
    checkShape(shape, state);
    if (context.batchNumber !== state.ledger.batchCount + 1n || !unsignedFits(context.batchNumber, BATCH_NUMBER_BITS)) {
      throw new BatchContextError("BatchNumber", `batch ${context.batchNumber} after ${state.ledger.batchCount}`);
    }
    if (!unsignedFits(context.timestamp, TIME_BITS)) throw new BatchContextError("Timestamp", `timestamp ${context.timestamp}`);
    const m = shape.markets;
    if (context.params.length !== m || context.prices.length !== m || context.funding.length !== m) {
      throw new BatchContextError("MarketCount", `context must describe exactly ${m} markets`);
    }
    this.markets = marketContexts(
      context.params,
      context.prices.map((price, i) => ({ price, fundingOld: state.ledger.funding[i]!, funding: context.funding[i]! })),
    );
    this.shape = shape;
    this.context = context;
    this.deps = opts.deps;
    this.initialRoot = state.root;
    this.initialLedger = state.ledger;
    this.working = state.clone();
  }

  /** The working state (after the accepted operations). Read it; never write it. */
  get state(): CoreState {
    return this.working;
  }

  /** Operations accepted so far. */
  get size(): number {
    return this.slots.length;
  }

  get remaining(): number {
    return this.shape.opsPerBatch - this.slots.length;
  }

  /** Applies `op` if every rule holds; otherwise reports why and leaves the builder unchanged. */
  add(op: Op): AddResult {
    if (this.sealed) throw new BatchSealError("AlreadySealed", "the batch is sealed");
    if (this.slots.length >= this.shape.opsPerBatch) return { ok: false, reason: "BatchFull", detail: `${this.shape.opsPerBatch} slots taken` };
    let plan: Plan;
    try {
      plan = this.plan(op);
    } catch (err) {
      if (err instanceof Rejection) return { ok: false, reason: err.reason, detail: err.detail };
      throw err;
    }
    this.commit(plan);
    this.accepted.push(op);
    return { ok: true };
  }

  /** Accounts whose certificates the batch's Y values violate now: `seal` refuses while any remain. */
  violations(): bigint[] {
    return this.working.violations(this.markets);
  }

  /** Pads with no-ops and returns the circuit inputs; throws BatchSealError when the root check fails. */
  seal(): SealedBatch {
    if (this.sealed) throw new BatchSealError("AlreadySealed", "the batch is sealed");
    const YL = this.markets.map((m) => m.YL);
    const YS = this.markets.map((m) => m.YS);
    if (!aggregatesHold(this.working.certTree.rootAggregates, YL, YS)) {
      const violations = this.violations();
      throw new BatchSealError("RootCheckFailed", `${violations.length} accounts need re-certification or liquidation`, violations);
    }
    while (this.slots.length < this.shape.opsPerBatch) this.commit({ opType: OpType.Noop, a: UNTOUCHED, b: UNTOUCHED });
    this.sealed = true;

    const before = this.initialLedger;
    const after = this.working.ledger;
    const ctx = this.context;
    const opening = this.working.certTree.opening();
    const p = (k: "mmr" | "imr" | "penalty" | "fee" | "maxFunding") => ctx.params.map((x) => x[k]);
    const inputs: MarginBatchInputs = {
      oldRoot: this.initialRoot,
      newRoot: this.working.root,
      batchNumber: ctx.batchNumber,
      timestamp: ctx.timestamp,
      price: [...ctx.prices],
      fundingOld: [...before.funding],
      funding: [...ctx.funding],
      paramsHash: paramsHash(this.deps.poseidon, ctx.params),
      depositHashOld: before.depositHash,
      depositHashNew: after.depositHash,
      withdrawHash: this.withdrawHash,
      insuranceOld: before.insurance,
      insuranceNew: after.insurance,
      feesOld: before.fees,
      feesNew: after.fees,
      liquidations: this.liquidations,
      mmr: p("mmr"),
      imr: p("imr"),
      penalty: p("penalty"),
      fee: p("fee"),
      maxFunding: p("maxFunding"),
      rootLeft: opening.left.value,
      rootRight: opening.right.value,
      rootAggLeft: aggregatesToArrays(opening.left.agg),
      rootAggRight: aggregatesToArrays(opening.right.agg),
      ...slotArrays(this.slots),
    };
    this.working.setLedger({ ...after, funding: [...ctx.funding], batchCount: ctx.batchNumber });
    return {
      inputs,
      publicSignals: publicSignalValues(inputs, this.shape.markets),
      state: this.working,
      ops: [...this.accepted],
      withdrawals: [...this.withdrawals],
      trace: [...this.trace],
    };
  }

  private plan(op: Op): Plan {
    const env: PlanEnv = {
      poseidon: this.deps.poseidon,
      eddsa: this.deps.eddsa,
      state: this.working,
      markets: this.markets,
      timestamp: this.context.timestamp,
      ledger: this.working.ledger,
    };
    switch (op.kind) {
      case "deposit":
        return planDeposit(env, op);
      case "withdrawal":
        return planWithdrawal(env, op);
      case "trade":
        return planTrade(env, op);
      case "liquidation":
        return planLiquidation(env, op);
      case "recertify":
        return planRecertify(env, op);
    }
  }

  /** Writes a plan: A's witness, A's leaf, then B's witness in the tree after A's update (§7). */
  private commit(plan: Plan): void {
    const a = this.applyUpdate(plan.a);
    const b = this.applyUpdate(plan.b);
    this.slots.push({ ...emptyExtras(this.shape), ...plan.extras, opType: BigInt(plan.opType), acc: [a.record, b.record] });
    this.trace.push([a.trace, b.trace]);
    const ledger: Ledger = { ...this.working.ledger, ...plan.ledger };
    this.working.setLedger(ledger);
    if (plan.withdrawal !== undefined) {
      const w = plan.withdrawal;
      this.withdrawHash = withdrawChainStep(this.deps.poseidon, this.withdrawHash, w.l1Address, w.amount);
      this.withdrawals.push(w);
    }
    if (plan.liquidation === true) this.liquidations += 1n;
  }

  private applyUpdate(update: AccountUpdate): { record: AccountSlotInputs; trace: UpdateTrace } {
    const before = this.working.account(update.index);
    const witness = this.working.certTree.witness(update.index);
    const record = accountInputs(update.index, before, witness);
    if (update.after !== undefined) {
      const after = update.after.with({ salt: this.nextSalt() });
      this.working.putAccount(update.index, after, update.orders);
      record.newSalt = after.salt;
      record.newBound = [...after.bound];
    }
    const tree = this.working.certTree;
    const trace = { newLeaf: tree.leaf(update.index), newAgg: tree.aggregates(update.index), rootAfter: tree.root };
    return { record, trace };
  }

  private nextSalt(): bigint {
    return (this.deps.salt ?? randomFieldElement)();
  }
}

function accountInputs(index: bigint, a: Account, witness: { siblings: bigint[]; siblingAgg: bigint[][][] }): AccountSlotInputs {
  return {
    index,
    isEmpty: a.isEmpty ? 1n : 0n,
    pkX: a.pkX,
    pkY: a.pkY,
    nonce: a.nonce,
    collateral: a.collateral,
    ordersRoot: a.ordersRoot,
    salt: a.salt,
    size: [...a.size],
    funding: [...a.funding],
    bound: [...a.bound],
    siblings: witness.siblings,
    siblingAgg: witness.siblingAgg,
    newSalt: a.salt,
    newBound: [...a.bound],
  };
}

function checkShape(shape: CircuitShape, state: CoreState): void {
  const mismatch = (["depth", "markets", "slotDepth"] as const).filter((k) => shape[k] !== state[k]);
  if (mismatch.length > 0) throw new BatchContextError("ShapeMismatch", `state and circuit differ in ${mismatch.join(", ")}`);
  if (!Number.isInteger(shape.opsPerBatch) || shape.opsPerBatch < 1) {
    throw new BatchContextError("ShapeMismatch", `opsPerBatch must be a positive integer, got ${shape.opsPerBatch}`);
  }
}
