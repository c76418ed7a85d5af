/** CoreState: clones are independent, JSON round-trips to the same root, writes are guarded. */
import { beforeAll, describe, expect, it } from "vitest";
import { Account } from "../sequencer/core/account.js";
import { CoreState } from "../sequencer/core/state.js";
import { coreKit, deposit, genesis, runBatch, signed, type CoreKit } from "./helpers/core.js";
import { Side } from "../sequencer/core/constants.js";

let kit: CoreKit;
let state: CoreState;

beforeAll(async () => {
  kit = await coreKit(3);
  const s1 = runBatch(kit, genesis(kit), [deposit(kit, 0n, 0, 10n ** 9n), deposit(kit, 1n, 1, 10n ** 6n), deposit(kit, 2n, 2, 10n ** 6n)]).state;
  const o = (accountIndex: bigint, side: Side) => ({ accountIndex, market: 1n, side, size: 100n, limitPrice: 50n, expiry: 5000n, orderId: 12n });
  state = runBatch(kit, s1, [{ kind: "trade", taker: signed(kit, 1, o(1n, Side.Buy)), maker: signed(kit, 2, o(2n, Side.Sell)), fill: 60n, price: 50n }], {
    funding: [2n, -1n],
  }).state;
});

describe("CoreState", () => {
  it("genesis: empty accounts everywhere, the empty-subtree root, zero ledger", () => {
    const g = genesis(kit);
    expect(g.account(5n).isEmpty).toBe(true);
    expect(g.accountCount).toBe(0);
    expect(g.ledger).toEqual({ insurance: 0n, fees: 0n, depositHash: 0n, depositCount: 0n, funding: [0n, 0n], batchCount: 0n });
    expect(g.orders(5n).root).toBe(g.slots.emptyRoot);
    expect(() => g.account(64n)).toThrow(RangeError);
  });

  it("clones are independent both ways", () => {
    const copy = state.clone();
    const root = state.root;
    copy.putAccount(7n, copy.account(1n).with({ collateral: 5n }), copy.orders(1n));
    copy.setLedger({ ...copy.ledger, fees: 999n });
    expect(state.root).toBe(root);
    expect(state.account(7n).isEmpty).toBe(true);
    expect(state.ledger.fees).not.toBe(999n);
    expect(copy.account(7n).collateral).toBe(5n);
    expect(copy.orders(7n).root).toBe(state.orders(1n).root);
  });

  it("round-trips through JSON, recomputing the same root, orders and ledger", () => {
    const back = CoreState.fromJSON(kit.poseidon, JSON.parse(JSON.stringify(state.toJSON())));
    expect(back.root).toBe(state.root);
    expect(back.ledger).toEqual(state.ledger);
    expect(back.orders(2n).slot(4n)).toEqual({ id: 12n, filled: 60n });
    expect([...back.entries()].map(([i]) => i)).toEqual([0n, 1n, 2n]);
  });

  it("refuses writes that would break the leaf's commitments", () => {
    const copy = state.clone();
    const a = copy.account(1n);
    expect(() => copy.putAccount(1n, a.with({ ordersRoot: 1n }))).toThrow(/ordersRoot/);
    expect(() => copy.putAccount(1n, a.with({ collateral: 2n ** 63n }))).toThrow(/collateral/);
    expect(() => copy.putAccount(1n, Account.empty(2))).toThrow(RangeError);
    expect(() => copy.setLedger({ ...copy.ledger, funding: [0n] })).toThrow(RangeError);
  });
});
