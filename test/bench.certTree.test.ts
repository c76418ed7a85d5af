/** CertTree.bulkLoad (the benchmark's loader for 10k-100k accounts) gives the tree `set` builds. */
import { beforeAll, describe, expect, it } from "vitest";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { sentinelAggregates, type Aggregates, type MarketAgg } from "../sequencer/core/aggregates.js";
import { CertTree } from "../sequencer/core/certTree.js";
import { NO_CEIL, NO_FLOOR } from "../sequencer/core/constants.js";
import { prng, type Rng } from "./helpers/core.js";

let poseidon: Poseidon;
beforeAll(async () => {
  poseidon = await getPoseidon();
});

function randomAgg(rng: Rng, markets: number): Aggregates {
  return Array.from({ length: markets }, (): MarketAgg => {
    const k = rng.int(3);
    if (k === 0) return [rng.big(-(10n ** 12n), 10n ** 12n), NO_CEIL];
    if (k === 1) return [NO_FLOOR, rng.big(-(10n ** 12n), 10n ** 12n)];
    return [NO_FLOOR, NO_CEIL];
  });
}

function expectSameTree(a: CertTree, b: CertTree, rng: Rng): void {
  expect(a.root).toBe(b.root);
  expect(a.rootAggregates).toEqual(b.rootAggregates);
  expect(a.opening()).toEqual(b.opening());
  expect(a.leafIndices()).toEqual(b.leafIndices());
  for (const i of a.leafIndices()) {
    expect(a.leaf(i)).toBe(b.leaf(i));
    expect(a.aggregates(i)).toEqual(b.aggregates(i));
  }
  for (let k = 0; k < 20; k++) {
    const i = BigInt(rng.int(Number(a.capacity)));
    expect(a.witness(i)).toEqual(b.witness(i));
  }
  for (let k = 0; k < 10; k++) {
    const YL = Array.from({ length: a.markets }, () => rng.big(-(10n ** 12n), 10n ** 12n));
    const YS = Array.from({ length: a.markets }, () => rng.big(-(10n ** 12n), 10n ** 12n));
    expect(a.violations(YL, YS)).toEqual(b.violations(YL, YS));
  }
}

describe("CertTree.bulkLoad", () => {
  it("equals the tree built leaf by leaf, for sparse, dense and edge-of-range leaves", () => {
    for (const [depth, markets, n] of [[1, 1, 2], [4, 2, 16], [6, 3, 20], [10, 2, 300]] as const) {
      const rng = prng(1000 + depth);
      const leaves = new Map<bigint, readonly [bigint, bigint, Aggregates]>();
      const capacity = 1 << depth;
      const indices = [0, capacity - 1, ...Array.from({ length: n }, () => rng.int(capacity))];
      for (const i of indices) leaves.set(BigInt(i), [BigInt(i), rng.big(1n, 2n ** 200n), randomAgg(rng, markets)]);
      const incremental = new CertTree({ poseidon, depth, markets });
      for (const [i, v, agg] of leaves.values()) incremental.set(i, v, agg);
      const bulk = new CertTree({ poseidon, depth, markets });
      bulk.bulkLoad(leaves.values());
      expectSameTree(bulk, incremental, rng);
      // and it keeps behaving the same under later writes
      const i = BigInt(rng.int(capacity));
      const agg = randomAgg(rng, markets);
      bulk.set(i, 77n, agg);
      incremental.set(i, 77n, agg);
      expectSameTree(bulk, incremental, rng);
    }
  });

  it("skips empty leaves as set does, and refuses a non-empty tree, duplicates and bad input", () => {
    const tree = new CertTree({ poseidon, depth: 3, markets: 1 });
    tree.bulkLoad([[2n, 0n, sentinelAggregates(1)]]);
    expect(tree.root).toBe(new CertTree({ poseidon, depth: 3, markets: 1 }).root);
    tree.set(1n, 5n, [[3n, NO_CEIL]]);
    expect(() => tree.bulkLoad([])).toThrow(/empty tree/);
    const fresh = () => new CertTree({ poseidon, depth: 3, markets: 1 });
    expect(() => fresh().bulkLoad([[1n, 5n, [[3n, NO_CEIL]]], [1n, 6n, [[3n, NO_CEIL]]]])).toThrow(/twice/);
    expect(() => fresh().bulkLoad([[8n, 5n, [[3n, NO_CEIL]]]])).toThrow(RangeError);
    expect(() => fresh().bulkLoad([[1n, 5n, sentinelAggregates(2)]])).toThrow(/aggregates/);
  });
});
