/**
 * The sequencer's durable record, in an embedded SQLite database (Node's built-in `node:sqlite`, so
 * nothing native is compiled at install). What is here is what a restart rebuilds from:
 *
 * - orders: every acknowledged order with its fill progress and status;
 * - fills: every match, with the batch that carries it;
 * - ops: each batch's accepted operations in slot order (a batch is rebuilt by replaying them);
 * - batches: context (timestamp, prices and rounds, funding), status, proof, gas, transaction;
 * - snapshots: the whole state after a verified batch (the replay's starting point);
 * - meta: the salt secret and the deployment this database belongs to.
 *
 * Every write the sequencer acknowledges happens in one transaction before the acknowledgement.
 * The journal is WAL; `synchronous` is NORMAL by default, which survives a killed process (the
 * case the tests exercise) but not a power cut; `durability: "full"` fsyncs every commit.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { randomBytes } from "node:crypto";
import type { CoreStateJSON } from "../core/state.js";
import { fromJSONText, toJSONText } from "./codec.js";
import type { BatchRecord, BatchStatus, FillRecord, FillStatus, OrderRecord, OrderStatus, StoredOp } from "./types.js";

const SCHEMA_VERSION = "1";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, account TEXT NOT NULL, body TEXT NOT NULL,
  status TEXT NOT NULL, filled TEXT NOT NULL, reason TEXT, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS orders_open ON orders (status) WHERE status = 'open';
CREATE INDEX IF NOT EXISTS orders_account ON orders (account);
CREATE TABLE IF NOT EXISTS fills (
  seq INTEGER PRIMARY KEY, batch INTEGER NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS fills_batch ON fills (batch);
CREATE TABLE IF NOT EXISTS ops (
  batch INTEGER NOT NULL, pos INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (batch, pos));
CREATE TABLE IF NOT EXISTS batches (
  number INTEGER PRIMARY KEY, status TEXT NOT NULL, generation INTEGER NOT NULL, context TEXT NOT NULL,
  root TEXT, proof TEXT, detail TEXT NOT NULL, updated_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (batch INTEGER PRIMARY KEY, state TEXT NOT NULL);
`;

export interface StoreOptions {
  /** a file path, or ":memory:" */
  readonly path: string;
  readonly durability?: "normal" | "full";
}

export class Store {
  readonly db: DatabaseSync;
  private readonly stmts: Record<string, StatementSync> = {};
  private depth = 0;

  constructor(opts: StoreOptions) {
    this.db = new DatabaseSync(opts.path);
    this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec(`PRAGMA synchronous = ${opts.durability === "full" ? "FULL" : "NORMAL"}`);
    this.db.exec("PRAGMA foreign_keys = ON");
    this.db.exec(SCHEMA);
    const version = this.meta("schema");
    if (version === undefined) this.setMeta("schema", SCHEMA_VERSION);
    else if (version !== SCHEMA_VERSION) throw new Error(`store schema ${version}, this sequencer reads ${SCHEMA_VERSION}`);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Runs `fn` in one transaction: all of its writes land, or none (an exception rolls back). A
   * transaction inside another joins it: the outer one decides.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) {
      this.depth += 1;
      try {
        return fn();
      } finally {
        this.depth -= 1;
      }
    }
    this.db.exec("BEGIN IMMEDIATE");
    this.depth = 1;
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    } finally {
      this.depth = 0;
    }
  }

  private stmt(sql: string): StatementSync {
    let s = this.stmts[sql];
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.stmts[sql] = s;
    }
    return s;
  }

  // ---- meta ----

  meta(key: string): string | undefined {
    const row = this.stmt("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.stmt("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  /** The salt secret, created on first use (saltSource). */
  secret(): Uint8Array {
    let hex = this.meta("secret");
    if (hex === undefined) {
      hex = randomBytes(32).toString("hex");
      this.setMeta("secret", hex);
    }
    return Uint8Array.from(Buffer.from(hex, "hex"));
  }

  /**
   * Binds the database to one deployment: a database made for another rollup (or chain) is refused,
   * so a restart never replays one chain's batches against another.
   */
  bindDeployment(identity: string): void {
    const bound = this.meta("deployment");
    if (bound === undefined) this.setMeta("deployment", identity);
    else if (bound !== identity) throw new Error(`this database belongs to deployment ${bound}, not ${identity}`);
  }

  // ---- orders ----

  nextOrderSeq(): number {
    const row = this.stmt("SELECT COALESCE(MAX(seq), 0) AS s FROM orders").get() as { s: number };
    return row.s + 1;
  }

  insertOrder(o: OrderRecord): void {
    this.stmt("INSERT INTO orders (id, seq, account, body, status, filled, reason, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
      o.id,
      o.seq,
      String(o.order.accountIndex),
      toJSONText({ order: o.order, sig: o.sig, type: o.type, tif: o.tif }),
      o.status,
      String(o.filled),
      o.reason ?? null,
      o.createdMs,
      o.createdMs,
    );
  }

  updateOrder(id: string, status: OrderStatus, filled: bigint, reason?: string): void {
    this.stmt("UPDATE orders SET status = ?, filled = ?, reason = COALESCE(?, reason), updated_ms = ? WHERE id = ?").run(status, String(filled), reason ?? null, Date.now(), id);
  }

  order(id: string): OrderRecord | undefined {
    const row = this.stmt("SELECT * FROM orders WHERE id = ?").get(id) as OrderRow | undefined;
    return row === undefined ? undefined : orderFromRow(row);
  }

  openOrders(): OrderRecord[] {
    return (this.stmt("SELECT * FROM orders WHERE status = 'open' ORDER BY seq").all() as unknown as OrderRow[]).map(orderFromRow);
  }

  ordersOf(account: bigint, limit = 100): OrderRecord[] {
    return (this.stmt("SELECT * FROM orders WHERE account = ? ORDER BY seq DESC LIMIT ?").all(String(account), limit) as unknown as OrderRow[]).map(orderFromRow);
  }

  orderCount(): number {
    return (this.stmt("SELECT COUNT(*) AS n FROM orders").get() as { n: number }).n;
  }

  // ---- fills ----

  nextFillSeq(): number {
    const row = this.stmt("SELECT COALESCE(MAX(seq), 0) AS s FROM fills").get() as { s: number };
    return row.s + 1;
  }

  insertFill(f: FillRecord): void {
    this.stmt("INSERT INTO fills (seq, batch, body, status, created_ms) VALUES (?, ?, ?, ?, ?)").run(f.seq, Number(f.batch), toJSONText(f), f.status, f.createdMs);
  }

  setFillStatus(seq: number, status: FillStatus, batch?: bigint): void {
    if (batch === undefined) this.stmt("UPDATE fills SET status = ? WHERE seq = ?").run(status, seq);
    else this.stmt("UPDATE fills SET status = ?, batch = ? WHERE seq = ?").run(status, Number(batch), seq);
  }

  fills(opts: { batch?: bigint; limit?: number } = {}): FillRecord[] {
    const rows = (
      opts.batch === undefined
        ? this.stmt("SELECT * FROM fills ORDER BY seq DESC LIMIT ?").all(opts.limit ?? 100)
        : this.stmt("SELECT * FROM fills WHERE batch = ? ORDER BY seq").all(Number(opts.batch))
    ) as unknown as FillRow[];
    return rows.map((r) => ({ ...fromJSONText<FillRecord>(r.body), status: r.status as FillStatus, batch: BigInt(r.batch) }));
  }

  fillCount(): number {
    return (this.stmt("SELECT COUNT(*) AS n FROM fills").get() as { n: number }).n;
  }

  // ---- batches and their operations ----

  putBatch(b: BatchRecord): void {
    this.stmt(
      `INSERT INTO batches (number, status, generation, context, root, proof, detail, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (number) DO UPDATE SET status = excluded.status, generation = excluded.generation, context = excluded.context,
         root = excluded.root, proof = excluded.proof, detail = excluded.detail, updated_ms = excluded.updated_ms`,
    ).run(Number(b.number), b.status, b.generation, toJSONText(b.context), b.root === undefined ? null : String(b.root), b.proof === undefined ? null : toJSONText(b.proof), toJSONText(b.detail), Date.now());
  }

  batch(number: bigint): BatchRecord | undefined {
    const row = this.stmt("SELECT * FROM batches WHERE number = ?").get(Number(number)) as BatchRow | undefined;
    return row === undefined ? undefined : batchFromRow(row);
  }

  batches(opts: { after?: bigint; limit?: number; statuses?: readonly BatchStatus[] } = {}): BatchRecord[] {
    const rows = this.stmt("SELECT * FROM batches WHERE number > ? ORDER BY number LIMIT ?").all(Number(opts.after ?? 0n), opts.limit ?? 1_000_000) as unknown as BatchRow[];
    const all = rows.map(batchFromRow);
    return opts.statuses === undefined ? all : all.filter((b) => opts.statuses!.includes(b.status));
  }

  recentBatches(limit: number): BatchRecord[] {
    return (this.stmt("SELECT * FROM batches ORDER BY number DESC LIMIT ?").all(limit) as unknown as BatchRow[]).map(batchFromRow);
  }

  deleteBatch(number: bigint): void {
    this.stmt("DELETE FROM ops WHERE batch = ?").run(Number(number));
    this.stmt("DELETE FROM batches WHERE number = ?").run(Number(number));
  }

  appendOp(batch: bigint, pos: number, op: StoredOp): void {
    this.stmt("INSERT INTO ops (batch, pos, body) VALUES (?, ?, ?)").run(Number(batch), pos, toJSONText(op));
  }

  replaceOps(batch: bigint, ops: readonly StoredOp[]): void {
    this.stmt("DELETE FROM ops WHERE batch = ?").run(Number(batch));
    ops.forEach((op, pos) => this.appendOp(batch, pos, op));
  }

  ops(batch: bigint): StoredOp[] {
    return (this.stmt("SELECT body FROM ops WHERE batch = ? ORDER BY pos").all(Number(batch)) as unknown as { body: string }[]).map((r) => fromJSONText<StoredOp>(r.body));
  }

  // ---- snapshots ----

  putSnapshot(batch: bigint, state: CoreStateJSON, keep = 3): void {
    this.stmt("INSERT OR REPLACE INTO snapshots (batch, state) VALUES (?, ?)").run(Number(batch), JSON.stringify(state));
    this.stmt("DELETE FROM snapshots WHERE batch <= ?").run(Number(batch) - keep);
  }

  latestSnapshot(): { batch: bigint; state: CoreStateJSON } | undefined {
    const row = this.stmt("SELECT batch, state FROM snapshots ORDER BY batch DESC LIMIT 1").get() as { batch: number; state: string } | undefined;
    return row === undefined ? undefined : { batch: BigInt(row.batch), state: JSON.parse(row.state) as CoreStateJSON };
  }
}

interface OrderRow {
  id: string;
  seq: number;
  body: string;
  status: string;
  filled: string;
  reason: string | null;
  created_ms: number;
}

interface FillRow {
  seq: number;
  batch: number;
  body: string;
  status: string;
}

interface BatchRow {
  number: number;
  status: string;
  generation: number;
  context: string;
  root: string | null;
  proof: string | null;
  detail: string;
}

function orderFromRow(r: OrderRow): OrderRecord {
  const body = fromJSONText<Pick<OrderRecord, "order" | "sig" | "type" | "tif">>(r.body);
  return {
    id: r.id,
    seq: r.seq,
    ...body,
    status: r.status as OrderStatus,
    filled: BigInt(r.filled),
    ...(r.reason === null ? {} : { reason: r.reason }),
    createdMs: r.created_ms,
  };
}

function batchFromRow(r: BatchRow): BatchRecord {
  return {
    number: BigInt(r.number),
    status: r.status as BatchStatus,
    generation: r.generation,
    context: fromJSONText(r.context),
    ...(r.root === null ? {} : { root: BigInt(r.root) }),
    ...(r.proof === null ? {} : { proof: fromJSONText(r.proof) }),
    detail: fromJSONText(r.detail),
  };
}
