/**
 * The honest starting points of the cheating-prover tests (test/core.circuit.cheat*.test.ts): a
 * small state at the circuit's test shape and honest batches over it that the tests then tamper
 * with, each cheat changing one thing so that exactly one rule can catch it.
 *
 * Accounts (key = index mod 4): 0 backstop (10^9), 1 alice (100,000), 2 bob (100,000),
 * 3 carol (12,000), 4 dave (5,000). Markets: test/helpers/core.ts PARAMS at prices 1000 and 50.
 * Then `t1`: alice's buy order X (id 1, 20 lots) fills completely against bob's sell order Y
 * (id 1, 100 lots); `t2`: alice's order Z (id 6: slot 6 mod 4 = 2) fills 10 more against Y, and
 * carol buys the last 70 of Y at 10x leverage. After `t2` (state `s3`) carol is liquidatable below
 * about 873, and Y is fully filled.
 */
import type { AccountFields } from "../../sequencer/core/account.js";
import { aggregatesToArrays } from "../../sequencer/core/aggregates.js";
import { Side } from "../../sequencer/core/constants.js";
import type { MarginBatchInputs, Op, SealedBatch } from "../../sequencer/core/batch/index.js";
import { signLiquidation, signWithdrawal, type Order, type SignedOrder } from "../../sequencer/core/order.js";
import type { CoreState } from "../../sequencer/core/state.js";
import { deposit, genesis, signed, type CoreKit } from "./core.js";
import { sealOps, SHAPE, tampered } from "./coreCircuit.js";

export const ALICE = 1n;
export const BOB = 2n;
export const CAROL = 3n;
export const DAVE = 4n;
/** A leaf no operation has written. */
export const EMPTY_INDEX = 9n;
/** Expiry of the fixtures' orders; batches run at timestamp 1000 (nextContext's default). */
export const EXPIRY = 10_000n;
/** Oracle price of market 0 at which carol (70 lots long, 12,000 deposited) is below maintenance. */
export const CRASH = 850n;

export interface CheatWorld {
  readonly kit: CoreKit;
  /** after the deposits */
  readonly s1: CoreState;
  readonly t1: SealedBatch;
  /** after t1: alice's order X is fully filled */
  readonly s2: CoreState;
  readonly t2: SealedBatch;
  /** after t2 */
  readonly s3: CoreState;
  readonly x: SignedOrder;
  readonly y: SignedOrder;
}

export const keyOf = (account: bigint): number => Number(account % 4n);

export function orderOf(kit: CoreKit, o: Partial<Order> & Pick<Order, "accountIndex" | "side" | "orderId">): SignedOrder {
  const order: Order = { market: 0n, size: 100n, limitPrice: o.side === Side.Buy ? 1010n : 990n, expiry: EXPIRY, ...o };
  return signed(kit, keyOf(order.accountIndex), order);
}

export function tradeOp(taker: SignedOrder, maker: SignedOrder, fill: bigint, price = 1000n): Op {
  return { kind: "trade", taker, maker, fill, price };
}

export function withdrawalOp(kit: CoreKit, index: bigint, amount: bigint, nonce = 0n, l1Address = 0xa11cen): Op {
  const sig = signWithdrawal(kit.poseidon, kit.keys[keyOf(index)]!, { accountIndex: index, amount, l1Address, nonce });
  return { kind: "withdrawal", index, amount, l1Address, nonce, sig };
}

/** `receiver` liquidates `liquidated`, signing with its current nonce in `state`. */
export function signedLiquidation(kit: CoreKit, state: CoreState, liquidated: bigint, receiver: bigint): Op {
  const nonce = state.account(receiver).nonce;
  const sig = signLiquidation(kit.poseidon, kit.keys[keyOf(receiver)]!, { liquidatorIndex: receiver, liquidatedIndex: liquidated, nonce });
  return { kind: "liquidation", liquidated, receiver, nonce, sig };
}

export function cheatWorld(kit: CoreKit): CheatWorld {
  const s0 = sealOps(kit, genesis(kit, SHAPE), [deposit(kit, 0n, 0, 10n ** 9n), deposit(kit, ALICE, 1, 100_000n)]).state;
  const s1 = sealOps(kit, s0, [deposit(kit, BOB, 2, 100_000n), deposit(kit, CAROL, 3, 12_000n)]).state;
  const s1b = sealOps(kit, s1, [deposit(kit, DAVE, 0, 5_000n)]).state;
  const x = orderOf(kit, { accountIndex: ALICE, side: Side.Buy, size: 20n, orderId: 1n });
  const y = orderOf(kit, { accountIndex: BOB, side: Side.Sell, size: 100n, orderId: 1n });
  const t1 = sealOps(kit, s1b, [tradeOp(x, y, 20n)]);
  const z = orderOf(kit, { accountIndex: ALICE, side: Side.Buy, size: 30n, orderId: 6n });
  const carol = orderOf(kit, { accountIndex: CAROL, side: Side.Buy, size: 100n, limitPrice: 1000n, orderId: 1n });
  const t2 = sealOps(kit, t1.state, [tradeOp(z, y, 10n), tradeOp(carol, y, 70n)]);
  return { kit, s1: s1b, t1, s2: t1.state, t2, s3: t2.state, x, y };
}

/**
 * The batch's inputs with the last slot's account A written as `change` of what the mirror wrote,
 * and everything after that write made consistent with it, as a cheating prover would: the slot's
 * untouched B names A itself, read in the tree after A's write (CORE_SPEC §9 lets an untouched
 * account be any leaf with a valid witness), and newRoot and its opening are the tree's with that
 * leaf. Only the rules that judge A's new leaf are left to catch the change.
 */
export function rewriteLastWrite(sealed: SealedBatch, change: Partial<AccountFields>): MarginBatchInputs {
  const t = sealed.inputs.opType.length - 1;
  const index = sealed.inputs.accIndex[t]![0]!;
  const after = sealed.state.clone();
  const account = after.account(index).with(change);
  after.putAccount(index, account);
  const { siblings, siblingAgg } = after.certTree.witness(index);
  const opening = after.certTree.opening();
  return tampered(sealed.inputs, (i) => {
    i.newSalt[t]![0] = account.salt;
    i.newBound[t]![0] = [...account.bound];
    const b = 1;
    [i.accIndex[t]![b], i.accIsEmpty[t]![b], i.accPkX[t]![b], i.accPkY[t]![b], i.accNonce[t]![b]] = [index, 0n, account.pkX, account.pkY, account.nonce];
    [i.accCollateral[t]![b], i.accOrdersRoot[t]![b], i.accSalt[t]![b], i.newSalt[t]![b]] = [account.collateral, account.ordersRoot, account.salt, account.salt];
    [i.accSize[t]![b], i.accFunding[t]![b], i.accBound[t]![b], i.newBound[t]![b]] = [[...account.size], [...account.funding], [...account.bound], [...account.bound]];
    [i.accSiblings[t]![b], i.accSiblingAgg[t]![b]] = [siblings, siblingAgg];
    i.newRoot = after.root;
    [i.rootLeft, i.rootRight] = [opening.left.value, opening.right.value];
    [i.rootAggLeft, i.rootAggRight] = [aggregatesToArrays(opening.left.agg), aggregatesToArrays(opening.right.agg)];
  });
}
