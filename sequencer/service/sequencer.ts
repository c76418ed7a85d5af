/**
 * The sequencer: the composition root that wires the service's parts together.
 *
 *   API (http/) -> intake (validation, signature, replay checks)
 *               -> matching engine (sequencer/engine) -> pre-trade margin check = the batch builder
 *               -> store (SQLite), then the acknowledgement
 *   chain listeners (chainWatch) -> deposits into the open batch; new oracle rounds -> seal, risk
 *   risk engine: accounts the new prices push past their certificate bounds, found through the
 *               certificate tree's aggregates (an index by bound), queued for liquidation or
 *               re-certification at the head of the next batch
 *   batch lane (lane.ts): seal on size, age or price change -> prover process -> L1 publisher, in
 *               order; a refused submission is rebuilt and re-proved, never skipped
 *
 * Everything that changes state runs synchronously on the event loop, so an order, its fills and
 * their operations are applied and stored as one step; only chain reads, proving and submission are
 * asynchronous, and each of them commits its outcome in one synchronous step when it returns.
 */
import { EventEmitter } from "node:events";
import { toSolidityCalldata } from "../../prover/prove.js";
import { getAddress, toBeHex } from "ethers";
import type { MarginRollupClient, QueuedDepositRecord } from "../chain/client.js";
import { ChainRevertError } from "../chain/errors.js";
import type { BatchSubmission } from "../chain/types.js";
import { encodeInputs, type CircuitShape, type DepositOp, type WithdrawalOp } from "../core/batch/index.js";
import { RATIO, Side } from "../core/constants.js";
import { accountValue, initialHealth, liquidationPrice, maintenanceHealth, maintenanceRequirement } from "../core/margin.js";
import { BoundIndex } from "../core/boundIndex.js";
import { CoreState } from "../core/state.js";
import type { EdDSA, Signature } from "../crypto/babyjub.js";
import type { Poseidon } from "../crypto/poseidon.js";
import type { MatchingEngine } from "../engine/index.js";
import { OrderDesk, type OrderAck, type OrderRequest } from "./orders.js";
import { READ_WINDOW_SECONDS, readAccountHash } from "./auth.js";
import { depositIndex, touchedAccounts } from "../pipeline/assemble.js";
import { ChainWatch, type ChainSnapshot } from "./chainWatch.js";
import { ApiError, statusOfReason } from "./errors.js";
import { nextFunding } from "./funding.js";
import { BatchLane, contextMarkets, type LaneBatch } from "./lane.js";
import { ProverProcess } from "./prover.js";
import { Store } from "./store.js";
import type { AccountView, BatchContextRecord, BatchRecord, FillRecord, HealthView, MarketView, OrderRecord, StoredOp } from "./types.js";

export type { AccountView, HealthView, MarketView };

export interface BatchPolicy {
  /** seal a batch this long after it opened, if it holds anything (ms) */
  readonly maxAgeMs: number;
  /** chain poll interval (ms) */
  readonly pollMs: number;
  /** submissions of one batch before the lane stops and reports (each after a rebuild) */
  readonly maxAttempts: number;
  /** funding per batch as a fraction of the premium of the book's mid over the oracle, ppm (0: none) */
  readonly fundingRatePpm: bigint;
}

export const DEFAULT_POLICY: BatchPolicy = { maxAgeMs: 3_000, pollMs: 250, maxAttempts: 5, fundingRatePpm: 125_000n };

export interface SequencerOptions {
  readonly client: MarginRollupClient;
  readonly circuit: { readonly wasm: string; readonly zkey: string; readonly constraints: number };
  readonly shape: CircuitShape;
  readonly poseidon: Poseidon;
  readonly eddsa: EdDSA;
  /** SQLite file (":memory:" for a throwaway run) */
  readonly dbPath: string;
  readonly durability?: "normal" | "full";
  /** a name for the deployment the database belongs to, e.g. `${chainId}:${rollupAddress}` */
  readonly deployment: string;
  readonly policy?: Partial<BatchPolicy>;
  readonly log?: (line: string) => void;
  /**
   * Fault injection for the crash tests: the process kills itself at this point of the given
   * batch (SOLVENT_CRASH_AT=point:batch in the service's environment).
   */
  readonly crashAt?: { readonly point: "proving" | "before-submit" | "after-submit"; readonly batch: bigint };
}

export type { OrderAck, OrderRequest } from "./orders.js";

export interface WithdrawalRequestBody {
  readonly accountIndex: bigint;
  readonly amount: bigint;
  readonly l1Address: bigint;
  readonly nonce: bigint;
  readonly sig: Signature;
}

/** What the stream carries. */
export type SequencerEvent =
  | { type: "fill"; fill: FillRecord }
  | { type: "order"; id: string; status: string; filled: bigint; reason?: string }
  | { type: "batch"; number: bigint; status: string; detail: BatchRecord["detail"] }
  | { type: "price"; market: number; roundId: bigint; price: bigint }
  | { type: "risk"; roundSeenMs: number; liquidations: bigint[]; recertifications: bigint[]; detectMs: number; queuedMs: number }
  | { type: "deposit"; position: bigint; account: bigint; amount: bigint };

export interface RiskRecord {
  readonly atRound: readonly bigint[];
  readonly accounts: number;
  readonly liquidations: readonly bigint[];
  readonly recertifications: readonly bigint[];
  /** new round seen -> past-bound accounts found (ms) */
  readonly detectMs: number;
  /** new round seen -> their operations queued in the open batch (ms) */
  readonly queuedMs: number;
  /** the certificate-tree search alone (ms) */
  readonly searchMs: number;
}

export class Sequencer {
  readonly events = new EventEmitter();
  readonly store: Store;
  private readonly desk: OrderDesk;
  readonly watch: ChainWatch;
  readonly risk: RiskRecord[] = [];
  private readonly opts: SequencerOptions;
  private readonly policy: BatchPolicy;
  private readonly prover = new ProverProcess();
  private lane!: BatchLane;
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private working: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastRounds: readonly bigint[] = [];
  private laneError: string | undefined;
  /** the risk engine's index by bound over the lane's head state, kept in step op by op */
  private riskIndex!: BoundIndex;
  private polling = false;
  readonly startedAt = Date.now();

  constructor(opts: SequencerOptions) {
    this.opts = opts;
    this.policy = { ...DEFAULT_POLICY, ...opts.policy };
    this.store = new Store({ path: opts.dbPath, ...(opts.durability === undefined ? {} : { durability: opts.durability }) });
    this.store.bindDeployment(opts.deployment);
    this.desk = new OrderDesk({
      store: this.store,
      poseidon: opts.poseidon,
      eddsa: opts.eddsa,
      shape: opts.shape,
      head: () => this.lane.head,
      timestamp: () => this.currentTimestamp(),
      addOp: (entry) => this.addOp(entry),
      emit: (event) => this.emit(event),
    });
    this.watch = new ChainWatch(opts.client, opts.poseidon);
    this.events.setMaxListeners(0);
  }

  /** The books (read-only use: orders go through the desk). */
  get engine(): MatchingEngine {
    return this.desk.engine;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  // ---------------------------------------------------------------- start, recovery, stop

  /**
   * Recovers from the store (the last verified snapshot, then every stored batch replayed exactly),
   * reconciles with the chain, restores the order book, and starts the loops.
   */
  async start(): Promise<void> {
    const { poseidon, shape } = this.opts;
    const snap = this.store.latestSnapshot();
    const base = snap === undefined ? CoreState.genesis({ poseidon, depth: shape.depth, markets: shape.markets, slotDepth: shape.slotDepth }) : CoreState.fromJSON(poseidon, snap.state);
    this.lane = new BatchLane({ poseidon, eddsa: this.opts.eddsa, shape, store: this.store, secret: this.store.secret() }, base);
    const chain = await this.watch.poll();
    this.lastRounds = chain.rounds.map((r) => r.roundId);

    // Replay what was cut after the snapshot, exactly (same contexts, same salts).
    const stored = this.store.batches({ after: base.ledger.batchCount });
    this.lane.replay(stored.map((b) => ({ number: b.number, context: b.context, generation: b.generation, ops: this.store.ops(b.number), status: b.status === "failed" ? "sealed" : b.status, detail: b.detail, proof: b.proof })));
    if (stored.length > 0) this.log(`recovered ${stored.length} unverified batch(es) from the store: ${stored.map((b) => `${b.number} ${b.status}`).join(", ")}`);

    // Batches the chain verified while we were down (a crash after the transaction): adopt them.
    while (this.lane.base.ledger.batchCount < chain.batchCount) {
      const next = this.lane.next;
      if (next === undefined) throw new Error(`the chain has verified batch ${this.lane.base.ledger.batchCount + 1n}, which this store never sealed: wrong database?`);
      this.lane.verified(next.number, {});
      this.markFills(next, "verified");
      this.log(`batch ${next.number} was verified on chain before the restart`);
    }
    this.reindex();
    if (this.lane.base.root !== chain.stateRoot) throw new Error(`state root ${this.lane.base.root} after batch ${this.lane.base.ledger.batchCount} is not the chain's ${chain.stateRoot}`);

    // The order books: resting orders in arrival order.
    const restored = this.desk.restore();
    if (restored > 0) this.log(`restored ${restored} resting order(s)`);

    this.running = true;
    this.timers.push(setInterval(() => void this.tick(), this.policy.pollMs));
    this.working = this.workLoop();
    await this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.wake?.();
    await this.working?.catch(() => undefined);
    await this.prover.close();
    this.store.close();
  }

  // ---------------------------------------------------------------- chain listeners, risk

  /** One poll: deposits into the lane, new rounds -> seal and risk, the age rule. */
  private async tick(): Promise<void> {
    if (this.polling || !this.running) return;
    this.polling = true;
    try {
      const chain = await this.watch.poll();
      if (!this.watch.priced) return; // nothing can be batched before every market has a price
      const roundsMoved = chain.rounds.some((r, m) => r.roundId !== this.lastRounds[m]);
      if (roundsMoved) this.onNewRounds(chain);
      const next = this.lane.head.ledger.depositCount;
      if (chain.depositCount > next) {
        const records = await this.watch.deposits(next, chain.depositCount);
        if (this.lane.head.ledger.depositCount === next) this.onDeposits(records);
      }
      const open = this.lane.open;
      if (open !== undefined && open.ops.length > 0 && Date.now() - open.detail.openedMs >= this.policy.maxAgeMs) this.seal("age");
      this.desk.expire(this.currentTimestamp());
    } catch (err) {
      this.log(`chain poll failed (retrying): ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.polling = false;
    }
  }

  /**
   * A new oracle round: the open batch keeps the prices it opened with and is sealed; the risk
   * engine asks the certificate tree which accounts the new prices push past their bounds (a
   * descent into only the subtrees whose aggregates fail, not a scan) and opens the next batch
   * with their liquidations and re-certifications first.
   */
  private onNewRounds(chain: ChainSnapshot): void {
    this.lastRounds = chain.rounds.map((r) => r.roundId);
    for (const [m, r] of chain.rounds.entries()) this.emit({ type: "price", market: m, roundId: r.roundId, price: r.answer });
    const open = this.lane.open;
    if (open !== undefined) {
      if (open.ops.length > 0) this.seal("price");
      else this.discardOpen();
    }
    const t0 = performance.now();
    const tip = this.lane.tip;
    const context = this.contextFrom(chain);
    const past = this.riskIndex.pastBounds(contextMarkets(context, tip)); // head == tip: nothing is open
    const searched = performance.now();
    const detectMs = performance.now() - chain.readAt;
    let liquidations: bigint[] = [];
    let recertifications: bigint[] = [];
    if (past.length > 0) {
      const { batch, refused } = this.store.transaction(() => this.lane.openBatch(context, past));
      this.indexAccounts(batch.ops);
      for (const r of refused) this.log(`risk: maintenance of account ${touchedAccounts(r.op.op)[0]} refused: ${r.reason}`);
      liquidations = batch.ops.filter((o) => o.op.kind === "liquidation").map((o) => (o.op.kind === "liquidation" ? o.op.liquidated : 0n));
      recertifications = batch.ops.filter((o) => o.op.kind === "recertify").map((o) => (o.op.kind === "recertify" ? o.op.index : 0n));
      const stuck = batch.builder.violations();
      if (stuck.length > 0) this.log(`risk: ${stuck.length} account(s) past their bounds do not fit this batch (${this.opts.shape.opsPerBatch} slots): ${stuck.join(", ")}`);
    }
    const queuedMs = performance.now() - chain.readAt;
    const record: RiskRecord = { atRound: this.lastRounds, accounts: tip.accountCount, liquidations, recertifications, detectMs, queuedMs, searchMs: searched - t0 };
    this.risk.push(record);
    if (this.risk.length > 1_000) this.risk.shift();
    if (past.length > 0) {
      this.log(`risk: ${past.length} account(s) past their bounds at the new prices: liquidate ${liquidations.join(", ") || "none"}, re-certify ${recertifications.join(", ") || "none"} (${queuedMs.toFixed(2)} ms after the round was read)`);
      this.emit({ type: "risk", roundSeenMs: chain.readAt, liquidations, recertifications, detectMs, queuedMs });
    }
  }

  /** The risk index follows every account a lane operation writes (or all of them after a rebuild). */
  private indexAccounts(entries: readonly StoredOp[]): void {
    const head = this.lane.head;
    for (const e of entries) for (const i of touchedAccounts(e.op)) this.riskIndex.update(i, head.account(i));
  }

  private reindex(): void {
    const head = this.lane.head;
    this.riskIndex = BoundIndex.fromEntries(head.markets, head.entries());
  }

  /** Queued L1 deposits, strictly in queue order, into the open batch (the circuit consumes a hash chain). */
  private onDeposits(records: readonly QueuedDepositRecord[]): void {
    this.store.transaction(() => {
      for (const record of records) {
        const state = this.lane.head;
        if (record.position !== state.ledger.depositCount + 1n) throw new Error(`internal: deposit ${record.position} out of order`);
        const index = depositIndex(state, record);
        if (index === undefined) {
          this.log(`deposit ${record.position} cannot be credited: the account tree is full (the queue waits)`);
          return;
        }
        const op: DepositOp = { kind: "deposit", index, pkX: record.pubKey.x, pkY: record.pubKey.y, amount: record.amount };
        const result = this.addOp({ op, origin: "deposit", position: record.position });
        if (!result.ok) {
          this.log(`deposit ${record.position} refused (${result.reason}: ${result.detail}); the queue waits`);
          return;
        }
        this.emit({ type: "deposit", position: record.position, account: index, amount: record.amount });
      }
    });
  }

  // ---------------------------------------------------------------- the open batch

  /**
   * The context a new batch opens with: the chain's time and latest rounds and parameters, and the
   * funding indices the policy sets from the books' mid prices (funding.ts).
   */
  private contextFrom(chain: ChainSnapshot): BatchContextRecord {
    const tip = this.lane.tip;
    const last = this.lastBatchTimestamp();
    const prices = chain.rounds.map((r) => r.answer);
    const marks = prices.map((_, m) => {
      const bid = this.engine.bestBid(m);
      const ask = this.engine.bestAsk(m);
      return bid === undefined || ask === undefined ? undefined : (bid + ask) / 2n;
    });
    return {
      timestamp: chain.time > last ? chain.time : last,
      prices,
      roundIds: chain.rounds.map((r) => r.roundId),
      funding: nextFunding(chain.params, prices, tip.ledger.funding, marks, this.policy.fundingRatePpm),
      params: chain.params,
    };
  }

  private lastBatchTimestamp(): bigint {
    const last = this.lane.sealed[this.lane.sealed.length - 1];
    if (last !== undefined) return last.context.timestamp;
    return this.store.batch(this.lane.base.ledger.batchCount)?.context.timestamp ?? 0n;
  }

  private ensureOpen(): LaneBatch {
    if (this.lane.open !== undefined) return this.lane.open;
    const chain = this.watch.latest;
    if (chain === undefined || !this.watch.priced) throw new ApiError(503, "NoPrice", "not every market has an oracle price yet");
    const { batch, refused } = this.lane.openBatch(this.contextFrom(chain));
    this.indexAccounts(batch.ops);
    for (const r of refused) this.log(`maintenance of account ${touchedAccounts(r.op.op)[0]} refused: ${r.reason}`);
    this.emit({ type: "batch", number: batch.number, status: "open", detail: batch.detail });
    return batch;
  }

  /** Adds to the open batch, sealing it and opening the next when it is full. */
  /**
   * A full batch is sealed at once, when its last slot is taken, so that a later request that turns
   * out to be refused never causes a seal (a refused request changes nothing).
   */
  private addOp(entry: StoredOp): { ok: true; batch: bigint } | { ok: false; reason: string; detail: string } {
    this.ensureOpen();
    let result = this.lane.add(entry);
    if (!result.ok && result.reason === "BatchFull") {
      // Only when the last free slots are kept for maintenance: seal and carry on in the next batch.
      this.seal("size");
      this.ensureOpen();
      result = this.lane.add(entry);
    }
    if (result.ok) this.indexAccounts([entry]);
    if (result.ok && this.lane.open !== undefined && this.lane.open.builder.remaining === 0) this.seal("size");
    return result;
  }

  private seal(reason: string): void {
    const open = this.lane.open;
    if (open === undefined) return;
    try {
      this.store.transaction(() => this.lane.seal(reason));
    } catch (err) {
      this.laneError = `batch ${open.number} cannot be sealed: ${err instanceof Error ? err.message : String(err)}`;
      this.log(this.laneError);
      return;
    }
    this.emit({ type: "batch", number: open.number, status: "sealed", detail: open.detail });
    this.log(`batch ${open.number} sealed (${reason}): ${describe(open)}`);
    this.wake?.();
  }

  private discardOpen(): void {
    const open = this.lane.open;
    if (open === undefined || open.ops.length > 0) return;
    this.lane.open = undefined;
    this.store.deleteBatch(open.number);
  }

  // ---------------------------------------------------------------- prove and publish, in order

  private async workLoop(): Promise<void> {
    while (this.running) {
      const batch = this.lane.next;
      if (batch === undefined || this.laneError !== undefined) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 500).unref();
        });
        continue;
      }
      try {
        await this.advance(batch);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await this.recover(batch, message, err);
      }
    }
  }

  private async advance(batch: LaneBatch): Promise<void> {
    const { client, circuit } = this.opts;
    if (batch.proof === undefined) {
      this.lane.setStatus(batch, "proving");
      this.emit({ type: "batch", number: batch.number, status: "proving", detail: batch.detail });
      this.crashPoint("proving", batch.number);
      const proof = await this.prover.prove(circuit.wasm, circuit.zkey, encodeInputs(batch.sealed!.inputs));
      if (this.lane.next !== batch) return; // rebuilt meanwhile
      const expected = batch.sealed!.publicSignals;
      const differ = expected.findIndex((v, i) => proof.publicSignals[i] !== v);
      if (differ >= 0) throw new Error(`circuit public signal ${differ} differs from the mirror's`);
      const calldata = toSolidityCalldata(proof.proof, proof.publicSignals);
      this.lane.setStatus(batch, "proven", { witnessMs: proof.witnessMs, proveMs: proof.proveMs, provenMs: Date.now() }, calldata);
      this.emit({ type: "batch", number: batch.number, status: "proven", detail: batch.detail });
    }
    const proof = batch.proof!;
    // The chain may already hold it (a crash between sending and recording).
    const onChain = await client.batchCount();
    if (onChain < batch.number) {
      this.lane.setStatus(batch, "submitted", { attempts: batch.detail.attempts + 1, submittedMs: Date.now() });
      this.emit({ type: "batch", number: batch.number, status: "submitted", detail: batch.detail });
      this.crashPoint("before-submit", batch.number);
      const receipt = await client.submitBatch(submissionOf(batch), proof);
      this.crashPoint("after-submit", batch.number);
      batch.detail = { ...batch.detail, gasUsed: receipt.gasUsed, txHash: receipt.txHash };
    }
    const root = await client.stateRoot();
    if (root !== batch.sealed!.state.root) throw new Error(`after batch ${batch.number} the contract root is ${root}, the sequencer's ${batch.sealed!.state.root}`);
    this.store.transaction(() => {
      this.lane.verified(batch.number, {});
      this.markFills(batch, "verified");
    });
    this.emit({ type: "batch", number: batch.number, status: "verified", detail: batch.detail });
    const d = batch.detail;
    this.log(`batch ${batch.number} verified on chain: prove ${((d.proveMs ?? 0) / 1000).toFixed(2)} s, gas ${d.gasUsed ?? "-"}`);
  }

  /**
   * A batch failed to prove or to land. A refusal from the contract means the batch no longer fits
   * the chain (a stale price round, most often, after a slow proof): rebuild it and everything after
   * it at the chain's current context and prove again. Anything else (the node down, a crashed
   * prover process) is retried as it is. The batch is never skipped; after maxAttempts the lane stops
   * and reports, and health shows it.
   */
  private async recover(batch: LaneBatch, message: string, err: unknown): Promise<void> {
    const attempts = batch.detail.attempts + 1;
    this.log(`batch ${batch.number} attempt ${attempts} failed: ${message}`);
    if (attempts >= this.policy.maxAttempts) {
      this.lane.setStatus(batch, "failed", { attempts, error: message });
      this.emit({ type: "batch", number: batch.number, status: "failed", detail: batch.detail });
      this.laneError = `batch ${batch.number} failed ${attempts} times: ${message}`;
      return;
    }
    this.lane.setStatus(batch, batch.status === "submitted" ? "proven" : batch.status, { attempts, error: message });
    if (err instanceof ChainRevertError) {
      const chain = await this.watch.poll().catch(() => undefined);
      if (chain !== undefined && chain.batchCount < batch.number) {
        this.store.transaction(() => {
          const dropped = this.lane.rebuild(() => this.contextFrom(chain));
          for (const d of dropped) this.bust(d.op, d.reason);
          this.reindex();
        });
        this.log(`batch ${batch.number} rebuilt at the chain's current prices (generation ${this.lane.next?.generation})`);
        return;
      }
    }
    await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** attempts, 10_000)).unref());
  }

  private crashPoint(point: "proving" | "before-submit" | "after-submit", batch: bigint): void {
    const c = this.opts.crashAt;
    if (c !== undefined && c.point === point && c.batch === batch) {
      this.log(`fault injection: killing the process at ${point} of batch ${batch}`);
      process.kill(process.pid, "SIGKILL");
    }
  }

  private markFills(batch: LaneBatch, status: "verified"): void {
    for (const e of batch.ops) if (e.fill !== undefined) this.store.setFillStatus(e.fill, status, batch.number);
  }

  /** A rebuilt batch refused an operation: a trade's fill is busted, and the stream says so. */
  private bust(entry: StoredOp, reason: string): void {
    if (entry.fill !== undefined) {
      this.store.setFillStatus(entry.fill, "busted");
      this.log(`fill ${entry.fill} busted: ${reason}`);
    }
  }

  // ---------------------------------------------------------------- intake: orders (orders.ts)

  submitOrder(req: OrderRequest): OrderAck {
    this.requireReady();
    return this.desk.submit(req);
  }

  cancelOrder(accountIndex: bigint, orderId: bigint, sig: Signature): { id: string; remaining: bigint } {
    this.requireReady();
    return this.desk.cancel(accountIndex, orderId, sig);
  }

  private currentTimestamp(): bigint {
    if (this.lane.open !== undefined) return this.lane.open.context.timestamp;
    const chain = this.watch.latest;
    const last = this.lastBatchTimestamp();
    return chain === undefined || chain.time < last ? last : chain.time;
  }

  // ---------------------------------------------------------------- intake: withdrawals

  submitWithdrawal(req: WithdrawalRequestBody): { batch: bigint } {
    this.requireReady();
    const op: WithdrawalOp = { kind: "withdrawal", index: req.accountIndex, amount: req.amount, l1Address: req.l1Address, nonce: req.nonce, sig: req.sig };
    const result = this.store.transaction(() => this.addOp({ op, origin: "withdrawal" }));
    if (!result.ok) throw new ApiError(statusOfReason(result.reason), result.reason, result.detail);
    return { batch: result.batch };
  }

  // ---------------------------------------------------------------- views

  /** An account for its owner: signed TAG_READ_ACCOUNT over (index, timestamp) within the window. */
  accountView(index: bigint, timestamp: bigint, sig: Signature): AccountView {
    const { poseidon, eddsa } = this.opts;
    const now = BigInt(Math.floor(Date.now() / 1000));
    if (timestamp < now - READ_WINDOW_SECONDS || timestamp > now + READ_WINDOW_SECONDS) throw new ApiError(401, "StaleAuth", `the signed timestamp must be within ${READ_WINDOW_SECONDS} s of the server's clock (${now})`);
    const state = this.lane.head;
    if (!state.inRange(index)) throw new ApiError(404, "UnknownAccount", `account ${index} is outside the tree`);
    const account = state.account(index);
    if (account.isEmpty) throw new ApiError(404, "UnknownAccount", `no account at index ${index}`);
    if (!eddsa.verify({ x: account.pkX, y: account.pkY }, readAccountHash(poseidon, index, timestamp), sig)) throw new ApiError(401, "BadSignature", "the signature does not verify under the account's key");
    const chain = this.watch.latest!;
    const context = this.lane.open?.context ?? this.contextFrom(chain);
    const markets = contextMarkets(context, state);
    const mh = maintenanceHealth(account, markets);
    const requirement = maintenanceRequirement(account, markets);
    const proven = this.lane.base;
    const provenAccount = proven.inRange(index) ? proven.account(index) : undefined;
    return {
      index,
      collateral: account.collateral,
      nonce: account.nonce,
      positions: account.size.map((size, m) => {
        const liquidation = liquidationPrice(account, markets, m);
        const price = markets[m]!.price;
        // How far the price may move against the position (others held) before liquidation, ppm.
        const distancePpm = liquidation === null ? null : liquidation.direction === "below" ? ((price - liquidation.price) * RATIO) / price : ((liquidation.price - price) * RATIO) / price;
        return { market: m, size, price, liquidation, distanceToLiquidationPpm: distancePpm };
      }),
      value: accountValue(account, markets),
      maintenanceHealth: mh,
      initialHealth: initialHealth(account, markets),
      maintenanceRequirement: requirement,
      healthy: mh >= 0n,
      certificateBounds: [...account.bound],
      openOrders: this.engine.ordersOf(index).map((o) => ({ id: o.id, market: o.market, side: o.side === Side.Buy ? "buy" : "sell", price: o.price, remaining: o.remaining })),
      proven: {
        batch: proven.ledger.batchCount,
        root: proven.root,
        leaf: proven.certTree.leaf(index),
        witness: proven.certTree.witness(index),
        isEmpty: provenAccount?.isEmpty ?? true,
      },
    };
  }

  markets(): MarketView[] {
    const chain = this.watch.latest;
    return Array.from({ length: this.opts.shape.markets }, (_, m) => ({
      market: m,
      params: chain?.params[m],
      price: chain?.rounds[m]?.answer,
      roundId: chain?.rounds[m]?.roundId,
      updatedAt: chain?.rounds[m]?.updatedAt,
      bestBid: this.engine.bestBid(m),
      bestAsk: this.engine.bestAsk(m),
    }));
  }

  book(market: number, levels: number) {
    if (!Number.isInteger(market) || market < 0 || market >= this.opts.shape.markets) throw new ApiError(404, "UnknownMarket", `market ${market} does not exist`);
    return this.engine.depth(market, levels);
  }

  order(id: string): OrderRecord | undefined {
    return this.store.order(id);
  }

  batches(limit: number): BatchRecord[] {
    return this.store.recentBatches(limit);
  }

  batch(number: bigint): BatchRecord | undefined {
    return this.store.batch(number);
  }

  health(): HealthView {
    if (this.lane === undefined) throw new ApiError(503, "NotReady", "the sequencer is starting");
    const chain = this.watch.latest;
    return {
      status: this.laneError !== undefined ? "degraded" : this.running ? "ok" : "starting",
      ...(this.laneError === undefined ? {} : { error: this.laneError }),
      uptimeMs: Date.now() - this.startedAt,
      chain: chain === undefined ? undefined : { batchCount: chain.batchCount, stateRoot: chain.stateRoot, time: chain.time, depositCount: chain.depositCount },
      verified: { batch: this.lane.base.ledger.batchCount, root: this.lane.base.root },
      rootsAgree: chain !== undefined && chain.batchCount === this.lane.base.ledger.batchCount ? chain.stateRoot === this.lane.base.root : undefined,
      sealed: this.lane.sealed.map((b) => ({ number: b.number, status: b.status })),
      open: this.lane.open === undefined ? undefined : { number: this.lane.open.number, ops: this.lane.open.ops.length },
      restingOrders: this.engine.size,
      accounts: this.lane.head.accountCount,
      insurance: this.lane.base.ledger.insurance,
      fees: this.lane.base.ledger.fees,
      circuit: { ...this.opts.shape, constraints: this.opts.circuit.constraints },
    };
  }

  /** Current state root the API would vouch for and the books' contents: what the fuzz test compares. */
  fingerprint(): { headRoot: bigint; openOps: number; resting: number; orders: number; fills: number } {
    return { headRoot: this.lane.head.root, openOps: this.lane.open?.ops.length ?? 0, resting: this.engine.size, orders: this.store.orderCount(), fills: this.store.fillCount() };
  }

  /** Resolves when batch `number` is verified (or rejects if the lane fails). */
  waitForBatch(number: bigint, timeoutMs = 600_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.lane.base.ledger.batchCount >= number) {
          resolve();
          return true;
        }
        if (this.laneError !== undefined) {
          reject(new Error(this.laneError));
          return true;
        }
        return false;
      };
      if (check()) return;
      const onEvent = (): void => {
        if (check()) cleanup();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`batch ${number} not verified within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off("event", onEvent);
      };
      this.events.on("event", onEvent);
    });
  }

  /** The lane's number of the open batch (or the next one). */
  get nextBatch(): bigint {
    return this.lane.open?.number ?? this.lane.nextNumber;
  }

  get verifiedState(): CoreState {
    return this.lane.base;
  }


  private requireReady(): void {
    if (!this.running) throw new ApiError(503, "NotReady", "the sequencer is not running");
  }

  private emit(event: SequencerEvent): void {
    this.events.emit("event", event);
  }
}

/** What submitBatch tells the contract for a sealed lane batch. */
function submissionOf(batch: LaneBatch): BatchSubmission {
  const sealed = batch.sealed!;
  const ledger = sealed.state.ledger;
  return {
    newRoot: sealed.state.root,
    timestamp: batch.context.timestamp,
    roundIds: [...batch.context.roundIds],
    funding: [...batch.context.funding],
    depositsThrough: ledger.depositCount,
    withdrawals: sealed.withdrawals.map((w) => ({ account: getAddress(toBeHex(w.l1Address, 20)), amount: w.amount })),
    insuranceNew: ledger.insurance,
    feesNew: ledger.fees,
    liquidations: sealed.inputs.liquidations,
  };
}

function describe(batch: LaneBatch): string {
  const d = batch.detail;
  const parts = [`${d.ops} op(s)`];
  if (d.deposits > 0) parts.push(`${d.deposits} deposit(s)`);
  if (d.trades > 0) parts.push(`${d.trades} trade(s)`);
  if (d.withdrawals > 0) parts.push(`${d.withdrawals} withdrawal(s)`);
  if (d.liquidations > 0) parts.push(`${d.liquidations} liquidation(s)`);
  return parts.join(", ");
}

