/**
 * The margin batch circuit against its TypeScript mirror on a hand-written story that goes through
 * every operation kind: for every batch the mirror's input object gives a witness whose public
 * signals are exactly the mirror's, and for several the whole R1CS holds. Witnesses only (no proving:
 * test/margin.e2e.test.ts proves). Circuit: the `margin_test` instance, MarginBatch(4, 2, 2, 2).
 *
 * Cast (account: key): 0 backstop, 1 alice, 2 bob, 3 carol, 4 dave, 5 erin, 6 frank, 7 grace
 * (account i signs with key i mod 4). Markets as test/helpers/core.ts PARAMS: m0 5%/10% margins,
 * m1 3%/6%, prices starting at 1000 and 50.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { maintenanceOps, type Op, type SealedBatch } from "../sequencer/core/batch/index.js";
import { OpType, Side } from "../sequencer/core/constants.js";
import { initialHealth, maintenanceHealth } from "../sequencer/core/margin.js";
import { marketContexts, type MarketContext } from "../sequencer/core/market.js";
import { signLiquidation, signWithdrawal, type SignedOrder } from "../sequencer/core/order.js";
import type { CoreState } from "../sequencer/core/state.js";
import { coreKit, deposit, genesis, PARAMS, signed, type ContextOverrides, type CoreKit } from "./helpers/core.js";
import { MarginCircuit, PUBLIC_NAMES, sealOps, SHAPE } from "./helpers/coreCircuit.js";

const { Noop, Deposit, Withdrawal, Trade, Liquidation, Recertify } = OpType;

interface Chapter {
  readonly title: string;
  readonly sealed: SealedBatch;
  /** the whole R1CS is checked too (slower than the witness alone) */
  readonly r1cs: boolean;
}

let kit: CoreKit;
let circuit: MarginCircuit;
const chapters: Chapter[] = [];

const key = (account: bigint): number => Number(account % 4n);

function order(account: bigint, market: bigint, side: Side, size: bigint, limitPrice: bigint, orderId: bigint): SignedOrder {
  return signed(kit, key(account), { accountIndex: account, market, side, size, limitPrice, expiry: 10_000n, orderId });
}

function trade(taker: SignedOrder, maker: SignedOrder, fill: bigint, price: bigint): Op {
  return { kind: "trade", taker, maker, fill, price };
}

function withdrawal(index: bigint, amount: bigint, l1Address: bigint, nonce: bigint): Op {
  const sig = signWithdrawal(kit.poseidon, kit.keys[key(index)]!, { accountIndex: index, amount, l1Address, nonce });
  return { kind: "withdrawal", index, amount, l1Address, nonce, sig };
}

/** The story, one sealed batch per chapter; the state and the market figures move on. */
function writeStory(): void {
  let state: CoreState = genesis(kit, SHAPE);
  let context: ContextOverrides = { prices: [1000n, 50n], funding: [0n, 0n] };
  const markets = (): MarketContext[] =>
    marketContexts(PARAMS, context.prices!.map((price, m) => ({ price, fundingOld: state.ledger.funding[m]!, funding: context.funding![m]! })));
  const chapter = (title: string, ops: Op[] | ((mk: MarketContext[]) => Op[]), opTypes: OpType[], r1cs = false, move: ContextOverrides = {}) => {
    context = { ...context, ...move };
    const list = typeof ops === "function" ? ops(markets()) : ops;
    const sealed = sealOps(kit, state, list, context);
    // The story is what its title says only if the mirror planned the operations it names.
    expect(sealed.inputs.opType, title).toEqual(opTypes.map(BigInt));
    chapters.push({ title, sealed, r1cs });
    state = sealed.state;
  };
  const account = (i: bigint) => state.account(i);

  chapter("deposits create the backstop 0 and alice", [deposit(kit, 0n, 0, 10n ** 9n), deposit(kit, 1n, 1, 100_000n)], [Deposit, Deposit], true);
  chapter("a deposit creates bob, another tops alice up", [deposit(kit, 2n, 2, 100_000n), deposit(kit, 1n, 1, 20_000n)], [Deposit, Deposit]);
  chapter("deposits create carol and dave", [deposit(kit, 3n, 3, 12_000n), deposit(kit, 4n, 0, 4_000n)], [Deposit, Deposit]);
  chapter("deposits create erin and frank", [deposit(kit, 5n, 1, 20_000n), deposit(kit, 6n, 2, 30_000n)], [Deposit, Deposit]);
  chapter("one deposit creates grace; a no-op pads the batch", [deposit(kit, 7n, 3, 11_000n)], [Deposit, Noop]);

  // Bob's sell order 1 (200 lots) fills across three trades and two batches.
  const bobSell = order(2n, 0n, Side.Sell, 200n, 990n, 1n);
  chapter(
    "partial fills: alice buys 40 of 100, carol 100 at 10x leverage, both from bob's order 1",
    [trade(order(1n, 0n, Side.Buy, 100n, 1010n, 1n), bobSell, 40n, 1000n), trade(order(3n, 0n, Side.Buy, 100n, 1000n, 1n), bobSell, 100n, 1000n)],
    [Trade, Trade],
    true,
  );
  expect(account(3n).size[0]).toBe(100n);

  chapter(
    "funding moves by exactly its bound; alice's order 5 reuses order 1's slot; bob's order continues; dave goes long m1",
    [trade(bobSell, order(1n, 0n, Side.Buy, 30n, 1005n, 5n), 30n, 1002n), trade(order(4n, 1n, Side.Buy, 1000n, 51n, 1n), order(6n, 1n, Side.Sell, 3000n, 49n, 2n), 1000n, 50n)],
    [Trade, Trade],
    false,
    { funding: [10n, -1n] }, // 1% of 1000 and 2% of 50: the largest moves allowed
  );
  expect(state.orders(1n).slot(1n)).toEqual({ id: 5n, filled: 30n });

  chapter(
    "a fall to 930 puts carol below maintenance: liquidated into the backstop; erin buys m1 from frank's order 2",
    (mk) => [...maintenanceOps(state, mk), trade(order(5n, 1n, Side.Buy, 1000n, 50n, 1n), order(6n, 1n, Side.Sell, 3000n, 49n, 2n), 1000n, 50n)],
    [Liquidation, Trade],
    true,
    { prices: [930n, 50n] },
  );
  expect([account(3n).size, account(0n).size[0], state.ledger.insurance]).toEqual([[0n, 0n], 100n, 930n]);

  chapter("grace sells 100 at 930 to alice's order 6", [trade(order(7n, 0n, Side.Sell, 100n, 930n, 1n), order(1n, 0n, Side.Buy, 100n, 935n, 6n), 100n, 930n)], [Trade, Noop]);

  chapter(
    "a rise to 1000 puts grace below maintenance: erin liquidates her, signing",
    (mk) => {
      expect(maintenanceOps(state, mk)).toEqual([{ kind: "liquidation", liquidated: 7n, receiver: 0n }]);
      const nonce = account(5n).nonce;
      const sig = signLiquidation(kit.poseidon, kit.keys[key(5n)]!, { liquidatorIndex: 5n, liquidatedIndex: 7n, nonce });
      return [{ kind: "liquidation", liquidated: 7n, receiver: 5n, nonce, sig }];
    },
    [Liquidation, Noop],
    true,
    { prices: [1000n, 50n] },
  );
  expect([account(5n).size, account(5n).nonce]).toEqual([[-100n, 1000n], 1n]);

  const fundBefore = state.ledger.insurance;
  chapter(
    "m1 falls 10%: dave's deficit is covered by the insurance fund; erin, healthy past her m1 floor, is re-certified",
    (mk) => maintenanceOps(state, mk),
    [Liquidation, Recertify],
    true,
    { prices: [950n, 45n] },
  );
  expect(account(4n).collateral).toBe(0n);
  expect(state.ledger.insurance).toBeLessThan(fundBefore);

  chapter(
    "a rise to 1050 leaves erin between maintenance and initial margin: she may still buy back 10 (reduce only)",
    (mk) => {
      expect(initialHealth(account(5n).settle(mk.map((m) => m.funding)), mk)).toBeLessThan(0n);
      return [trade(order(5n, 0n, Side.Buy, 10n, 1060n, 3n), order(2n, 0n, Side.Sell, 50n, 1040n, 2n), 10n, 1050n)];
    },
    [Trade, Noop],
    true,
    { prices: [1050n, 45n] },
  );
  const mk = markets();
  expect(initialHealth(account(5n), mk)).toBeLessThan(0n);
  expect(maintenanceHealth(account(5n), mk)).toBeGreaterThanOrEqual(0n);

  chapter(
    "withdrawals: alice and bob, funding moving back down by its bound",
    [withdrawal(1n, 10_000n, 0xa11cen, 0n), withdrawal(2n, 5_000n, 0xb0bn, 0n)],
    [Withdrawal, Withdrawal],
    true,
    { funding: [0n, -1n] },
  );
  chapter("bob withdraws again with his next nonce", [withdrawal(2n, 1n, 0xb0bn, 1n)], [Withdrawal, Noop]);
  chapter("an empty batch: no-ops only", [], [Noop, Noop], true);
}

beforeAll(async () => {
  kit = await coreKit(4);
  circuit = await MarginCircuit.load(inject("marginTest"));
  writeStory();
});

describe("MarginBatch circuit vs TypeScript mirror: the story", () => {
  it("declares its public inputs in publicSignalNames order, at witness positions 1..19", async () => {
    expect(PUBLIC_NAMES).toHaveLength(19);
    for (const [i, name] of PUBLIC_NAMES.entries()) expect(await circuit.signal(`main.${name}`), name).toBe(i + 1);
  });

  it("goes through every operation kind", () => {
    const kinds = new Set(chapters.flatMap((c) => c.sealed.inputs.opType));
    expect([...kinds].sort()).toEqual([Noop, Deposit, Withdrawal, Trade, Liquidation, Recertify].map(BigInt));
    expect(chapters.filter((c) => c.r1cs).length).toBeGreaterThanOrEqual(5);
  });

  it("accepts every batch with exactly the mirror's public signals", async () => {
    for (const { title, sealed, r1cs } of chapters) {
      const computed = await circuit.publicSignals(sealed.inputs);
      expect(computed, title).toEqual(sealed.publicSignals);
      if (r1cs) expect(await circuit.satisfies(await circuit.memWitness(sealed.inputs)), title).toBe(true);
    }
  });

  it("chains the batches: each starts from the root, deposit chain and funds the previous one ended with", () => {
    const at = (c: Chapter, name: string) => c.sealed.publicSignals[PUBLIC_NAMES.indexOf(name)];
    for (let i = 1; i < chapters.length; i++) {
      const [prev, next] = [chapters[i - 1]!, chapters[i]!];
      for (const [before, after] of [["newRoot", "oldRoot"], ["depositHashNew", "depositHashOld"], ["insuranceNew", "insuranceOld"], ["feesNew", "feesOld"], ["funding[0]", "fundingOld[0]"]]) {
        expect(at(next, after!), `${next.title}: ${after}`).toBe(at(prev, before!));
      }
    }
  });
});

describe("MarginBatch circuit vs TypeScript mirror: the largest values each range admits", () => {
  it("accepts amounts of 2^62 - 1, a fill of 2^47 - 1, prices 2^48 - 1 and 1, a maximal funding move, the last time, order id and index", async () => {
    const max = (bits: number) => 2n ** BigInt(bits) - 1n;
    const last = max(SHAPE.depth);
    const edge = { timestamp: max(40) };
    let state = genesis(kit, SHAPE);
    const run = (ops: Op[], o: ContextOverrides = {}) => {
      const sealed = sealOps(kit, state, ops, { ...edge, ...o });
      state = sealed.state;
      return sealed;
    };
    const batches = [
      run([deposit(kit, 0n, 0, max(62)), deposit(kit, 0n, 0, max(62))]), // the backstop at 2^63 - 2
      run([deposit(kit, 1n, 1, max(62)), deposit(kit, last, 3, max(62))]),
    ];
    // Market 1 at price 1: account 1 buys 2^47 - 1 lots from the last account, limits at the ends.
    const o = (account: bigint, side: Side, limitPrice: bigint) =>
      signed(kit, key(account), { accountIndex: account, market: 1n, side, size: max(47), limitPrice, expiry: max(40), orderId: max(32) });
    const prices = [max(48), 1n];
    const funding = [(PARAMS[0]!.maxFunding * max(48)) / 1_000_000n, 0n]; // 1% of the price, rounded down
    batches.push(run([trade(o(1n, Side.Buy, max(48)), o(last, Side.Sell, 1n), max(47), 1n), withdrawal(0n, max(62), 2n ** 160n - 1n, 0n)], { prices, funding }));
    expect(state.account(1n).size[1]).toBe(max(47));
    for (const b of batches) await circuit.expectAccepted(b);
    await circuit.expectAccepted(batches[2]!, true);
  });
});

