/**
 * The batch lane: the chain of batches the sequencer has cut but the rollup has not yet verified,
 * on top of the last verified state.
 *
 *   base (verified) -> sealed n+1 -> sealed n+2 -> ... -> open
 *
 * The open batch is a BatchBuilder on the state after the last sealed batch: every operation goes
 * through it, so an accepted operation is one the circuit will accept (the pre-trade margin check
 * is the builder's). Sealing freezes it; the prover and publisher take sealed batches in order.
 *
 * Every accepted operation is stored with its batch, and a batch's salts come from the store's
 * secret, its number and its generation (salts.ts), so `replay` rebuilds any batch exactly -- the
 * crash-recovery path -- or, with a fresh context and the next generation, rebuilds it against new
 * prices when the chain refused the old one (the dropped operations are reported, never hidden).
 */
import { BatchBuilder, maintenanceOps, maintenanceOpsFor, type BatchContext, type CircuitShape, type SealedBatch } from "../core/batch/index.js";
import { marketContexts } from "../core/market.js";
import type { CoreState } from "../core/state.js";
import type { EdDSA } from "../crypto/babyjub.js";
import type { Poseidon } from "../crypto/poseidon.js";
import { touchedAccounts } from "../pipeline/assemble.js";
import { saltSource } from "./salts.js";
import type { Store } from "./store.js";
import type { BatchContextRecord, BatchDetail, BatchRecord, BatchStatus, StoredOp } from "./types.js";

export interface LaneDeps {
  readonly poseidon: Poseidon;
  readonly eddsa: Pick<EdDSA, "verify">;
  readonly shape: CircuitShape;
  readonly store: Store;
  readonly secret: Uint8Array;
}

/** A batch the lane holds: open (builder live) or sealed (inputs fixed). */
export interface LaneBatch {
  readonly number: bigint;
  readonly context: BatchContextRecord;
  readonly generation: number;
  readonly ops: StoredOp[];
  builder: BatchBuilder;
  sealed?: SealedBatch;
  /** the proof of this generation, once made (kept in the store too: a restart need not prove again) */
  proof?: BatchRecord["proof"];
  status: BatchStatus;
  detail: BatchDetail;
}

export type LaneAdd = { ok: true; batch: bigint } | { ok: false; reason: string; detail: string };

export interface Dropped {
  readonly batch: bigint;
  readonly op: StoredOp;
  readonly reason: string;
}

export class BatchLane {
  private readonly deps: LaneDeps;
  /** state after the last verified batch */
  base: CoreState;
  /** sealed, unverified, in order */
  readonly sealed: LaneBatch[] = [];
  open: LaneBatch | undefined;

  constructor(deps: LaneDeps, base: CoreState) {
    this.deps = deps;
    this.base = base;
  }

  /** The state the next operation applies to: the open batch's working state, else the last sealed. */
  get head(): CoreState {
    if (this.open !== undefined) return this.open.builder.state;
    return this.tip;
  }

  /** The state after the last sealed batch (or the verified base). */
  get tip(): CoreState {
    const last = this.sealed[this.sealed.length - 1];
    return last?.sealed?.state ?? this.base;
  }

  get nextNumber(): bigint {
    return this.tip.ledger.batchCount + 1n;
  }

  /** Opens the next batch at `context` (its maintenance first: accounts the prices push past their bounds). */
  openBatch(context: BatchContextRecord, violators?: readonly bigint[]): { batch: LaneBatch; refused: Dropped[] } {
    if (this.open !== undefined) throw new Error("internal: a batch is already open");
    const number = this.nextNumber;
    const batch = this.newBatch(this.tip, number, context, 0);
    this.open = batch;
    this.persist(batch);
    const refused: Dropped[] = [];
    const markets = batch.builder.markets;
    const ops = violators === undefined ? maintenanceOps(this.tip, markets) : maintenanceOpsFor(this.tip, markets, violators);
    for (const op of ops) {
      const result = this.addTo(batch, { op, origin: "maintenance" });
      if (!result.ok) refused.push({ batch: number, op: { op, origin: "maintenance" }, reason: `${result.reason}: ${result.detail}` });
    }
    return { batch, refused };
  }

  /**
   * Adds `entry` to the open batch. Refuses (BatchFull) when it would leave too few slots for the
   * accounts that still need maintenance, as the builder's root check would fail at seal.
   */
  add(entry: StoredOp): LaneAdd {
    const batch = this.open;
    if (batch === undefined) throw new Error("internal: no open batch");
    const touched = new Set(touchedAccounts(entry.op));
    const needed = batch.builder.violations().filter((i) => !touched.has(i)).length;
    if (batch.builder.remaining - 1 < needed) return { ok: false, reason: "BatchFull", detail: `${needed} slots kept for maintenance` };
    return this.addTo(batch, entry);
  }

  /** Seals the open batch (no-op padding, root check); undefined when nothing is open. */
  seal(reason: string): LaneBatch | undefined {
    const batch = this.open;
    if (batch === undefined) return undefined;
    batch.sealed = batch.builder.seal();
    batch.status = "sealed";
    batch.detail = { ...batch.detail, sealedMs: Date.now(), sealReason: reason };
    this.open = undefined;
    this.sealed.push(batch);
    this.persist(batch);
    return batch;
  }

  /** The oldest sealed batch, the only one the rollup can take next. */
  get next(): LaneBatch | undefined {
    return this.sealed[0];
  }

  /** The oldest sealed batch was verified on chain: it becomes the base. */
  verified(number: bigint, update: Partial<BatchDetail>): LaneBatch {
    const batch = this.sealed[0];
    if (batch === undefined || batch.number !== number || batch.sealed === undefined) throw new Error(`internal: batch ${number} is not the next sealed batch`);
    this.sealed.shift();
    this.base = batch.sealed.state;
    batch.status = "verified";
    batch.detail = { ...batch.detail, ...update, verifiedMs: Date.now() };
    this.persist(batch);
    this.deps.store.putSnapshot(number, this.base.toJSON());
    return batch;
  }

  setStatus(batch: LaneBatch, status: BatchStatus, update: Partial<BatchDetail> = {}, proof?: BatchRecord["proof"]): void {
    batch.status = status;
    batch.detail = { ...batch.detail, ...update };
    if (proof !== undefined) batch.proof = proof;
    this.persist(batch);
  }

  /**
   * Rebuilds every unverified batch (sealed and open) on the base, in order. `fresh` gives each its
   * new context (the next generation) -- after the chain refused a batch -- or, absent, each keeps
   * its context and generation: the crash-recovery replay, which must reproduce the stored roots.
   * Operations the rebuilt batch refuses are dropped and returned.
   */
  rebuild(fresh?: () => BatchContextRecord): Dropped[] {
    const records = [...this.sealed, ...(this.open === undefined ? [] : [this.open])].map((b) => ({
      number: b.number,
      context: b.context,
      generation: b.generation,
      ops: b.ops,
      status: b.status,
      detail: b.detail,
      proof: b.proof,
    }));
    this.sealed.length = 0;
    this.open = undefined;
    return this.replay(records, fresh);
  }

  /** Replays stored batches on the base (see rebuild). The last record stays open if it was open. */
  replay(records: readonly Pick<LaneBatch, "number" | "context" | "generation" | "ops" | "status" | "detail" | "proof">[], fresh?: () => BatchContextRecord): Dropped[] {
    const dropped: Dropped[] = [];
    for (const record of records) {
      const context = fresh?.() ?? record.context;
      const generation = fresh === undefined ? record.generation : record.generation + 1;
      const batch = this.newBatch(this.tip, record.number, context, generation);
      batch.detail = { ...record.detail, ops: 0, trades: 0, liquidations: 0, deposits: 0, withdrawals: 0, ...(fresh === undefined ? {} : { error: undefined }) };
      this.open = batch;
      if (fresh !== undefined) {
        for (const op of maintenanceOps(this.tip, batch.builder.markets)) this.addTo(batch, { op, origin: "maintenance" }, false);
      }
      for (const entry of record.ops) {
        if (fresh !== undefined && entry.origin === "maintenance") continue; // chosen anew above
        const result = this.addTo(batch, entry, false);
        if (!result.ok) {
          if (fresh === undefined) throw new Error(`replay of batch ${record.number}: stored operation refused (${result.reason}: ${result.detail})`);
          dropped.push({ batch: record.number, op: entry, reason: `${result.reason}: ${result.detail}` });
        }
      }
      if (record.status === "open") {
        this.persistAll(batch);
        break;
      }
      batch.sealed = batch.builder.seal();
      batch.status = fresh === undefined ? record.status : "sealed";
      if (fresh === undefined && record.proof !== undefined) batch.proof = record.proof; // same inputs, same proof
      this.open = undefined;
      this.sealed.push(batch);
      this.persistAll(batch);
    }
    return dropped;
  }

  private newBatch(state: CoreState, number: bigint, context: BatchContextRecord, generation: number): LaneBatch {
    const ctx: BatchContext = { batchNumber: number, timestamp: context.timestamp, params: context.params, prices: context.prices, funding: context.funding };
    const builder = new BatchBuilder({
      shape: this.deps.shape,
      state,
      context: ctx,
      deps: { poseidon: this.deps.poseidon, eddsa: this.deps.eddsa, salt: saltSource(this.deps.secret, number, generation) },
    });
    return {
      number,
      context,
      generation,
      ops: [],
      builder,
      status: "open",
      detail: { ops: 0, trades: 0, liquidations: 0, deposits: 0, withdrawals: 0, openedMs: Date.now(), attempts: 0 },
    };
  }

  private addTo(batch: LaneBatch, entry: StoredOp, store = true): LaneAdd {
    const result = batch.builder.add(entry.op);
    if (!result.ok) return { ok: false, reason: result.reason, detail: result.detail };
    batch.ops.push(entry);
    const kind = entry.op.kind;
    const d = batch.detail;
    batch.detail = {
      ...d,
      ops: d.ops + 1,
      trades: d.trades + (kind === "trade" ? 1 : 0),
      liquidations: d.liquidations + (kind === "liquidation" ? 1 : 0),
      deposits: d.deposits + (kind === "deposit" ? 1 : 0),
      withdrawals: d.withdrawals + (kind === "withdrawal" ? 1 : 0),
    };
    if (store) {
      this.deps.store.appendOp(batch.number, batch.ops.length - 1, entry);
      this.persist(batch);
    }
    return { ok: true, batch: batch.number };
  }

  private persist(batch: LaneBatch): void {
    this.deps.store.putBatch({
      number: batch.number,
      status: batch.status,
      generation: batch.generation,
      context: batch.context,
      ...(batch.sealed === undefined ? {} : { root: batch.sealed.state.root }),
      ...(batch.proof === undefined ? {} : { proof: batch.proof }),
      detail: batch.detail,
    });
  }

  private persistAll(batch: LaneBatch): void {
    this.deps.store.replaceOps(batch.number, batch.ops);
    this.persist(batch);
  }
}

/** Market contexts of a batch context: for risk checks outside a builder. */
export function contextMarkets(context: BatchContextRecord, state: CoreState) {
  return marketContexts(
    context.params,
    context.prices.map((price, m) => ({ price, fundingOld: state.ledger.funding[m]!, funding: context.funding[m]! })),
  );
}

