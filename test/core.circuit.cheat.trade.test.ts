/**
 * A cheating prover against the trade rules of the margin batch circuit (CORE_SPEC §5-7): each test
 * takes an honest batch of the mirror, changes one thing, and expects the witness generator to stop
 * at the constraint of the rule it breaks (template and line), not at some unrelated one. Where the
 * cheat needs a signature to hold, the order is re-signed with its owner's key, so that only the
 * rule under test can catch it. The other rules: test/core.circuit.cheat.test.ts.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { MarginBatchInputs, SealedBatch } from "../sequencer/core/batch/index.js";
import { Side } from "../sequencer/core/constants.js";
import type { Order, SignedOrder } from "../sequencer/core/order.js";
import { coreKit, PARAMS, signed, type CoreKit } from "./helpers/core.js";
import { AT, BAD_SIGNATURE, MarginCircuit, P, sealOps, tampered, withoutInitialMargin, type Place } from "./helpers/coreCircuit.js";
import { ALICE, BOB, CAROL, cheatWorld, keyOf, orderOf, tradeOp, type CheatWorld } from "./helpers/cheatWorld.js";

let kit: CoreKit;
let circuit: MarginCircuit;
let world: CheatWorld;
/** From s3, slot 0: alice's buy order W (id 10, 5 lots, limit 1010; slot 2, where Z (id 6) was)
 * takes bob's sell order V (id 2, limit 990) for 5 at 1000. Slot 1 is a no-op. */
let base: SealedBatch;
/** The same trade with bob as the taker (A) and alice as the maker (B). */
let sellerTakes: SealedBatch;

beforeAll(async () => {
  kit = await coreKit(4);
  circuit = await MarginCircuit.load(inject("marginTest"));
  world = cheatWorld(kit);
  const w = orderOf(kit, { accountIndex: ALICE, side: Side.Buy, size: 5n, orderId: 10n });
  const v = orderOf(kit, { accountIndex: BOB, side: Side.Sell, orderId: 2n });
  base = sealOps(kit, world.s3, [tradeOp(w, v, 5n)]);
  sellerTakes = sealOps(kit, world.s3, [tradeOp(v, w, 5n)]);
});

const [A, B] = [0, 1];
const cheat = (f: (i: MarginBatchInputs) => void): MarginBatchInputs => tampered(base.inputs, f);
const fails = (inputs: MarginBatchInputs, ...at: [Place, string][]): Promise<void> => circuit.expectFailsAt(inputs, ...at);

/** Slot 0's order j as the inputs state it. */
function orderIn(i: MarginBatchInputs, j: number): Order {
  return {
    accountIndex: i.accIndex[0]![j]!,
    market: i.orderMarket[0]![j]!,
    side: Number(i.orderSide[0]![j]!) as Side,
    size: i.orderSize[0]![j]!,
    limitPrice: i.orderLimit[0]![j]!,
    expiry: i.orderExpiry[0]![j]!,
    orderId: i.orderId[0]![j]!,
  };
}

/** Writes a signed order as order j of slot 0 (fields and signature). */
function put(i: MarginBatchInputs, j: number, { order: o, sig }: SignedOrder): void {
  [i.orderMarket[0]![j], i.orderSide[0]![j], i.orderSize[0]![j], i.orderLimit[0]![j], i.orderExpiry[0]![j], i.orderId[0]![j]] = [o.market, BigInt(o.side), o.size, o.limitPrice, o.expiry, o.orderId];
  [i.sigR8x[0]![j], i.sigR8y[0]![j], i.sigS[0]![j]] = [sig.R8x, sig.R8y, sig.S];
}

/** Order j of slot 0 with `change` applied, re-signed by its owner's key: the signature holds. */
function resign(i: MarginBatchInputs, j: number, change: Partial<Order>): void {
  const o = { ...orderIn(i, j), ...change };
  put(i, j, signed(kit, keyOf(o.accountIndex), o));
}

describe("a cheating prover fails on trades", () => {
  it("the untampered batches pass, and re-signing an order unchanged is harmless (so each failure is the tamper's)", async () => {
    await circuit.expectAccepted(base, true);
    await circuit.expectAccepted(sellerTakes);
    expect(await circuit.publicSignals(cheat((i) => resign(i, A, {})))).toEqual(base.publicSignals);
  });

  it("a wrong, a missing, another order's and a malleated signature fail the EdDSA check", async () => {
    await fails(cheat((i) => (i.sigS[0]![A]! += 1n)), ...BAD_SIGNATURE);
    await fails(cheat((i) => ([i.sigR8x[0]![A], i.sigR8y[0]![A], i.sigS[0]![A]] = [0n, 0n, 0n])), ...BAD_SIGNATURE);
    // Bob's signature of order Y, a real one, on order V.
    await fails(cheat((i) => ([i.sigR8x[0]![B], i.sigR8y[0]![B], i.sigS[0]![B]] = [world.y.sig.R8x, world.y.sig.R8y, world.y.sig.S])), ...BAD_SIGNATURE);
    // S + l is the same point times the base (l its order): refused as S >= l, not as a bad equation.
    await fails(cheat((i) => (i.sigS[0]![A]! += kit.eddsa.subOrder)), [AT.eddsa, "compConstant.out*enabled === 0;"]);
  });

  it("an order field changed under the old signature fails the EdDSA check", async () => {
    await fails(cheat((i) => (i.orderLimit[0]![A] = 1020n)), ...BAD_SIGNATURE); // a higher limit than alice signed
    await fails(cheat((i) => (i.orderSize[0]![B] = 1000n)), ...BAD_SIGNATURE); // a larger order than bob signed
    await fails(cheat((i) => (i.orderExpiry[0]![A] = 2n ** 39n)), ...BAD_SIGNATURE);
  });

  it("a price beyond the buyer's limit fails, whether the buyer is the taker or the maker", async () => {
    const buyer: [Place, string] = [AT.trade, "enabled * (1 - buyerOk) === 0;"];
    await fails(cheat((i) => (i.execPrice[0] = 1011n)), buyer);
    await fails(tampered(sellerTakes.inputs, (i) => (i.execPrice[0] = 1011n)), buyer);
  });

  it("a price below the seller's limit fails, whether the seller is the maker or the taker", async () => {
    const seller: [Place, string] = [AT.trade, "enabled * (1 - sellerOk) === 0;"];
    await fails(cheat((i) => (i.execPrice[0] = 989n)), seller);
    await fails(tampered(sellerTakes.inputs, (i) => (i.execPrice[0] = 989n)), seller);
  });

  it("filling past the order's size fails (alice's W has 5 lots)", async () => {
    await fails(cheat((i) => (i.fill[0] = 6n)), [AT.orderSlot, "enabled * (1 - withinSize) === 0;"]);
  });

  it("replaying a fully filled order: the honest slot witness overfills, a stale one misses the slot root", async () => {
    // Maker side: bob's order Y (100 lots, all filled in t1 and t2) instead of V, with Y's signature.
    const replayY = (slot: { id: bigint; filled: bigint; siblings: bigint[] }) =>
      cheat((i) => {
        put(i, B, world.y);
        [i.slotId[0]![B], i.slotFilled[0]![B], i.slotSiblings[0]![B]] = [slot.id, slot.filled, slot.siblings];
      });
    const bobSlots = world.s3.orders(BOB);
    expect(bobSlots.slot(1n)).toEqual({ id: 1n, filled: 100n });
    await fails(replayY({ ...bobSlots.slot(1n), siblings: bobSlots.witness(1n) }), [AT.orderSlot, "enabled * (1 - withinSize) === 0;"]);
    const t1 = world.t1.inputs; // Y's slot as it was before its first fill
    await fails(replayY({ id: t1.slotId[0]![B]!, filled: t1.slotFilled[0]![B]!, siblings: t1.slotSiblings[0]![B]! }), [AT.orderSlot, "enabled * (oldRoot - rootIn) === 0;"]);

    // Taker side: alice's order X (20 lots, filled in t1) in place of Z in t2's first trade.
    const aliceSlots = world.s2.orders(ALICE);
    const replayX = tampered(world.t2.inputs, (i) => {
      put(i, A, world.x);
      [i.slotId[0]![A], i.slotFilled[0]![A], i.slotSiblings[0]![A]] = [1n, 20n, aliceSlots.witness(1n)];
    });
    await fails(replayX, [AT.orderSlot, "enabled * (1 - withinSize) === 0;"]);
  });

  it("an order id older than its slot's fails (slot 2 holds id 6; alice signs id 2)", async () => {
    expect(base.inputs.slotId[0]![A]).toBe(6n);
    await fails(cheat((i) => resign(i, A, { orderId: 2n })), [AT.orderSlot, "enabled * (1 - newer - same) === 0;"]);
  });

  it("order id 0 fails, though the slot would take it", async () => {
    await fails(cheat((i) => resign(i, A, { orderId: 0n })), [AT.orderSlot, "enabled * idIsZero === 0;"]);
  });

  it("the same account on both sides fails, even with both orders signed by it", async () => {
    const selfTrade = cheat((i) => {
      resign(i, B, { accountIndex: ALICE });
      i.accIndex[0]![B] = ALICE;
    });
    await fails(selfTrade, [AT.trade, "enabled * sameAccount === 0;"]);
  });

  it("two buy orders fail; a side that is not 0 or 1 fails", async () => {
    await fails(cheat((i) => resign(i, B, { side: Side.Buy })), [AT.trade, "enabled * (orderSide[0] + orderSide[1] - 1) === 0;"]);
    await fails(cheat((i) => resign(i, A, { side: 2 as Side })), [AT.trade, "orderSide[0] * (1 - orderSide[0]) === 0;"]);
  });

  it("orders in different markets fail", async () => {
    await fails(cheat((i) => resign(i, B, { market: 1n })), [AT.trade, "enabled * (orderMarket[0] - orderMarket[1]) === 0;"]);
  });

  it("a market index >= M fails, with both orders signed for it", async () => {
    const beyond = cheat((i) => {
      resign(i, A, { market: 2n });
      resign(i, B, { market: 2n });
    });
    await fails(beyond, [AT.trade, "enabled * (1 - selected) === 0;"]);
  });

  it("an expired order fails (expiry one second before the batch); expiring at the batch's time is fine", async () => {
    const ts = base.inputs.timestamp;
    await fails(cheat((i) => resign(i, B, { expiry: ts - 1n })), [AT.trade, "enabled * (1 - live[j]) === 0;"]);
    const last = orderOf(kit, { accountIndex: ALICE, side: Side.Buy, size: 5n, orderId: 10n, expiry: ts });
    await circuit.expectAccepted(sealOps(kit, world.s3, [tradeOp(last, orderOf(kit, { accountIndex: BOB, side: Side.Sell, orderId: 2n }), 5n)]));
  });

  it("fills at 2^47, 0 and negative (p - 1, p - 5) fail the fill's range", async () => {
    const fill: [Place, string] = [AT.trade, "positive[0].in <== fill;"];
    for (const bad of [2n ** 47n, P - 1n, P - 5n, -1n]) await fails(cheat((i) => (i.fill[0] = bad)), fill, [AT.positive, "_ = Num2Bits(B)(in);"]);
    await fails(cheat((i) => (i.fill[0] = 0n)), fill, [AT.positive, "enabled * zero === 0;"]);
  });

  it("execution prices at 2^48, 0 and negative fail the price's range", async () => {
    const price: [Place, string] = [AT.trade, "positive[3].in <== execPrice;"];
    for (const bad of [2n ** 48n, P - 1n, P - 5n]) await fails(cheat((i) => (i.execPrice[0] = bad)), price, [AT.positive, "_ = Num2Bits(B)(in);"]);
    await fails(cheat((i) => (i.execPrice[0] = 0n)), price, [AT.positive, "enabled * zero === 0;"]);
  });

  it("signed order sizes, limits and expiries out of range fail their range checks", async () => {
    await fails(cheat((i) => resign(i, A, { size: 2n ** 47n })), [AT.trade, "positive[1].in <== orderSize[0];"]);
    await fails(cheat((i) => resign(i, A, { limitPrice: 0n })), [AT.trade, "positive[4].in <== orderLimit[0];"], [AT.positive, "enabled * zero === 0;"]);
    await fails(cheat((i) => resign(i, B, { expiry: 2n ** 40n })), [AT.trade, "_ = Num2Bits(TIME_BITS())(orderExpiry[j]);"]);
  });

  it("an empty account cannot trade (claimed empty as B)", async () => {
    await fails(cheat((i) => (i.accIsEmpty[0]![B] = 1n)), [AT.slot, "accIsEmpty[1] * op.touchB === 0;"]);
  });

  it("a trade that leaves the taker or the maker below initial margin without reducing fails", async () => {
    // Carol (70 lots, equity 11,965) buys 50 more: initial margin 12,000 > 11,940 left. A mirror
    // without the initial-margin rule accepts it; the real parameters go back in.
    const real = { imr: base.inputs.imr, paramsHash: base.inputs.paramsHash };
    const loose = withoutInitialMargin(PARAMS);
    const buy = orderOf(kit, { accountIndex: CAROL, side: Side.Buy, size: 50n, limitPrice: 1000n, orderId: 2n });
    const sell = orderOf(kit, { accountIndex: BOB, side: Side.Sell, orderId: 2n });
    for (const [ops, snippet] of [
      [[tradeOp(buy, sell, 50n)], "(op.isWithdraw + tradeNeedsA) * initialShort[0] === 0;"],
      [[tradeOp(sell, buy, 50n)], "(tradeNeedsB + isTakeOver) * initialShort[1] === 0;"],
    ] as const) {
      const lax = sealOps(kit, world.s3, [...ops], { params: loose });
      await circuit.expectAccepted(lax); // consistent under its own (lower) parameters
      await fails(tampered(lax.inputs, (i) => Object.assign(i, real)), [AT.slot, snippet]);
    }
  });
});
