/** Signed messages (§6): hash input orders against circomlibjs, signing, and order ranges. */
import { buildPoseidon } from "circomlibjs";
import { beforeAll, describe, expect, it } from "vitest";
import { Side, TAG_LIQUIDATE, TAG_ORDER, TAG_WITHDRAW } from "../sequencer/core/constants.js";
import {
  liquidationHash,
  orderHash,
  orderRangeViolation,
  signLiquidation,
  signOrder,
  signWithdrawal,
  withdrawalHash,
  type Order,
} from "../sequencer/core/order.js";
import { coreKit, type CoreKit } from "./helpers/core.js";

let kit: CoreKit;
const order: Order = { accountIndex: 3n, market: 1n, side: Side.Sell, size: 50n, limitPrice: 990n, expiry: 2000n, orderId: 77n };

beforeAll(async () => {
  kit = await coreKit(1);
});

describe("messages", () => {
  it("hash with the tag first and fields in the spec's order", async () => {
    const ref = await buildPoseidon();
    const h = (xs: bigint[]) => ref.F.toObject(ref(xs));
    expect(orderHash(kit.poseidon, order)).toBe(h([TAG_ORDER, 3n, 1n, 1n, 50n, 990n, 2000n, 77n]));
    expect(withdrawalHash(kit.poseidon, { accountIndex: 3n, amount: 10n, l1Address: 0xabcn, nonce: 4n })).toBe(h([TAG_WITHDRAW, 3n, 10n, 0xabcn, 4n, 0n, 0n, 0n]));
    expect(liquidationHash(kit.poseidon, { liquidatorIndex: 5n, liquidatedIndex: 3n, nonce: 1n })).toBe(h([TAG_LIQUIDATE, 5n, 3n, 1n, 0n, 0n, 0n, 0n]));
  });

  it("signatures verify over the message hash under the signer's key only", () => {
    const key = kit.keys[0]!;
    const so = signOrder(kit.poseidon, key, order);
    expect(kit.eddsa.verify(key.pub, orderHash(kit.poseidon, order), so.sig)).toBe(true);
    expect(kit.eddsa.verify(key.pub, orderHash(kit.poseidon, { ...order, size: 51n }), so.sig)).toBe(false);
    const w = { accountIndex: 3n, amount: 10n, l1Address: 1n, nonce: 0n };
    expect(kit.eddsa.verify(key.pub, withdrawalHash(kit.poseidon, w), signWithdrawal(kit.poseidon, key, w))).toBe(true);
    const l = { liquidatorIndex: 1n, liquidatedIndex: 2n, nonce: 0n };
    expect(kit.eddsa.verify(key.pub, liquidationHash(kit.poseidon, l), signLiquidation(kit.poseidon, key, l))).toBe(true);
  });

  it("range checks orders at the edges", () => {
    expect(orderRangeViolation(order)).toBeUndefined();
    expect(orderRangeViolation({ ...order, size: 2n ** 47n - 1n, limitPrice: 2n ** 48n - 1n, expiry: 2n ** 40n - 1n, orderId: 2n ** 32n - 1n })).toBeUndefined();
    expect(orderRangeViolation({ ...order, size: 2n ** 47n })).toMatch(/size/);
    expect(orderRangeViolation({ ...order, limitPrice: 0n })).toMatch(/limit/);
    expect(orderRangeViolation({ ...order, limitPrice: 2n ** 48n })).toMatch(/limit/);
    expect(orderRangeViolation({ ...order, expiry: 2n ** 40n })).toMatch(/expiry/);
    expect(orderRangeViolation({ ...order, orderId: 0n })).toMatch(/order id/);
    expect(orderRangeViolation({ ...order, orderId: 2n ** 32n })).toMatch(/order id/);
    expect(orderRangeViolation({ ...order, side: 2 as Side })).toMatch(/side/);
  });
});
