/** Every rejection reason of the batch builder, each leaving the working state exactly as it was. */
import { beforeAll, describe, expect, it } from "vitest";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import type { BatchBuilder, Op, RejectReason } from "../sequencer/core/batch/index.js";
import { AMOUNT_BITS, Side } from "../sequencer/core/constants.js";
import { liquidationHash, signWithdrawal, type Order } from "../sequencer/core/order.js";
import type { CoreState } from "../sequencer/core/state.js";
import { builder, coreKit, deposit, genesis, nextContext, runBatch, SHAPE, signed, type CoreKit } from "./helpers/core.js";

let kit: CoreKit;
let s1: CoreState; // 0 backstop, 1..3 funded
let s2: CoreState; // 1 long 100 of market 0 against 2 (liquidatable below 895.26)

const order = (o: Partial<Order> & Pick<Order, "accountIndex" | "side">): Order => ({
  market: 0n,
  size: 100n,
  limitPrice: 1000n,
  expiry: 5_000n,
  orderId: 1n,
  ...o,
});

function trade(over: { taker?: Partial<Order>; maker?: Partial<Order>; takerKey?: number; makerKey?: number; fill?: bigint; price?: bigint } = {}): Op {
  const t = order({ accountIndex: 1n, side: Side.Buy, ...over.taker });
  const m = order({ accountIndex: 2n, side: Side.Sell, ...over.maker });
  return {
    kind: "trade",
    taker: signed(kit, over.takerKey ?? 1, t),
    maker: signed(kit, over.makerKey ?? 2, m),
    fill: over.fill ?? 10n,
    price: over.price ?? 1000n,
  };
}

/** Adds `op`, expects `reason`, and checks that nothing observable changed. */
function expectRejected(b: BatchBuilder, op: Op, reason: RejectReason): void {
  const root = b.state.root;
  const ledger = b.state.ledger;
  const size = b.size;
  const result = b.add(op);
  expect(result).toMatchObject({ ok: false, reason });
  expect(b.state.root).toBe(root);
  expect(b.state.ledger).toEqual(ledger);
  expect(b.size).toBe(size);
}

beforeAll(async () => {
  kit = await coreKit(4);
  s1 = runBatch(kit, genesis(kit), [
    deposit(kit, 0n, 0, 10n ** 12n),
    deposit(kit, 1n, 1, 15_000n),
    deposit(kit, 2n, 2, 50_000n),
    deposit(kit, 3n, 3, 20_000n),
  ]).state;
  s2 = runBatch(kit, s1, [trade({ taker: { orderId: 9n }, maker: { orderId: 9n, size: 500n }, fill: 100n })]).state;
});

describe("builder rejections", () => {
  it("BatchFull", () => {
    const b = builder(kit, s1, nextContext(s1), { ...SHAPE, opsPerBatch: 2 });
    expect(b.add({ kind: "recertify", index: 1n }).ok).toBe(true);
    expect(b.add({ kind: "recertify", index: 2n }).ok).toBe(true);
    expectRejected(b, { kind: "recertify", index: 3n }, "BatchFull");
  });

  it("OutOfRange and AmountOutOfRange, before any hashing", () => {
    const b = builder(kit, s1);
    const pk = kit.keys[1]!.pub;
    expectRejected(b, { kind: "deposit", index: 1n, pkX: SNARK_FIELD_SIZE, pkY: pk.y, amount: 1n }, "OutOfRange");
    expectRejected(b, { kind: "deposit", index: 1n, pkX: pk.x, pkY: pk.y, amount: 0n }, "AmountOutOfRange");
    expectRejected(b, { kind: "deposit", index: 1n, pkX: pk.x, pkY: pk.y, amount: 2n ** BigInt(AMOUNT_BITS) }, "AmountOutOfRange");
    const sig = kit.keys[1]!.sign(1n);
    expectRejected(b, { kind: "withdrawal", index: 1n, amount: 0n, l1Address: 1n, nonce: 0n, sig }, "AmountOutOfRange");
    expectRejected(b, { kind: "withdrawal", index: 1n, amount: 1n, l1Address: 2n ** 160n, nonce: 0n, sig }, "OutOfRange");
    expectRejected(b, { kind: "withdrawal", index: 1n, amount: 1n, l1Address: 1n, nonce: -1n, sig }, "OutOfRange");
    expectRejected(b, trade({ fill: 0n }), "OutOfRange");
    expectRejected(b, trade({ fill: 2n ** 47n }), "OutOfRange");
    expectRejected(b, trade({ price: 0n }), "OutOfRange");
    expectRejected(b, trade({ taker: { orderId: 0n } }), "OutOfRange");
    expectRejected(b, trade({ maker: { limitPrice: 2n ** 48n } }), "OutOfRange");
    // Unsignable (Poseidon refuses -1): the range check must come before any hashing.
    const good = trade() as Extract<Op, { kind: "trade" }>;
    expectRejected(b, { ...good, maker: { ...good.maker, order: { ...good.maker.order, accountIndex: -1n } } }, "OutOfRange");
    expectRejected(b, { ...good, maker: { ...good.maker, sig: { ...good.maker.sig, R8y: SNARK_FIELD_SIZE } } }, "OutOfRange");
  });

  it("IndexOutOfRange, UnknownAccount, KeyMismatch", () => {
    const b = builder(kit, s1);
    expectRejected(b, deposit(kit, 64n, 1, 10n), "IndexOutOfRange");
    expectRejected(b, deposit(kit, 1n, 2, 10n), "KeyMismatch");
    expectRejected(b, { kind: "recertify", index: 9n }, "UnknownAccount");
    expectRejected(b, trade({ maker: { accountIndex: 9n } }), "UnknownAccount");
    expectRejected(b, { kind: "liquidation", liquidated: 9n, receiver: 0n }, "UnknownAccount");
    // The backstop must exist to receive positions.
    const empty0 = runBatch(kit, genesis(kit), [deposit(kit, 1n, 1, 10n)]).state;
    expectRejected(builder(kit, empty0), { kind: "liquidation", liquidated: 1n, receiver: 0n }, "UnknownAccount");
  });

  it("UnknownMarket, MarketMismatch, SameAccount, SameSide", () => {
    const b = builder(kit, s1);
    expectRejected(b, trade({ taker: { market: 2n }, maker: { market: 2n } }), "UnknownMarket");
    expectRejected(b, trade({ maker: { market: 1n, limitPrice: 1000n } }), "MarketMismatch");
    expectRejected(b, trade({ maker: { accountIndex: 1n }, makerKey: 1 }), "SameAccount");
    expectRejected(b, trade({ maker: { side: Side.Buy } }), "SameSide");
    expectRejected(builder(kit, s2, nextContext(s2, { prices: [800n, 50n] })), { kind: "liquidation", liquidated: 1n, receiver: 1n, nonce: 0n, sig: kit.keys[1]!.sign(1n) }, "SameAccount");
  });

  it("BadSignature and BadNonce", () => {
    const b = builder(kit, s1);
    expectRejected(b, trade({ takerKey: 3 }), "BadSignature");
    expectRejected(b, trade({ makerKey: 1 }), "BadSignature");
    // A signature over other order fields.
    const good = trade() as Extract<Op, { kind: "trade" }>;
    expectRejected(b, { ...good, taker: { ...good.taker, order: { ...good.taker.order, size: 101n } } }, "BadSignature");
    const w = { accountIndex: 1n, amount: 5n, l1Address: 7n, nonce: 0n };
    const wsig = signWithdrawal(kit.poseidon, kit.keys[1]!, w);
    expectRejected(b, { kind: "withdrawal", index: 1n, amount: 6n, l1Address: 7n, nonce: 0n, sig: wsig }, "BadSignature");
    expectRejected(b, { kind: "withdrawal", index: 1n, amount: 5n, l1Address: 7n, nonce: 1n, sig: wsig }, "BadNonce");
    expectRejected(b, { kind: "withdrawal", index: 1n, amount: 5n, l1Address: 7n, nonce: 0n, sig: { ...wsig, S: wsig.S + kit.eddsa.subOrder } }, "BadSignature");
    const lb = builder(kit, s2, nextContext(s2, { prices: [895n, 50n] }));
    expectRejected(lb, { kind: "liquidation", liquidated: 1n, receiver: 3n }, "BadSignature");
    const lsig = kit.keys[3]!.sign(liquidationHash(kit.poseidon, { liquidatorIndex: 3n, liquidatedIndex: 1n, nonce: 0n }));
    expectRejected(lb, { kind: "liquidation", liquidated: 1n, receiver: 3n, nonce: 1n, sig: lsig }, "BadNonce");
    expectRejected(lb, { kind: "liquidation", liquidated: 1n, receiver: 2n, nonce: 0n, sig: lsig }, "BadSignature");
  });

  it("OrderExpired and PriceOutsideLimit", () => {
    const b = builder(kit, s1, nextContext(s1, { timestamp: 5_001n }));
    expectRejected(b, trade(), "OrderExpired");
    const c = builder(kit, s1, nextContext(s1, { timestamp: 5_000n }));
    expectRejected(c, trade({ taker: { limitPrice: 999n } }), "PriceOutsideLimit");
    expectRejected(c, trade({ maker: { limitPrice: 1001n } }), "PriceOutsideLimit");
    expect(c.add(trade({ taker: { limitPrice: 1000n }, maker: { limitPrice: 1000n } })).ok).toBe(true); // both limits inclusive, expiry inclusive
  });

  it("StaleOrderId and Overfill", () => {
    const b = builder(kit, s2);
    // Slot 1 of account 1 holds order 9 (filled 100 of 100); account 2's holds order 9 (100 of 500).
    expectRejected(b, trade({ taker: { orderId: 1n } }), "StaleOrderId");
    expectRejected(b, trade({ taker: { orderId: 9n }, maker: { orderId: 10n } }), "Overfill");
    expectRejected(b, trade({ taker: { orderId: 17n }, maker: { orderId: 9n, size: 500n }, fill: 401n }), "Overfill");
  });

  it("InsufficientMargin for trades, withdrawals and liquidators; a reducing trade is allowed", () => {
    const b = builder(kit, s1);
    // 15000 of collateral carries at most ~150 lots at 10% initial margin.
    expectRejected(b, trade({ taker: { size: 200n }, fill: 200n }), "InsufficientMargin");
    const w = { accountIndex: 1n, amount: 15_000n, l1Address: 7n, nonce: 0n };
    expect(b.add({ kind: "withdrawal", ...{ index: 1n, amount: 15_000n, l1Address: 7n, nonce: 0n }, sig: signWithdrawal(kit.poseidon, kit.keys[1]!, w) }).ok).toBe(true);
    const w2 = { accountIndex: 2n, amount: 50_001n, l1Address: 7n, nonce: 0n };
    expectRejected(b, { kind: "withdrawal", index: 2n, amount: 50_001n, l1Address: 7n, nonce: 0n, sig: signWithdrawal(kit.poseidon, kit.keys[2]!, w2) }, "InsufficientMargin");
    // Account 1 (long 100 at 1000 on 15000) cannot add more at 950, but may sell to reduce.
    const c = builder(kit, s2, nextContext(s2, { prices: [950n, 50n] }));
    expectRejected(c, trade({ taker: { orderId: 17n, limitPrice: 950n }, maker: { orderId: 17n, limitPrice: 950n }, price: 950n }), "InsufficientMargin");
    const reduce = trade({ taker: { side: Side.Sell, orderId: 17n, limitPrice: 950n }, maker: { side: Side.Buy, orderId: 17n, limitPrice: 950n }, price: 950n });
    expect(c.add(reduce).ok).toBe(true);
    // A liquidator of thin collateral cannot take 100 lots.
    const d = builder(kit, s2, nextContext(s2, { prices: [895n, 50n] }));
    const small = runBatch(kit, s2, [deposit(kit, 5n, 3, 100n)], { prices: [1000n, 50n] }).state;
    const e = builder(kit, small, nextContext(small, { prices: [895n, 50n] }));
    const sig = kit.keys[3]!.sign(liquidationHash(kit.poseidon, { liquidatorIndex: 5n, liquidatedIndex: 1n, nonce: 0n }));
    expectRejected(e, { kind: "liquidation", liquidated: 1n, receiver: 5n, nonce: 0n, sig }, "InsufficientMargin");
    expect(d.add({ kind: "liquidation", liquidated: 1n, receiver: 0n }).ok).toBe(true);
  });

  it("NotLiquidatable and InsuranceExhausted", () => {
    expectRejected(builder(kit, s2), { kind: "liquidation", liquidated: 1n, receiver: 0n }, "NotLiquidatable");
    // At 840 account 1 is 1050 short of zero and the fund is empty.
    const b = builder(kit, s2, nextContext(s2, { prices: [840n, 50n] }));
    expectRejected(b, { kind: "liquidation", liquidated: 1n, receiver: 0n }, "InsuranceExhausted");
  });

  it("Overflow of the fee pool", () => {
    const full = s1.clone();
    full.setLedger({ ...full.ledger, fees: 2n ** 64n - 10n });
    const b = builder(kit, full);
    expectRejected(b, trade(), "Overflow"); // 2 * ceil(10 * 1000 * 0.05%) = 10 more reaches 2^64
    expect(b.add(trade({ fill: 8n })).ok).toBe(true); // 2 * 4 = 8 more stays below
  });

  it("Overflow of collateral", () => {
    const big = 2n ** BigInt(AMOUNT_BITS) - 1n;
    const b = builder(kit, s1);
    // c reaches 2^63 - 2, then one more deposit would pass the signed 64-bit range.
    expect(b.add(deposit(kit, 5n, 1, big)).ok).toBe(true);
    expect(b.add(deposit(kit, 5n, 1, big)).ok).toBe(true);
    expectRejected(b, deposit(kit, 5n, 1, big), "Overflow");
    expect(b.add(deposit(kit, 5n, 1, 1n)).ok).toBe(true);
    expect(b.state.account(5n).collateral).toBe(2n ** 63n - 1n);
  });

  it("NoValidCertificate: a deposit too small to rescue an unhealthy account", () => {
    const b = builder(kit, s2, nextContext(s2, { prices: [890n, 50n] }));
    expectRejected(b, deposit(kit, 1n, 1, 10n), "NoValidCertificate");
    expectRejected(b, { kind: "recertify", index: 1n }, "NoValidCertificate");
    expect(b.add(deposit(kit, 1n, 1, 10_000n)).ok).toBe(true); // enough: re-certified by the deposit
    expect(b.violations()).toEqual([]);
  });
});
