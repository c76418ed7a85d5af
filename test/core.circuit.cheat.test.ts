/**
 * A cheating prover against the margin batch circuit (CORE_SPEC §2-8), everything but the trade
 * rules (test/core.circuit.cheat.trade.test.ts): global health, liquidation, certificates, deposits,
 * withdrawals, the batch's market figures, operation types, public outputs, and witnesses edited
 * past the witness generator. Each test takes an honest batch of the mirror, changes one thing, and
 * expects the witness generator to stop at the constraint of the rule it breaks (template and line),
 * or, for edited witnesses, the R1CS to fail.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { MarginBatchInputs, SealedBatch } from "../sequencer/core/batch/index.js";
import { NO_FLOOR, RATIO } from "../sequencer/core/constants.js";
import { maintenanceHealth } from "../sequencer/core/margin.js";
import { signLiquidation, signWithdrawal } from "../sequencer/core/order.js";
import { contexts, coreKit, deposit, genesis, PARAMS, type CoreKit } from "./helpers/core.js";
import { AT, BAD_SIGNATURE, MarginCircuit, P, PUBLIC_NAMES, sealOps, SHAPE, tampered, withoutInitialMargin, type Place } from "./helpers/coreCircuit.js";
import { ALICE, BOB, CAROL, cheatWorld, CRASH, DAVE, EMPTY_INDEX, keyOf, rewriteLastWrite, signedLiquidation, withdrawalOp, type CheatWorld } from "./helpers/cheatWorld.js";
import { editWitness, witnessValues } from "./helpers/witness.js";

let kit: CoreKit;
let circuit: MarginCircuit;
let world: CheatWorld;
/** Honest batches from the world's state s3 (carol 70 lots long at 10x, bob 100 short, alice 30 long). */
let empty: SealedBatch; // no-ops only
let recert: SealedBatch; // alice re-certified
let recertLast: SealedBatch; // bob, then alice (in the last slot) re-certified
let deposits: SealedBatch; // a new account 5 (key 1) gets 7,000; bob tops up 500
let withdrawal: SealedBatch; // alice withdraws 1,000 (nonce 0)
let liquidation: SealedBatch; // at 850 carol is liquidated into the backstop
let signedLiq: SealedBatch; // at 850 alice liquidates carol, signing
let deficit: SealedBatch; // at 800 carol's deficit drains the insurance fund to exactly 0

beforeAll(async () => {
  kit = await coreKit(4);
  circuit = await MarginCircuit.load(inject("marginTest"));
  world = cheatWorld(kit);
  const s3 = world.s3;
  empty = sealOps(kit, s3, []);
  recert = sealOps(kit, s3, [{ kind: "recertify", index: ALICE }]);
  recertLast = sealOps(kit, s3, [{ kind: "recertify", index: BOB }, { kind: "recertify", index: ALICE }]);
  deposits = sealOps(kit, s3, [deposit(kit, 5n, 1, 7_000n), deposit(kit, BOB, 2, 500n)]);
  withdrawal = sealOps(kit, s3, [withdrawalOp(kit, ALICE, 1_000n)]);
  const crash = { prices: [CRASH, 50n] };
  liquidation = sealOps(kit, s3, [{ kind: "liquidation", liquidated: CAROL, receiver: 0n }], crash);
  signedLiq = sealOps(kit, s3, [signedLiquidation(kit, s3, CAROL, ALICE)], crash);
  // The deficit at 800, measured with a large fund, then a fund of exactly that much.
  const withFund = (insurance: bigint) => {
    const s = s3.clone();
    s.setLedger({ ...s.ledger, insurance });
    return sealOps(kit, s, [{ kind: "liquidation", liquidated: CAROL, receiver: 0n }], { prices: [800n, 50n] });
  };
  const probe = withFund(10n ** 6n);
  deficit = withFund(probe.inputs.insuranceOld - probe.inputs.insuranceNew);
  expect(deficit.inputs.insuranceNew).toBe(0n);
});

const fails = (inputs: MarginBatchInputs, ...at: [Place, string][]): Promise<void> => circuit.expectFailsAt(inputs, ...at);
const [A, B] = [0, 1];
/** The batch's public signals with another newRoot. */
const signalsWithRoot = (b: SealedBatch, root: bigint): bigint[] => b.publicSignals.map((v, k) => (PUBLIC_NAMES[k] === "newRoot" ? root : v));
/** Real initial margin and parameter hash, put back into a batch built without the initial-margin rule. */
const realParams = (i: MarginBatchInputs) => Object.assign(i, { imr: empty.inputs.imr, paramsHash: empty.inputs.paramsHash });

describe("a cheating prover fails", () => {
  it("the untampered batches pass (so each failure below is the tamper's doing)", async () => {
    for (const b of [empty, recert, deposits, withdrawal, liquidation, signedLiq]) await circuit.expectAccepted(b);
    await circuit.expectAccepted(deficit, true);
  });

  describe("global health", () => {
    it("an account below maintenance left unliquidated: the price crashes under an empty batch", async () => {
      const below = (index: bigint, price0: bigint) => maintenanceHealth(world.s3.account(index), contexts([price0, 50n], [0n, 0n])) < 0n;
      // Carol's long at 850, bob's short at 10,000: the empty batch's no-ops leave them as they are.
      expect([below(CAROL, CRASH), below(BOB, 10_000n)]).toEqual([true, true]);
      await fails(tampered(empty.inputs, (i) => (i.price[0] = CRASH)), [AT.batch, "floorOk[m] === 1;"]);
      await fails(tampered(empty.inputs, (i) => (i.price[0] = 10_000n)), [AT.batch, "ceilOk[m] === 1;"]);
    });

    it("hiding the account: root aggregates opened as sentinels do not hash to newRoot", async () => {
      const hidden = tampered(empty.inputs, (i) => {
        i.price[0] = CRASH;
        for (const agg of [i.rootAggLeft, i.rootAggRight]) agg[0]![0] = NO_FLOOR;
      });
      await fails(hidden, [AT.batch, "top.out === newRoot;"]);
    });

    it("a certificate that does not cover the batch's prices: a long's floor above YL", async () => {
      // Valid (a higher floor only adds slack) and written consistently, so only the root check is left.
      const yl = (RATIO - PARAMS[0]!.mmr) * 1000n;
      const atYL = rewriteLastWrite(recertLast, { bound: [yl, 0n] });
      expect(await circuit.publicSignals(atYL)).toEqual(signalsWithRoot(recertLast, atYL.newRoot));
      await fails(rewriteLastWrite(recertLast, { bound: [yl + 1n, 0n] }), [AT.batch, "floorOk[m] === 1;"]);
    });
  });

  describe("liquidation", () => {
    it("a healthy account liquidated: a re-certification turned into a liquidation into the backstop", async () => {
      await fails(tampered(recert.inputs, (i) => (i.opType[0] = 4n)), [AT.slot, "op.isLiq * (1 - underwater) === 0;"]);
    });

    it("a signing liquidator's missing signature, or one over another nonce, fails the EdDSA check", async () => {
      await fails(tampered(signedLiq.inputs, (i) => ([i.sigR8x[0]![B], i.sigR8y[0]![B], i.sigS[0]![B]] = [0n, 0n, 0n])), ...BAD_SIGNATURE);
      const other = signLiquidation(kit.poseidon, kit.keys[keyOf(ALICE)]!, { liquidatorIndex: ALICE, liquidatedIndex: CAROL, nonce: 1n });
      await fails(tampered(signedLiq.inputs, (i) => ([i.sigR8x[0]![B], i.sigR8y[0]![B], i.sigS[0]![B]] = [other.R8x, other.R8y, other.S])), ...BAD_SIGNATURE);
    });

    it("a liquidator left below initial margin fails (dave, 5,000, takes 59,500 of positions)", async () => {
      const lax = sealOps(kit, world.s3, [signedLiquidation(kit, world.s3, CAROL, DAVE)], { prices: [CRASH, 50n], params: withoutInitialMargin(PARAMS) });
      await circuit.expectAccepted(lax);
      await fails(tampered(lax.inputs, realParams), [AT.slot, "(tradeNeedsB + isTakeOver) * initialShort[1] === 0;"]);
    });

    it("a liquidation into the liquidated account itself, signed by it, fails its initial margin", async () => {
      // No rule names A = B (the mirror refuses it as SameAccount): carol would keep her positions
      // minus the penalty, or hand her deficit to the fund. B reads carol as A's write left her.
      const afterA = world.s3.clone();
      const carol = liquidation.state.account(CAROL);
      afterA.putAccount(CAROL, carol);
      const { siblings, siblingAgg } = afterA.certTree.witness(CAROL);
      const sig = signLiquidation(kit.poseidon, kit.keys[keyOf(CAROL)]!, { liquidatorIndex: CAROL, liquidatedIndex: CAROL, nonce: carol.nonce });
      const self = tampered(liquidation.inputs, (i) => {
        [i.accIndex[0]![B], i.accPkX[0]![B], i.accPkY[0]![B], i.accNonce[0]![B], i.accCollateral[0]![B]] = [CAROL, carol.pkX, carol.pkY, carol.nonce, carol.collateral];
        [i.accOrdersRoot[0]![B], i.accSalt[0]![B], i.accSize[0]![B], i.accFunding[0]![B], i.accBound[0]![B]] = [carol.ordersRoot, carol.salt, [...carol.size], [...carol.funding], [...carol.bound]];
        [i.accSiblings[0]![B], i.accSiblingAgg[0]![B]] = [siblings, siblingAgg];
        i.newBound[0]![B] = [2n ** 70n, 0n]; // a floor that makes any long's certificate valid
        [i.sigR8x[0]![B], i.sigR8y[0]![B], i.sigS[0]![B]] = [sig.R8x, sig.R8y, sig.S];
      });
      await fails(self, [AT.slot, "(tradeNeedsB + isTakeOver) * initialShort[1] === 0;"]);
    });

    it("the insurance fund driven negative: the deficit exceeds the fund by 1", async () => {
      await fails(tampered(deficit.inputs, (i) => (i.insuranceOld -= 1n)), [AT.slot, "_ = Num2Bits(FUND_BITS())(insuranceOut);"]);
    });

    it("a liquidation count that is not the batch's fails", async () => {
      await fails(tampered(liquidation.inputs, (i) => (i.liquidations = 0n)), [AT.batch, "slot[T - 1].liquidationsOut === liquidations;"]);
    });
  });

  describe("certificates", () => {
    it("a bound under which the certificate does not hold (RATIO*K + s*b < 0) fails", async () => {
      // RATIO*K + s*b >= 0 for alice's long of s lots: b >= -RATIO*K/s. The lowest such b passes.
      const a = world.s3.account(ALICE);
      const edge = -((RATIO * a.k()) / a.size[0]!);
      const atEdge = rewriteLastWrite(recertLast, { bound: [edge, 0n] });
      expect(await circuit.publicSignals(atEdge)).toEqual(signalsWithRoot(recertLast, atEdge.newRoot));
      await fails(rewriteLastWrite(recertLast, { bound: [edge - 1n, 0n] }), [AT.slot, "_ = Num2Bits(HEALTH_BITS())(certValue[j]);"]);
    });

    it("a bound without a position (non-canonical) and a bound outside 72 bits fail", async () => {
      await fails(tampered(recert.inputs, (i) => (i.newBound[0]![A]![1] = 1n)), [AT.update, "newSign[m].isZero * newBound[m] === 0;"]);
      await fails(tampered(recert.inputs, (i) => (i.newBound[0]![A]![0] = 2n ** 71n)), [AT.update, "boundRange[m].in <== newBound[m];"]);
    });
  });

  describe("deposits", () => {
    it("deposits out of order, or one changed, fail against the L1 queue's depositHashNew", async () => {
      const queue = deposits.inputs.depositHashNew;
      const swapped = sealOps(kit, world.s3, [deposit(kit, BOB, 2, 500n), deposit(kit, 5n, 1, 7_000n)]);
      const changed = sealOps(kit, world.s3, [deposit(kit, 5n, 1, 7_001n), deposit(kit, BOB, 2, 500n)]);
      for (const b of [swapped, changed]) await fails(tampered(b.inputs, (i) => (i.depositHashNew = queue)), [AT.batch, "slot[T - 1].depositHashOut === depositHashNew;"]);
    });

    it("a deposit into an existing account under a different key fails", async () => {
      const other = kit.keys[3]!.pub;
      await fails(tampered(deposits.inputs, (i) => ([i.depositPkX[1], i.depositPkY[1]] = [other.x, other.y])), [AT.slot, "credits * (accPkX[0] - depositPkX) === 0;"]);
    });

    it("isEmpty lies: an existing account claimed empty (to take it over), an empty one claimed existing", async () => {
      const takeOver = tampered(deposits.inputs, (i) => {
        const other = kit.keys[3]!.pub;
        [i.depositPkX[1], i.depositPkY[1]] = [other.x, other.y];
        i.accIsEmpty[1]![A] = 1n;
        for (const k of ["accPkX", "accPkY", "accNonce", "accCollateral", "accOrdersRoot", "accSalt"] as const) i[k][1]![A] = 0n;
        for (const k of ["accSize", "accFunding", "accBound"] as const) i[k][1]![A] = [0n, 0n];
      });
      await fails(takeOver, [AT.update, "oldPath.root === rootIn;"]);
      const exists = tampered(deposits.inputs, (i) => {
        i.accIsEmpty[0]![A] = 0n;
        [i.accPkX[0]![A], i.accPkY[0]![A]] = [i.depositPkX[0]!, i.depositPkY[0]!];
      });
      await fails(exists, [AT.update, "oldPath.root === rootIn;"]);
    });

    it("an empty leaf with a balance (minting) fails, and so does an isEmpty flag of 2", async () => {
      await fails(tampered(deposits.inputs, (i) => (i.accCollateral[0]![A] = 500n)), [AT.update, "isEmpty * oldCollateral === 0;"]);
      await fails(tampered(deposits.inputs, (i) => (i.accIsEmpty[0]![A] = 2n)), [AT.slot, "accIsEmpty[j] * (1 - accIsEmpty[j]) === 0;"]);
    });

    it("deposit amounts at 2^62, negative (p - 1, p - 5) and 0 fail the amount's range", async () => {
      const amount: [Place, string] = [AT.slot, "amountRange[0].enabled <== op.isDeposit;"];
      for (const bad of [2n ** 62n, P - 1n, P - 5n]) await fails(tampered(deposits.inputs, (i) => (i.depositAmount[0] = bad)), amount, [AT.positive, "_ = Num2Bits(B)(in);"]);
      await fails(tampered(deposits.inputs, (i) => (i.depositAmount[1] = 0n)), amount, [AT.positive, "enabled * zero === 0;"]);
    });

    it("a deposit pushing collateral past 2^63 - 1 fails the collateral range (reaching it passes)", async () => {
      const max62 = 2n ** 62n - 1n;
      const rich = sealOps(kit, genesis(kit, SHAPE), [deposit(kit, 0n, 0, max62), deposit(kit, 0n, 0, max62)]).state;
      const full = sealOps(kit, rich, [deposit(kit, 0n, 0, 1n)]); // 2^63 - 1
      await circuit.expectAccepted(full);
      await fails(tampered(full.inputs, (i) => (i.depositAmount[0] = 2n)), [AT.update, "collateralRange.in <== newCollateral;"]);
    });

    it("an untouched account's newSalt and newBound are ignored: the same batch, the same signals", async () => {
      const ignored = tampered(deposits.inputs, (i) => {
        i.newSalt[0]![B] = 12345n;
        i.newBound[0]![B] = [7n, -7n];
      });
      expect(await circuit.publicSignals(ignored)).toEqual(deposits.publicSignals);
    });
  });

  describe("withdrawals", () => {
    it("a withdrawal leaving the account below initial margin fails, though signed for that amount", async () => {
      // Alice's equity is 99,985 with 30 lots: 97,000 out leaves 2,985, under the 3,000 initial margin.
      const lax = sealOps(kit, world.s3, [withdrawalOp(kit, ALICE, 97_000n)], { params: withoutInitialMargin(PARAMS) });
      await circuit.expectAccepted(lax);
      await fails(tampered(lax.inputs, realParams), [AT.slot, "(op.isWithdraw + tradeNeedsA) * initialShort[0] === 0;"]);
    });

    it("a withdrawal signed with a wrong nonce, or paid to another address, fails the EdDSA check", async () => {
      const msg = { accountIndex: ALICE, amount: 1_000n, l1Address: 0xa11cen, nonce: 1n };
      const sig = signWithdrawal(kit.poseidon, kit.keys[keyOf(ALICE)]!, msg);
      await fails(tampered(withdrawal.inputs, (i) => ([i.sigR8x[0]![A], i.sigR8y[0]![A], i.sigS[0]![A]] = [sig.R8x, sig.R8y, sig.S])), ...BAD_SIGNATURE);
      await fails(tampered(withdrawal.inputs, (i) => (i.withdrawAddress[0] = 0xbadn)), ...BAD_SIGNATURE);
    });

    it("withdrawal amounts at 2^62, negative and 0 fail the amount's range", async () => {
      const amount: [Place, string] = [AT.slot, "amountRange[1].enabled <== op.isWithdraw;"];
      for (const bad of [2n ** 62n, P - 1n, P - 5n]) await fails(tampered(withdrawal.inputs, (i) => (i.withdrawAmount[0] = bad)), amount, [AT.positive, "_ = Num2Bits(B)(in);"]);
      await fails(tampered(withdrawal.inputs, (i) => (i.withdrawAmount[0] = 0n)), amount, [AT.positive, "enabled * zero === 0;"]);
    });

    it("a withdrawal from an account claimed empty fails", async () => {
      await fails(tampered(withdrawal.inputs, (i) => (i.accIsEmpty[0]![A] = 1n)), [AT.slot, "accIsEmpty[0] * (op.touchA - op.isDeposit) === 0;"]);
    });

    it("a withdrawHash that is not the batch's fails", async () => {
      await fails(tampered(withdrawal.inputs, (i) => (i.withdrawHash += 1n)), [AT.batch, "slot[T - 1].withdrawHashOut === withdrawHash;"]);
    });
  });

  describe("the batch's market figures", () => {
    it("funding moved past maxFunding * price fails, up or down (the bound itself passes: the story)", async () => {
      // maxFunding 1% of 1000 allows 10 either way.
      await fails(tampered(empty.inputs, (i) => (i.funding[0] = 11n)), [AT.batch, "_ = Num2Bits(PRICE_BITS() + RATIO_BITS() + 2)(maxMove[m] - move[m]);"]);
      await fails(tampered(empty.inputs, (i) => (i.funding[0] = -11n)), [AT.batch, "_ = Num2Bits(PRICE_BITS() + RATIO_BITS() + 2)(maxMove[m] + move[m]);"]);
      await fails(tampered(empty.inputs, (i) => (i.funding[1] = 2n ** 48n)), [AT.batch, "fundingRange[m][1].in <== funding[m];"]);
    });

    it("a wrong paramsHash fails, and so do private parameters that are not the hashed ones", async () => {
      const params: [Place, string] = [AT.batch, "params.out === paramsHash;"];
      await fails(tampered(empty.inputs, (i) => (i.paramsHash += 1n)), params);
      await fails(tampered(empty.inputs, (i) => (i.imr[0] = PARAMS[0]!.mmr)), params);
    });

    it("market parameters out of range fail: mmr 0, imr < mmr, fee = RATIO", async () => {
      await fails(tampered(empty.inputs, (i) => (i.mmr[1] = 0n)), [AT.batch, "_ = Num2Bits(RATIO_BITS())(mmr[m] - 1);"]);
      await fails(tampered(empty.inputs, (i) => (i.imr[0] = PARAMS[0]!.mmr - 1n)), [AT.batch, "_ = Num2Bits(RATIO_BITS())(imr[m] - mmr[m]);"]);
      await fails(tampered(empty.inputs, (i) => (i.fee[0] = RATIO)), [AT.batch, "_ = Num2Bits(RATIO_BITS())(RATIO() - 1 - fee[m]);"]);
    });

    it("oracle prices at 2^48, negative and 0 fail the price's range", async () => {
      const price: [Place, string] = [AT.batch, "priceRange[m].enabled <== 1;"];
      for (const bad of [2n ** 48n, P - 1n, P - 5n]) await fails(tampered(empty.inputs, (i) => (i.price[1] = bad)), price, [AT.positive, "_ = Num2Bits(B)(in);"]);
      await fails(tampered(empty.inputs, (i) => (i.price[0] = 0n)), price, [AT.positive, "enabled * zero === 0;"]);
    });

    it("a timestamp of 2^40 and funds of 2^64 fail their ranges", async () => {
      await fails(tampered(empty.inputs, (i) => (i.timestamp = 2n ** 40n)), [AT.batch, "_ = Num2Bits(TIME_BITS())(timestamp);"]);
      await fails(tampered(empty.inputs, (i) => (i.insuranceOld = 2n ** 64n)), [AT.batch, "_ = Num2Bits(FUND_BITS())(insuranceOld);"]);
      // A trade's fees pushing a full pool past 2^64 - 1.
      await fails(tampered(world.t2.inputs, (i) => (i.feesOld = 2n ** 64n - 1n)), [AT.slot, "_ = Num2Bits(FUND_BITS())(feesOut);"]);
    });
  });

  describe("operations and outputs", () => {
    it("an operation type outside 0..5 (6, p - 1) fails the one-hot decoding", async () => {
      for (const bad of [6n, P - 1n]) await fails(tampered(empty.inputs, (i) => (i.opType[1] = bad)), [AT.decode, "isNoop + isDeposit + isWithdraw + isTrade + isLiq + isRecert === 1;"]);
    });

    it("a wrong oldRoot, sibling or index fails the old path; a wrong newRoot, fund or fee output fails its check", async () => {
      const oldPath: [Place, string] = [AT.update, "oldPath.root === rootIn;"];
      await fails(tampered(recert.inputs, (i) => (i.oldRoot += 1n)), oldPath);
      await fails(tampered(recert.inputs, (i) => (i.accSiblings[0]![A]![3]! += 1n)), oldPath);
      await fails(tampered(recert.inputs, (i) => (i.accIndex[0]![A] = EMPTY_INDEX)), oldPath);
      await fails(tampered(recert.inputs, (i) => (i.newRoot += 1n)), [AT.batch, "slot[T - 1].rootOut === newRoot;"]);
      await fails(tampered(liquidation.inputs, (i) => (i.insuranceNew += 1n)), [AT.batch, "slot[T - 1].insuranceOut === insuranceNew;"]);
      await fails(tampered(world.t2.inputs, (i) => (i.feesNew -= 1n)), [AT.batch, "slot[T - 1].feesOut === feesNew;"]);
    });
  });

  describe("witnesses edited past the generator break the R1CS", () => {
    /** The honest witness of `batch` with `edits` (signal name -> delta) applied; the public ones by name. */
    async function edited(batch: SealedBatch, edits: Record<string, bigint>): Promise<boolean> {
      let w = await circuit.memWitness(batch.inputs);
      const values = await witnessValues(w);
      for (const [name, delta] of Object.entries(edits)) {
        const index = PUBLIC_NAMES.includes(name) ? PUBLIC_NAMES.indexOf(name) + 1 : await circuit.signal(name);
        w = await editWitness(w, index, (values[index]! + delta + P) % P);
      }
      return circuit.satisfies(w);
    }

    it("conservation: collateral minted, or moved between the two sides of a trade, or into the fund", async () => {
      expect(await edited(world.t2, {})).toBe(true);
      expect(await edited(deposits, { "main.slot[0].newCollateral[0]": 1n })).toBe(false);
      expect(await edited(world.t2, { "main.slot[0].newCollateral[0]": 1n, "main.slot[0].newCollateral[1]": -1n })).toBe(false);
      expect(await edited(liquidation, { "main.slot[0].insuranceOut": 1n, insuranceNew: 1n })).toBe(false);
    });

    it("net open interest: a position grown on one side only", async () => {
      expect(await edited(world.t2, { "main.slot[1].newSize[0][0]": 1n })).toBe(false);
    });

    it("hints: a liquidation penalty rounded down, an old-path aggregate that is not the max", async () => {
      expect(await edited(liquidation, { "main.slot[0].liq.charge": -1n })).toBe(false);
      expect(await edited(recert, { "main.slot[0].upd[0].oldPath.agg[1][0][0]": 1n })).toBe(false);
    });
  });
});
