/**
 * The batch builder on accepted operations: the §9 input object, witnesses replayed as the circuit
 * does, the spec's arithmetic recomputed by hand, the root check and its repair, scratch semantics.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { toField } from "../sequencer/crypto/field.js";
import {
  accountsPastBounds,
  BatchBuilder,
  BatchContextError,
  BatchSealError,
  MARGIN_BATCH_INPUT_NAMES,
  maintenanceOps,
} from "../sequencer/core/batch/index.js";
import { ceilDiv } from "../sequencer/core/arith.js";
import { OpType, publicSignalNames, Side } from "../sequencer/core/constants.js";
import { maintenanceHealth } from "../sequencer/core/margin.js";
import { MarketError } from "../sequencer/core/market.js";
import { liquidationHash, signWithdrawal, withdrawalHash } from "../sequencer/core/order.js";
import type { CoreState } from "../sequencer/core/state.js";
import {
  builder,
  coreKit,
  counterSalt,
  deposit,
  genesis,
  nextContext,
  PARAMS,
  RATIO,
  replayPaths,
  runBatch,
  SHAPE,
  signed,
  type CoreKit,
} from "./helpers/core.js";

let kit: CoreKit;
let s1: CoreState; // accounts 0..3 funded
let s2: CoreState; // 1 long 100 of market 0; 3 long 10 of market 0 and short 100 of market 1; 2 the other side

const order = (account: bigint, market: bigint, side: Side, size: bigint, limitPrice: bigint, orderId: bigint) => ({
  accountIndex: account,
  market,
  side,
  size,
  limitPrice,
  expiry: 5_000n,
  orderId,
});

beforeAll(async () => {
  kit = await coreKit(4);
  s1 = runBatch(kit, genesis(kit), [
    deposit(kit, 0n, 0, 10n ** 12n),
    deposit(kit, 1n, 1, 15_000n),
    deposit(kit, 2n, 2, 50_000n),
    deposit(kit, 3n, 3, 20_000n),
  ]).state;
  s2 = runBatch(kit, s1, [
    { kind: "trade", taker: signed(kit, 1, order(1n, 0n, Side.Buy, 100n, 1000n, 1n)), maker: signed(kit, 2, order(2n, 0n, Side.Sell, 500n, 1000n, 1n)), fill: 100n, price: 1000n },
    { kind: "trade", taker: signed(kit, 3, order(3n, 0n, Side.Buy, 10n, 1000n, 1n)), maker: signed(kit, 2, order(2n, 0n, Side.Sell, 500n, 1000n, 1n)), fill: 10n, price: 1000n },
    { kind: "trade", taker: signed(kit, 3, order(3n, 1n, Side.Sell, 100n, 50n, 2n)), maker: signed(kit, 2, order(2n, 1n, Side.Buy, 100n, 50n, 2n)), fill: 100n, price: 50n },
  ]).state;
});

describe("deposits and the input object", () => {
  it("has exactly §9's keys and dimensions, pads with no-ops on account 0, and replays", () => {
    const sealed = runBatch(kit, genesis(kit), [deposit(kit, 1n, 1, 15_000n), deposit(kit, 1n, 1, 5n)]);
    const { inputs } = sealed;
    expect(Object.keys(inputs).sort()).toEqual([...MARGIN_BATCH_INPUT_NAMES].sort());
    const { opsPerBatch: T, markets: M, depth: D, slotDepth: K } = SHAPE;
    expect(inputs.opType).toEqual([1n, 1n, ...Array(T - 2).fill(0n)]);
    expect(inputs.accSiblingAgg.length).toBe(T);
    expect(inputs.accSiblingAgg[0]!.length).toBe(2);
    expect(inputs.accSiblingAgg[0]![1]!.length).toBe(D);
    expect(inputs.accSiblingAgg[0]![1]![0]!.length).toBe(M);
    expect(inputs.accSiblingAgg[0]![1]![0]![0]!.length).toBe(2);
    expect(inputs.slotSiblings[3]![1]!.length).toBe(K);
    expect(inputs.accSize[5]![0]!.length).toBe(M);
    expect(inputs.rootAggLeft.length).toBe(M);
    // No-op slots name account 0 (empty here) for A and B; deposits leave B at account 0 untouched.
    expect(inputs.accIndex.slice(2).flat()).toEqual(Array(2 * (T - 2)).fill(0n));
    expect(inputs.accIsEmpty[2]).toEqual([1n, 1n]);
    expect(inputs.accIndex[0]).toEqual([1n, 0n]);
    expect(inputs.accIsEmpty[0]).toEqual([1n, 1n]);
    expect(inputs.accIsEmpty[1]).toEqual([0n, 1n]);
    replayPaths(kit, sealed);
  });

  it("computes the deposit chain and the new account's leaf exactly as §7 says", () => {
    const state = genesis(kit);
    const pk = kit.keys[1]!.pub;
    const sealed = runBatch(kit, state, [deposit(kit, 1n, 1, 15_000n), deposit(kit, 1n, 1, 5n)], { funding: [3n, -1n] });
    const { inputs } = sealed;
    const h1 = kit.poseidon([0n, pk.x, pk.y, 15_000n]);
    expect(inputs.depositHashOld).toBe(0n);
    expect(inputs.depositHashNew).toBe(kit.poseidon([h1, pk.x, pk.y, 5n]));
    expect([inputs.depositPkX[0], inputs.depositPkY[0], inputs.depositAmount[0]]).toEqual([pk.x, pk.y, 15_000n]);
    // (pk, nonce 0, c = amount, EMPTY_ORDERS_ROOT, salt, s = 0, f = F, b = 0)
    const leaf = kit.poseidon([pk.x, pk.y, 0n, 15_000n, state.slots.emptyRoot, inputs.newSalt[0]![0]!, 0n, 3n, 0n, 0n, toField(-1n), 0n]);
    expect(sealed.trace[0]![0].newLeaf).toBe(leaf);
    expect(sealed.state.account(1n).collateral).toBe(15_005n);
    expect(sealed.state.ledger.depositCount).toBe(2n);
  });

  it("orders public signals by publicSignalNames(M), field-encoded", () => {
    const sealed = runBatch(kit, s1, [], { funding: [-5n, 1n] });
    const names = publicSignalNames(2);
    expect(sealed.publicSignals.length).toBe(13 + 3 * 2);
    const named = Object.fromEntries(names.map((n, i) => [n, sealed.publicSignals[i]]));
    const { inputs } = sealed;
    expect(named).toMatchObject({
      oldRoot: s1.root,
      newRoot: sealed.state.root,
      batchNumber: 2n,
      timestamp: inputs.timestamp,
      "price[1]": 50n,
      "fundingOld[0]": 0n,
      "funding[0]": toField(-5n),
      "funding[1]": 1n,
      depositHashOld: s1.ledger.depositHash,
      depositHashNew: s1.ledger.depositHash,
      withdrawHash: 0n,
      liquidations: 0n,
    });
    expect(sealed.state.ledger.funding).toEqual([-5n, 1n]);
    expect(sealed.state.ledger.batchCount).toBe(2n);
    // An empty batch is all no-ops and leaves the root as it was.
    expect(sealed.state.root).toBe(s1.root);
    replayPaths(kit, sealed);
  });
});

describe("trades", () => {
  it("moves cash and size, rounds fees up, fills order slots, and keeps OI at zero", () => {
    const b = builder(kit, s1);
    const taker = signed(kit, 1, order(1n, 0n, Side.Buy, 10n, 1005n, 7n));
    const maker = signed(kit, 2, order(2n, 0n, Side.Sell, 10n, 1001n, 9n));
    expect(b.add({ kind: "trade", taker, maker, fill: 7n, price: 1001n })).toEqual({ ok: true });
    const sealed = b.seal();
    const fee = ceilDiv(7n * 1001n * PARAMS[0]!.fee, RATIO);
    expect(fee).toBe(4n); // 3.5035 rounded up
    const a1 = sealed.state.account(1n);
    const a2 = sealed.state.account(2n);
    expect(a1.collateral).toBe(15_000n - 7n * 1001n - fee);
    expect(a2.collateral).toBe(50_000n + 7n * 1001n - fee);
    expect([a1.size[0], a2.size[0]]).toEqual([7n, -7n]);
    expect(sealed.inputs.feesNew - sealed.inputs.feesOld).toBe(2n * fee);
    const { inputs } = sealed;
    expect(inputs.opType[0]).toBe(BigInt(OpType.Trade));
    expect([inputs.fill[0], inputs.execPrice[0]]).toEqual([7n, 1001n]);
    expect(inputs.orderId[0]).toEqual([7n, 9n]);
    expect(inputs.orderSide[0]).toEqual([0n, 1n]);
    expect(inputs.slotId[0]).toEqual([0n, 0n]);
    expect(a1.ordersRoot).toBe(sealed.state.orders(1n).root);
    expect(sealed.state.orders(1n).slot(7n)).toEqual({ id: 7n, filled: 7n });
    expect(sealed.state.orders(2n).slot(1n)).toEqual({ id: 9n, filled: 7n });
    expect([inputs.sigS[0]![0], inputs.sigS[0]![1]]).toEqual([taker.sig.S, maker.sig.S]);
    replayPaths(kit, sealed);
  });

  it("continues a partially filled order from its slot and settles funding first", () => {
    const ctx = nextContext(s2, { funding: [4n, 0n] });
    const b = builder(kit, s2, ctx);
    // Account 2's sell order 1 filled 110 of 500 in batch 2.
    const maker = signed(kit, 2, order(2n, 0n, Side.Sell, 500n, 1000n, 1n));
    const taker = signed(kit, 3, order(3n, 0n, Side.Buy, 5n, 1000n, 3n));
    const before3 = s2.account(3n);
    expect(b.add({ kind: "trade", taker, maker, fill: 5n, price: 1000n }).ok).toBe(true);
    const sealed = b.seal();
    expect(sealed.inputs.slotId[0]![1]).toBe(1n);
    expect(sealed.inputs.slotFilled[0]![1]).toBe(110n);
    expect(sealed.state.orders(2n).slot(1n)).toEqual({ id: 1n, filled: 115n });
    // Account 3 held 10 long at f = 0: pays 10 * 4 of funding before the trade.
    const fee = ceilDiv(5n * 1000n * PARAMS[0]!.fee, RATIO);
    expect(sealed.state.account(3n).collateral).toBe(before3.collateral - 40n - 5000n - fee);
    expect(sealed.state.account(3n).funding).toEqual([4n, 0n]);
    // Account 1 was not touched: its snapshot stays.
    expect(sealed.state.account(1n).funding).toEqual([0n, 0n]);
    replayPaths(kit, sealed);
  });
});

describe("withdrawals", () => {
  it("debits A, bumps its nonce, chains withdrawHash and lists the payout", () => {
    const b = builder(kit, s1);
    const w = { accountIndex: 2n, amount: 1_234n, l1Address: 0xdeadbeefn, nonce: 0n };
    const sig = signWithdrawal(kit.poseidon, kit.keys[2]!, w);
    expect(b.add({ kind: "withdrawal", index: 2n, amount: w.amount, l1Address: w.l1Address, nonce: 0n, sig }).ok).toBe(true);
    const sealed = b.seal();
    expect(sealed.state.account(2n).collateral).toBe(50_000n - 1_234n);
    expect(sealed.state.account(2n).nonce).toBe(1n);
    expect(sealed.inputs.withdrawHash).toBe(kit.poseidon([0n, 0xdeadbeefn, 1_234n]));
    expect(sealed.withdrawals).toEqual([{ l1Address: 0xdeadbeefn, amount: 1_234n }]);
    expect([sealed.inputs.withdrawAmount[0], sealed.inputs.withdrawAddress[0]]).toEqual([1_234n, 0xdeadbeefn]);
    expect(sealed.inputs.sigR8x[0]).toEqual([sig.R8x, 0n]);
    expect(kit.eddsa.verify(kit.keys[2]!.pub, withdrawalHash(kit.poseidon, w), sig)).toBe(true);
    replayPaths(kit, sealed);
  });
});

describe("the root check and liquidations", () => {
  it("refuses to seal while a certificate is violated, lists it, and is repaired by maintenanceOps", () => {
    // Account 1 (long 100 at c = -85050) is liquidatable below 895.26.
    expect(accountsPastBounds(s2, PARAMS, [895n, 50n], s2.ledger.funding)).toEqual([1n]);
    expect(accountsPastBounds(s2, PARAMS, [896n, 50n], s2.ledger.funding)).toEqual([]);
    const b = builder(kit, s2, nextContext(s2, { prices: [895n, 50n] }));
    expect(b.violations()).toEqual([1n]);
    expect(() => b.seal()).toThrow(BatchSealError);
    try {
      b.seal();
    } catch (err) {
      expect((err as BatchSealError).code).toBe("RootCheckFailed");
      expect((err as BatchSealError).violations).toEqual([1n]);
    }
    const ops = maintenanceOps(b.state, b.markets);
    expect(ops).toEqual([{ kind: "liquidation", liquidated: 1n, receiver: 0n }]);
    expect(b.add(ops[0]!).ok).toBe(true);
    const sealed = b.seal();
    // x = c + s p = -85050 + 89500 = 4450; penalty = ceil(100 * 895 * 1%) = 895; A keeps 3555.
    const penalty = ceilDiv(100n * 895n * PARAMS[0]!.penalty, RATIO);
    expect(penalty).toBe(895n);
    expect(sealed.state.account(1n).collateral).toBe(4_450n - 895n);
    expect(sealed.state.account(1n).size).toEqual([0n, 0n]);
    expect(sealed.state.account(1n).bound).toEqual([0n, 0n]);
    expect(sealed.state.account(0n).size).toEqual([100n, 0n]);
    expect(sealed.state.account(0n).collateral).toBe(10n ** 12n - 89_500n);
    expect(sealed.state.account(0n).nonce).toBe(0n);
    expect(sealed.inputs.insuranceNew - sealed.inputs.insuranceOld).toBe(895n);
    expect(sealed.inputs.liquidations).toBe(1n);
    expect(sealed.inputs.sigS[0]).toEqual([0n, 0n]);
    replayPaths(kit, sealed);
  });

  it("at the exact threshold the account is healthy and nothing is violated", () => {
    const b = builder(kit, s2, nextContext(s2, { prices: [896n, 50n] }));
    expect(b.violations()).toEqual([]);
    expect(maintenanceHealth(b.state.account(1n), b.markets) >= 0n).toBe(true);
    expect(b.add({ kind: "liquidation", liquidated: 1n, receiver: 0n })).toMatchObject({ ok: false, reason: "NotLiquidatable" });
  });

  it("a signing liquidator takes the positions and bumps its nonce", () => {
    const b = builder(kit, s2, nextContext(s2, { prices: [895n, 50n] }));
    const sig = kit.keys[2]!.sign(liquidationHash(kit.poseidon, { liquidatorIndex: 2n, liquidatedIndex: 1n, nonce: 0n }));
    expect(b.add({ kind: "liquidation", liquidated: 1n, receiver: 2n, nonce: 0n, sig }).ok).toBe(true);
    const sealed = b.seal();
    expect(sealed.state.account(2n).size[0]).toBe(s2.account(2n).size[0]! + 100n);
    expect(sealed.state.account(2n).nonce).toBe(1n);
    expect(sealed.inputs.sigS[0]).toEqual([0n, sig.S]);
    replayPaths(kit, sealed);
  });

  it("a still-healthy account past its bound is re-certified", () => {
    // Account 3's slack is split by notional; market 1 rising to 113 crosses its ceiling only.
    const b = builder(kit, s2, nextContext(s2, { prices: [1000n, 113n] }));
    expect(b.violations()).toContain(3n);
    expect(maintenanceHealth(b.state.account(3n), b.markets) >= 0n).toBe(true);
    const ops = maintenanceOps(b.state, b.markets);
    expect(ops).toContainEqual({ kind: "recertify", index: 3n });
    for (const op of ops) expect(b.add(op).ok).toBe(true);
    const sealed = b.seal();
    expect(sealed.inputs.opType.slice(0, ops.length)).toEqual(ops.map((o) => BigInt(o.kind === "recertify" ? OpType.Recertify : OpType.Liquidation)));
    expect(sealed.state.violations(b.markets)).toEqual([]);
    replayPaths(kit, sealed);
  });
});

describe("builder lifecycle", () => {
  it("never modifies the state it was given", () => {
    const root = s1.root;
    const ledger = s1.ledger;
    const b = builder(kit, s1);
    expect(b.add(deposit(kit, 5n, 1, 10n)).ok).toBe(true);
    const sealed = b.seal();
    expect(s1.root).toBe(root);
    expect(s1.ledger).toEqual(ledger);
    expect(s1.account(5n).isEmpty).toBe(true);
    expect(sealed.state.account(5n).isEmpty).toBe(false);
  });

  it("refuses a wrong batch number, a mismatched shape, a too-large funding tick, and a second seal", () => {
    const deps = { poseidon: kit.poseidon, eddsa: kit.eddsa, salt: counterSalt() };
    const ctx = nextContext(s1);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof BatchContextError || err instanceof MarketError ? err.code : String(err);
      }
      return undefined;
    };
    expect(code(() => new BatchBuilder({ shape: SHAPE, state: s1, context: { ...ctx, batchNumber: 3n }, deps }))).toBe("BatchNumber");
    expect(code(() => new BatchBuilder({ shape: { ...SHAPE, depth: 7 }, state: s1, context: ctx, deps }))).toBe("ShapeMismatch");
    expect(code(() => new BatchBuilder({ shape: SHAPE, state: s1, context: { ...ctx, funding: [11n, 0n] }, deps }))).toBe("FundingTickTooLarge");
    expect(code(() => new BatchBuilder({ shape: SHAPE, state: s1, context: { ...ctx, timestamp: 2n ** 40n }, deps }))).toBe("Timestamp");
    const b = new BatchBuilder({ shape: SHAPE, state: s1, context: ctx, deps });
    b.seal();
    expect(() => b.seal()).toThrow(BatchSealError);
    expect(() => b.add(deposit(kit, 5n, 1, 10n))).toThrow(BatchSealError);
  });
});
