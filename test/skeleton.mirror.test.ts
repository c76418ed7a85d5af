/**
 * The skeleton batch builder on its own: typed refusals, scratch-state semantics and the encodings
 * the circuit and the contract rely on. (Agreement with the circuit is in skeleton.circuit.test.ts.)
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PublicKey } from "../sequencer/crypto/babyjub.js";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { accountLeaf, depositsHash } from "../sequencer/skeleton/account.js";
import { DEPOSIT_BATCH_PUBLIC_SIGNALS, SKELETON_PARAMS } from "../sequencer/skeleton/constants.js";
import { buildDepositBatch } from "../sequencer/skeleton/depositBatch.js";
import { nameDepositBatchSignals, orderDepositBatchSignals } from "../sequencer/skeleton/publicSignals.js";
import { SkeletonState } from "../sequencer/skeleton/state.js";
import { rootFromPath } from "../sequencer/state/merkle.js";
import { testKeys } from "./helpers/skeleton.js";

const U64_MAX = 2n ** 64n - 1n;
let poseidon: Poseidon;
let keys: PublicKey[];
const build = (state: SkeletonState, deposits: Parameters<typeof buildDepositBatch>[2], batchNumber = 1n) =>
  buildDepositBatch({ poseidon, params: SKELETON_PARAMS }, state, deposits, batchNumber);

beforeAll(async () => {
  poseidon = await getPoseidon();
  keys = await testKeys(2);
});

describe("buildDepositBatch", () => {
  it("refuses each bad deposit with its reason, skips it, and applies the rest in order", () => {
    const [a, b] = [keys[0]!, keys[1]!];
    const state = build(SkeletonState.empty(poseidon, SKELETON_PARAMS.depth), [{ index: 4n, pubKey: a, amount: U64_MAX - 1n }]).state;
    const badKey: PublicKey = { x: SNARK_FIELD_SIZE, y: a.y };
    const batch = build(state, [
      { index: 4n, pubKey: b, amount: 1n }, // someone else's account
      { index: 4n, pubKey: a, amount: 2n }, // would pass 2^64 - 1
      { index: 2n ** 8n, pubKey: a, amount: 1n }, // outside the tree
      { index: 1n, pubKey: a, amount: 2n ** 64n }, // not a Uint64
      { index: 1n, pubKey: a, amount: -1n },
      { index: 1n, pubKey: badKey, amount: 1n },
      { index: 4n, pubKey: a, amount: 1n }, // fine: reaches U64_MAX exactly
      { index: 1n, pubKey: b, amount: 3n },
      { index: 2n, pubKey: b, amount: 3n },
      { index: 3n, pubKey: b, amount: 3n },
      { index: 5n, pubKey: b, amount: 3n }, // fifth valid deposit, T = 4
    ]);
    expect(batch.rejected.map((r) => r.reason)).toEqual([
      "KeyMismatch",
      "BalanceOverflow",
      "IndexOutOfRange",
      "AmountOutOfRange",
      "AmountOutOfRange",
      "InvalidPublicKey",
      "BatchFull",
    ]);
    expect(batch.included.map((d) => d.index)).toEqual([4n, 1n, 2n, 3n]);
    expect(batch.state.account(4n)?.balance).toBe(U64_MAX);
    expect(batch.inputs.enabled).toEqual([1n, 1n, 1n, 1n]);
  });

  it("never modifies the state it is given", () => {
    const state = SkeletonState.empty(poseidon, SKELETON_PARAMS.depth);
    const root = state.root;
    const batch = build(state, [{ index: 7n, pubKey: keys[0]!, amount: 9n }]);
    expect(state.root).toBe(root);
    expect(state.account(7n)).toBeUndefined();
    expect(batch.state.root).not.toBe(root);
  });

  it("emits paths against the running root and pads with disabled all-zero slots", () => {
    const state = SkeletonState.empty(poseidon, SKELETON_PARAMS.depth);
    const k = keys[0]!;
    const batch = build(state, [
      { index: 7n, pubKey: k, amount: 9n },
      { index: 7n, pubKey: k, amount: 1n },
    ]);
    const hash2 = (l: bigint, r: bigint): bigint => poseidon([l, r]);
    const { inputs } = batch;
    expect(rootFromPath(hash2, 0n, 7n, inputs.siblings[0]!)).toBe(inputs.oldRoot);
    const afterFirst = rootFromPath(hash2, accountLeaf(poseidon, { pubKey: k, balance: 9n }), 7n, inputs.siblings[0]!);
    expect(rootFromPath(hash2, accountLeaf(poseidon, { pubKey: k, balance: 9n }), 7n, inputs.siblings[1]!)).toBe(afterFirst);
    expect([inputs.isEmpty[0], inputs.isEmpty[1], inputs.oldBalance[1]]).toEqual([1n, 0n, 9n]);
    expect(inputs.enabled).toEqual([1n, 1n, 0n, 0n]);
    expect([inputs.amount[2], inputs.index[3], ...inputs.siblings[3]!]).toEqual(new Array(2 + SKELETON_PARAMS.depth).fill(0n));
    expect(inputs.depositsHash).toBe(depositsHash(poseidon, batch.included));
    expect(inputs.depositsHash).toBe(
      poseidon([poseidon([0n, k.x, k.y, 9n]), k.x, k.y, 1n]),
    );
  });

  it("orders public signals by DEPOSIT_BATCH_PUBLIC_SIGNALS, and names them back", () => {
    const batch = build(SkeletonState.empty(poseidon, SKELETON_PARAMS.depth), [{ index: 1n, pubKey: keys[1]!, amount: 5n }], 3n);
    const { inputs } = batch;
    expect(batch.publicSignals).toEqual(DEPOSIT_BATCH_PUBLIC_SIGNALS.map((name) => inputs[name]));
    expect(batch.publicSignals).toEqual([inputs.oldRoot, inputs.newRoot, inputs.depositsHash, 3n]);
    const named = nameDepositBatchSignals(batch.publicSignals);
    expect(orderDepositBatchSignals(named)).toEqual(batch.publicSignals);
    expect(() => nameDepositBatchSignals(batch.publicSignals.slice(1))).toThrow(RangeError);
  });

  it("refuses a state of another depth", () => {
    expect(() => build(SkeletonState.empty(poseidon, 4), [])).toThrow(RangeError);
  });
});
