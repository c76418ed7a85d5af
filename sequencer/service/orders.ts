/**
 * The order desk: an order's checks (market, account, signature, replay, order slot, expiry), the
 * matching engine, the pre-trade margin check of every fill -- the batch lane's builder, the rules
 * the circuit enforces -- and the order's, its fills' and its makers' records, all in one store
 * transaction before the acknowledgement. The resting orders' signed bodies live here too: the
 * engine keeps only what matching needs.
 */
import type { TradeOp, CircuitShape } from "../core/batch/index.js";
import { orderHash, type Order, type SignedOrder } from "../core/order.js";
import type { CoreState } from "../core/state.js";
import type { EdDSA, Signature } from "../crypto/babyjub.js";
import type { Poseidon } from "../crypto/poseidon.js";
import { MatchingEngine, type EngineOrder, type Fill, type FillVerdict } from "../engine/index.js";
import { cancelOrderHash } from "./auth.js";
import { ApiError, statusOfReason } from "./errors.js";
import type { SequencerEvent } from "./sequencer.js";
import type { Store } from "./store.js";
import type { FillRecord, OrderRecord, OrderType, StoredOp, TimeInForce } from "./types.js";

export interface OrderRequest {
  readonly order: Order;
  readonly sig: Signature;
  readonly type: OrderType;
  readonly tif: TimeInForce;
}

export interface OrderAck {
  readonly id: string;
  readonly status: OrderRecord["status"];
  readonly filled: bigint;
  readonly remaining: bigint;
  readonly resting: boolean;
  readonly fills: readonly FillRecord[];
  readonly reason?: string;
}

/** What the desk needs from the sequencer around it. */
export interface DeskDeps {
  readonly store: Store;
  readonly poseidon: Poseidon;
  readonly eddsa: Pick<EdDSA, "verify">;
  readonly shape: CircuitShape;
  /** the state an order is checked against: the open batch's working state */
  head(): CoreState;
  /** the batch time orders' expiries are compared with */
  timestamp(): bigint;
  /** adds an operation to the open batch (sealing a full one) */
  addOp(entry: StoredOp): { ok: true; batch: bigint } | { ok: false; reason: string; detail: string };
  emit(event: SequencerEvent): void;
}

export class OrderDesk {
  readonly engine: MatchingEngine;
  private readonly deps: DeskDeps;
  /** resting orders' signed bodies, by id */
  private readonly resting = new Map<string, OrderRecord>();

  constructor(deps: DeskDeps) {
    this.deps = deps;
    this.engine = new MatchingEngine({ markets: deps.shape.markets });
  }

  /** Puts the stored open orders back in the books, in arrival order; returns how many. */
  restore(): number {
    const open = this.deps.store.openOrders();
    for (const o of open) this.resting.set(o.id, o);
    this.engine.restore(open.map(engineOrder), this.deps.store.nextOrderSeq());
    return open.length;
  }

  /**
   * An order: checks, matching, the pre-trade margin check of every fill (the builder, the same
   * rules the circuit enforces), then one transaction storing the order, its fills and their
   * operations. The acknowledgement is returned only after that commit.
   */
  submit(req: OrderRequest): OrderAck {
    const { order, sig } = req;
    const { poseidon, eddsa, shape } = this.deps;
    if (order.market >= BigInt(shape.markets)) throw new ApiError(404, "UnknownMarket", `market ${order.market} does not exist (markets 0..${shape.markets - 1})`);
    const state = this.deps.head();
    if (!state.inRange(order.accountIndex)) throw new ApiError(404, "UnknownAccount", `account ${order.accountIndex} is outside the tree (2^${shape.depth})`);
    const account = state.account(order.accountIndex);
    if (account.isEmpty) throw new ApiError(404, "UnknownAccount", `no account at index ${order.accountIndex}`);
    if (!eddsa.verify({ x: account.pkX, y: account.pkY }, orderHash(poseidon, order), sig)) throw new ApiError(401, "BadSignature", "the signature does not verify under the account's key");
    const id = `${order.accountIndex}:${order.orderId}`;
    if (this.deps.store.order(id) !== undefined) throw new ApiError(409, "DuplicateOrder", `order ${id} was already received`);
    const slot = state.orders(order.accountIndex).slot(state.slots.slotIndex(order.orderId));
    if (slot.id > order.orderId) throw new ApiError(409, "StaleOrderId", `the order slot holds the newer order id ${slot.id}`);
    const timestamp = this.deps.timestamp();
    if (order.expiry < timestamp) throw new ApiError(400, "OrderExpired", `expiry ${order.expiry} is before the batch time ${timestamp}`);
    const type = req.type;
    const tif: TimeInForce = type === "market" ? "IOC" : req.tif;

    const outcome = this.deps.store.transaction((): OrderAck | ApiError => {
      // A new id in a slot supersedes the order resting there: that one can never fill again.
      for (const other of this.engine.ordersOf(order.accountIndex)) {
        const rec = this.resting.get(other.id);
        if (rec !== undefined && state.slots.slotIndex(rec.order.orderId) === state.slots.slotIndex(order.orderId)) this.closeResting(other.id, "cancelled", `superseded by order ${id} in the same slot`);
      }
      // Refused orders use up engine sequence numbers without a row: take the larger of the two.
      const seq = Math.max(this.deps.store.nextOrderSeq(), this.engine.sequence);
      const signed: SignedOrder = { order, sig };
      const fills: FillRecord[] = [];
      let fillSeq = this.deps.store.nextFillSeq();
      const checkRefusals = new Map<string, string>();
      const check = (fill: Fill): FillVerdict => {
        const maker = this.resting.get(fill.maker);
        if (maker === undefined) return { ok: false, reject: "maker", reason: "maker order unknown" };
        const op: TradeOp = { kind: "trade", taker: signed, maker: { order: maker.order, sig: maker.sig }, fill: fill.size, price: fill.price };
        const result = this.deps.addOp({ op, origin: "trade", fill: fillSeq });
        if (!result.ok) {
          const reason = `${result.reason}: ${result.detail}`;
          checkRefusals.set(reason, result.reason);
          return { ok: false, reject: result.detail.startsWith("B") ? "maker" : "taker", reason };
        }
        fills.push({
          seq: fillSeq++,
          batch: result.batch,
          market: fill.market,
          side: fill.side,
          price: fill.price,
          size: fill.size,
          takerOrder: id,
          makerOrder: fill.maker,
          takerAccount: fill.takerAccount,
          makerAccount: fill.makerAccount,
          status: "pending",
          createdMs: Date.now(),
        });
        return { ok: true };
      };
      const result = this.engine.submit(
        { id, account: order.accountIndex, market: Number(order.market), side: order.side, price: order.limitPrice, size: order.size, expiry: order.expiry, type, tif, seq },
        check,
        { now: timestamp },
      );
      if (result.rejected !== undefined) return new ApiError(result.rejected.includes("post") ? 409 : 400, "OrderRejected", result.rejected);
      const takerCancel = result.cancelled.find((c) => c.role === "taker");
      const refusal = checkRefusals.get(takerCancel?.reason ?? "");
      if (fills.length === 0 && !result.resting && result.cancelled.every((c) => c.role === "taker") && refusal !== undefined) {
        // Refused at its first fill (margin, most often) and nothing else moved: a 4xx, nothing stored.
        return new ApiError(statusOfReason(refusal), refusal, takerCancel!.reason.slice(refusal.length + 2));
      }
      const status: OrderRecord["status"] = result.resting ? "open" : result.remaining === 0n ? "filled" : "cancelled";
      const reason = takerCancel?.reason ?? (result.remaining > 0n && !result.resting ? "not filled at once (IOC)" : undefined);
      const record: OrderRecord = { id, seq, order, sig, type, tif, status, filled: result.filled, ...(reason === undefined ? {} : { reason }), createdMs: Date.now() };
      this.deps.store.insertOrder(record);
      if (result.resting) this.resting.set(id, record);
      for (const f of fills) {
        this.deps.store.insertFill(f);
        const maker = this.resting.get(f.makerOrder)!;
        const filled = maker.filled + f.size;
        const done = filled === maker.order.size;
        this.deps.store.updateOrder(maker.id, done ? "filled" : "open", filled);
        if (done) this.resting.delete(maker.id);
        else this.resting.set(maker.id, { ...maker, filled });
        this.deps.emit({ type: "order", id: maker.id, status: done ? "filled" : "open", filled });
      }
      for (const c of result.cancelled) if (c.role === "maker") this.closeResting(c.id, "cancelled", c.reason, false);
      for (const f of fills) this.deps.emit({ type: "fill", fill: f });
      this.deps.emit({ type: "order", id, status, filled: result.filled, ...(reason === undefined ? {} : { reason }) });
      return { id, status, filled: result.filled, remaining: result.remaining, resting: result.resting, fills, ...(reason === undefined ? {} : { reason }) };
    });
    // A refusal is thrown after the commit: whatever the lane did meanwhile (a seal) stays recorded.
    if (outcome instanceof ApiError) throw outcome;
    return outcome;
  }

  /** The owner cancels a resting order (signed TAG_CANCEL_ORDER message). */
  cancel(accountIndex: bigint, orderId: bigint, sig: Signature): { id: string; remaining: bigint } {
    const id = `${accountIndex}:${orderId}`;
    const rec = this.resting.get(id);
    if (rec === undefined) throw new ApiError(404, "UnknownOrder", `no resting order ${id}`);
    const account = this.deps.head().account(accountIndex);
    if (!this.deps.eddsa.verify({ x: account.pkX, y: account.pkY }, cancelOrderHash(this.deps.poseidon, accountIndex, orderId), sig)) {
      throw new ApiError(401, "BadSignature", "the cancel signature does not verify under the account's key");
    }
    const remaining = rec.order.size - rec.filled;
    this.deps.store.transaction(() => this.closeResting(id, "cancelled", "cancelled by owner"));
    return { id, remaining };
  }

  closeResting(id: string, status: "cancelled", reason: string, removeFromEngine = true): void {
    const rec = this.resting.get(id);
    if (rec === undefined) return;
    if (removeFromEngine) this.engine.cancel(id);
    this.resting.delete(id);
    this.deps.store.updateOrder(id, status, rec.filled, reason);
    this.deps.emit({ type: "order", id, status, filled: rec.filled, reason });
  }

  /** Removes the orders whose expiry is before `now` (the batch time). */
  expire(now: bigint): void {
    const expired = this.engine.expire(now);
    if (expired.length === 0) return;
    this.deps.store.transaction(() => {
      for (const o of expired) {
        const rec = this.resting.get(o.id);
        if (rec === undefined) continue;
        this.resting.delete(o.id);
        this.deps.store.updateOrder(o.id, "cancelled", rec.filled, "expired");
        this.deps.emit({ type: "order", id: o.id, status: "cancelled", filled: rec.filled, reason: "expired" });
      }
    });
  }
}

function engineOrder(o: OrderRecord): EngineOrder {
  return {
    id: o.id,
    account: o.order.accountIndex,
    market: Number(o.order.market),
    side: o.order.side,
    price: o.order.limitPrice,
    size: o.order.size,
    filled: o.filled,
    expiry: o.order.expiry,
    type: o.type,
    tif: o.tif,
    seq: o.seq,
  };
}
