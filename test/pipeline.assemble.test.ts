/**
 * The pipeline's batch assembly on its own (no chain, no proof): the L1 queue consumed strictly in
 * order, the index a queued key is credited to, slots kept free for the maintenance the prices
 * force, refusals with the builder's reasons, and a batch that cannot be proved named as such.
 * The chain side of the pipeline runs end to end in margin.e2e.test.ts.
 */
import { getAddress } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import type { QueuedDepositRecord } from "../sequencer/chain/client.js";
import type { CircuitShape, Op } from "../sequencer/core/batch/index.js";
import { Side } from "../sequencer/core/constants.js";
import { signWithdrawal, type Order } from "../sequencer/core/order.js";
import type { CoreState } from "../sequencer/core/state.js";
import { assembleBatch, PipelineError, touchedAccounts, type ChainView } from "../sequencer/pipeline/index.js";
import { coreKit, counterSalt, deposit, genesis, PARAMS, runBatch, signed, type CoreKit } from "./helpers/core.js";

const T2: CircuitShape = { depth: 4, markets: 2, opsPerBatch: 2, slotDepth: 2 };
const SETUP: CircuitShape = { ...T2, opsPerBatch: 8 };

let kit: CoreKit;
let funded: CoreState; // 0 backstop, 1..3 funded
let levered: CoreState; // 1 long 100 of market 0 against 2: liquidatable below 895.26

const order = (accountIndex: bigint, side: Side, orderId = 1n, size = 100n): Order => ({ accountIndex, market: 0n, side, size, limitPrice: 1000n, expiry: 5_000n, orderId });
const trade = (buyer: bigint, seller: bigint, fill: bigint, orderId = 1n): Op => ({
  kind: "trade",
  taker: signed(kit, Number(buyer), order(buyer, Side.Buy, orderId, 500n)),
  maker: signed(kit, Number(seller), order(seller, Side.Sell, orderId, 500n)),
  fill,
  price: 1000n,
});

function queued(keys: readonly number[], start = 1n): QueuedDepositRecord[] {
  return keys.map((k, i) => ({ position: start + BigInt(i), sender: "0x", pubKey: kit.keys[k]!.pub, amount: 1_000n + BigInt(i), chainValue: 0n }));
}

function view(state: CoreState, over: Partial<ChainView> = {}): ChainView {
  return {
    batchNumber: state.ledger.batchCount + 1n,
    timestamp: 1_000n,
    params: PARAMS,
    rounds: [
      { roundId: 7n, answer: 1_000n, updatedAt: 900n },
      { roundId: 3n, answer: 50n, updatedAt: 900n },
    ],
    pending: [],
    ...over,
  };
}

const assemble = (state: CoreState, v: ChainView, ops: readonly Op[] = []) =>
  assembleBatch({ poseidon: kit.poseidon, eddsa: kit.eddsa, shape: T2, salt: counterSalt() }, state, v, { ops });

beforeAll(async () => {
  kit = await coreKit(5);
  funded = runBatch(kit, genesis(kit, SETUP), [deposit(kit, 0n, 0, 10n ** 12n), deposit(kit, 1n, 1, 15_000n), deposit(kit, 2n, 2, 50_000n), deposit(kit, 3n, 3, 20_000n)], {}, SETUP).state;
  levered = runBatch(kit, funded, [trade(1n, 2n, 100n, 9n)], {}, SETUP).state;
});

describe("assembling a batch from the chain's view", () => {
  it("consumes the queue in order as far as the slots go; the rest waits, in order", () => {
    const b = assemble(genesis(kit, T2), view(genesis(kit, T2), { pending: queued([0, 1, 2]) }));
    expect(b.included.map((x) => [x.origin, x.op.kind === "deposit" ? x.op.index : -1n])).toEqual([
      ["queue", 0n],
      ["queue", 1n],
    ]);
    expect(b.deferred.map((x) => x.origin)).toEqual(["queue"]);
    expect(b.submission.depositsThrough).toBe(2n);
    expect(b.sealed.state.ledger.depositCount).toBe(2n);
    expect(b.submission.roundIds).toEqual([7n, 3n]);
    expect(b.submission.newRoot).toBe(b.sealed.state.root);
  });

  it("credits a known key to its account and a new key to the lowest empty index", () => {
    const gappy = runBatch(kit, genesis(kit, SETUP), [deposit(kit, 0n, 0, 5_000n), deposit(kit, 2n, 2, 5_000n)], {}, SETUP).state;
    const v = view(gappy, { pending: queued([2, 3], 3n) });
    const b = assemble(gappy, v);
    expect(b.included.map((x) => (x.op.kind === "deposit" ? x.op.index : -1n))).toEqual([2n, 1n]);
    expect(b.submission.depositsThrough).toBe(4n);
    // The next new key after that goes to 3, the lowest index still empty.
    const after = assemble(b.sealed.state, view(b.sealed.state, { pending: queued([4], 5n) }));
    expect(after.included[0]!.op).toMatchObject({ kind: "deposit", index: 3n });
  });

  it("keeps a slot for the liquidation the prices force, defers what does not fit, and liquidates last", () => {
    const crash = view(levered, { rounds: [{ roundId: 8n, answer: 880n, updatedAt: 950n }, { roundId: 3n, answer: 50n, updatedAt: 900n }] });
    const b = assemble(levered, crash, [trade(3n, 2n, 5n, 2n), trade(3n, 2n, 5n, 3n)]);
    expect(b.included.map((x) => [x.origin, x.op.kind])).toEqual([
      ["request", "trade"],
      ["maintenance", "liquidation"],
    ]);
    expect(b.deferred.map((x) => x.op.kind)).toEqual(["trade"]);
    expect(b.submission.liquidations).toBe(1n);
    expect(b.submission.insuranceNew).toBeGreaterThan(0n);
    expect(b.sealed.state.account(1n).size).toEqual([0n, 0n]);
  });

  it("an operation that repairs the violating account itself needs no extra slot", () => {
    expect(touchedAccounts({ kind: "liquidation", liquidated: 1n, receiver: 3n })).toEqual([1n, 3n]);
    const crash = view(levered, { rounds: [{ roundId: 8n, answer: 880n, updatedAt: 950n }, { roundId: 3n, answer: 50n, updatedAt: 900n }] });
    // Account 1's owner tops up on L1 enough to be healthy again: the deposit certifies it, so the
    // requested trade takes the second slot and nobody is liquidated.
    const topUp = { ...queued([1], 5n)[0]!, amount: 100_000n };
    const b = assemble(levered, { ...crash, pending: [topUp] }, [trade(3n, 2n, 5n, 2n)]);
    expect(b.included.map((x) => [x.origin, x.op.kind])).toEqual([
      ["queue", "deposit"],
      ["request", "trade"],
    ]);
    expect(b.submission.liquidations).toBe(0n);
    // Too small a top-up is refused (the account would stay below maintenance) and holds the queue;
    // the liquidation still happens, and the deposit is credited to the flat account next batch.
    const small = assemble(levered, { ...crash, pending: [{ ...topUp, amount: 1_000n }] });
    expect(small.rejected.map((r) => [r.origin, r.reason])).toEqual([["queue", "NoValidCertificate"]]);
    expect(small.submission.depositsThrough).toBe(levered.ledger.depositCount);
    expect(small.submission.liquidations).toBe(1n);
  });

  it("reports refusals with the builder's reason and includes the rest", () => {
    const sig = signWithdrawal(kit.poseidon, kit.keys[3]!, { accountIndex: 3n, amount: 700n, l1Address: 0xabcdefn, nonce: 0n });
    const forged: Op = { kind: "trade", taker: signed(kit, 4, order(1n, Side.Buy, 5n)), maker: signed(kit, 2, order(2n, Side.Sell, 5n)), fill: 1n, price: 1000n };
    const b = assemble(funded, view(funded), [forged, { kind: "withdrawal", index: 3n, amount: 700n, l1Address: 0xabcdefn, nonce: 0n, sig }]);
    expect(b.rejected.map((r) => [r.origin, r.reason])).toEqual([["request", "BadSignature"]]);
    expect(b.included.map((x) => x.op.kind)).toEqual(["withdrawal"]);
    expect(b.submission.withdrawals).toEqual([{ account: getAddress("0x0000000000000000000000000000000000abcdef"), amount: 700n }]);
  });

  it("names a batch that cannot be proved: the account to liquidate has no backstop to go to", () => {
    const noBackstop = runBatch(kit, genesis(kit, SETUP), [deposit(kit, 1n, 1, 15_000n), deposit(kit, 2n, 2, 50_000n)], {}, SETUP).state;
    const open = runBatch(kit, noBackstop, [trade(1n, 2n, 100n, 9n)], {}, SETUP).state;
    const crash = view(open, { rounds: [{ roundId: 8n, answer: 880n, updatedAt: 950n }, { roundId: 3n, answer: 50n, updatedAt: 900n }] });
    const err = (() => {
      try {
        assemble(open, crash);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe("Unprovable");
    expect((err as PipelineError).message).toMatch(/UnknownAccount/);
  });
});
