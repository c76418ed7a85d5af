/** The certificate tree: node hash order, empty subtrees, witnesses, aggregates, opening, violations. */
import { buildPoseidon } from "circomlibjs";
import { beforeAll, describe, expect, it } from "vitest";
import { toField } from "../sequencer/crypto/field.js";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { combineAggregates, sentinelAggregates, type Aggregates, type MarketAgg } from "../sequencer/core/aggregates.js";
import { CertTree, certNodeHash, certParent, certRootFromWitness, type CertNode } from "../sequencer/core/certTree.js";
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

describe("certificate tree node", () => {
  it("hashes Poseidon(vL, vR, floorL_0, ceilL_0, ..., floorR_0, ceilR_0, ...) with signed values field-encoded", async () => {
    const ref = await buildPoseidon();
    const left: CertNode = { value: 5n, agg: [[-3n, NO_CEIL], [NO_FLOOR, 8n]] };
    const right: CertNode = { value: 6n, agg: [[NO_FLOOR, -4n], [9n, 10n]] };
    const inputs = [5n, 6n, -3n, NO_CEIL, NO_FLOOR, 8n, NO_FLOOR, -4n, 9n, 10n].map(toField);
    expect(certNodeHash(poseidon, left, right)).toBe(ref.F.toObject(ref(inputs)));
    expect(certParent(poseidon, left, right).agg).toEqual([
      [-3n, -4n],
      [9n, 8n],
    ]);
  });

  it("empty subtrees: Z_0 = 0 with sentinels, Z_{h+1} = node(Z_h, Z_h); genesis root Z_D", () => {
    const tree = new CertTree({ poseidon, depth: 3, markets: 2 });
    let z: CertNode = { value: 0n, agg: sentinelAggregates(2) };
    for (let h = 0; h < 3; h++) {
      expect(tree.emptySubtree(h)).toEqual(z);
      z = { value: certNodeHash(poseidon, z, z), agg: z.agg };
    }
    expect(tree.root).toBe(z.value);
    expect(tree.rootAggregates).toEqual(sentinelAggregates(2));
  });
});

describe("CertTree", () => {
  it("witnesses verify, aggregates equal brute force, the root opening hashes to the root", () => {
    for (const markets of [1, 2, 3]) {
      const rng = prng(20 + markets);
      const depth = 4;
      const tree = new CertTree({ poseidon, depth, markets });
      const leaves = new Map<bigint, CertNode>();
      for (let step = 0; step < 25; step++) {
        const i = BigInt(rng.int(1 << depth));
        const node: CertNode = { value: rng.big(1n, 2n ** 200n), agg: randomAgg(rng, markets) };
        // Before the write, the old leaf's witness leads to the current root.
        const w = tree.witness(i);
        const old: CertNode = { value: tree.leaf(i), agg: tree.aggregates(i) };
        expect(certRootFromWitness(poseidon, old, i, w).value).toBe(tree.root);
        tree.set(i, node.value, node.agg);
        leaves.set(i, node);
        // The new leaf with the same witness leads to the new root (the circuit's new-path check).
        const up = certRootFromWitness(poseidon, node, i, w);
        expect(up.value).toBe(tree.root);
        expect(up.agg).toEqual(tree.rootAggregates);
      }
      const brute = [...leaves.values()].reduce((acc, n) => combineAggregates(acc, n.agg), sentinelAggregates(markets));
      expect(tree.rootAggregates).toEqual(brute);
      const { left, right } = tree.opening();
      expect(certNodeHash(poseidon, left, right)).toBe(tree.root);
      expect(combineAggregates(left.agg, right.agg)).toEqual(tree.rootAggregates);
      for (const [i, n] of leaves) {
        expect(tree.leaf(i)).toBe(n.value);
        expect(certRootFromWitness(poseidon, n, i, tree.witness(i)).value).toBe(tree.root);
      }
    }
  });

  it("a dense reference tree gives the same root", () => {
    const rng = prng(30);
    const depth = 3;
    const tree = new CertTree({ poseidon, depth, markets: 2 });
    let level: CertNode[] = Array.from({ length: 1 << depth }, () => ({ value: 0n, agg: sentinelAggregates(2) }));
    for (let k = 0; k < 5; k++) {
      const i = rng.int(1 << depth);
      const n: CertNode = { value: rng.big(1n, 2n ** 100n), agg: randomAgg(rng, 2) };
      tree.set(BigInt(i), n.value, n.agg);
      level[i] = n;
    }
    while (level.length > 1) {
      const next: CertNode[] = [];
      for (let j = 0; j < level.length; j += 2) next.push(certParent(poseidon, level[j]!, level[j + 1]!));
      level = next;
    }
    expect(tree.root).toBe(level[0]!.value);
    expect(tree.rootAggregates).toEqual(level[0]!.agg);
  });

  it("lists exactly the leaves whose bounds the Y values violate", () => {
    const rng = prng(31);
    const tree = new CertTree({ poseidon, depth: 5, markets: 2 });
    const leaves = new Map<bigint, Aggregates>();
    for (let k = 0; k < 20; k++) {
      const i = BigInt(rng.int(32));
      const agg = randomAgg(rng, 2);
      tree.set(i, rng.big(1n, 2n ** 100n), agg);
      leaves.set(i, agg);
    }
    for (let k = 0; k < 20; k++) {
      const YL = [rng.big(-(10n ** 12n), 10n ** 12n), rng.big(-(10n ** 12n), 10n ** 12n)];
      const YS = [rng.big(-(10n ** 12n), 10n ** 12n), rng.big(-(10n ** 12n), 10n ** 12n)];
      const expected = [...leaves]
        .filter(([, a]) => a.some(([f, c], m) => YL[m]! < f || YS[m]! > c))
        .map(([i]) => i)
        .sort((a, b) => (a < b ? -1 : 1));
      expect(tree.violations(YL, YS)).toEqual(expected);
    }
  });

  it("clones independently and refuses indices outside the tree", () => {
    const tree = new CertTree({ poseidon, depth: 3, markets: 1 });
    tree.set(1n, 7n, [[5n, NO_CEIL]]);
    const copy = tree.clone();
    copy.set(2n, 8n, [[NO_FLOOR, 3n]]);
    expect(tree.leaf(2n)).toBe(0n);
    expect(copy.root).not.toBe(tree.root);
    expect(tree.rootAggregates).toEqual([[5n, NO_CEIL]]);
    expect(() => tree.set(8n, 1n, [[0n, 0n]])).toThrow(RangeError);
    expect(() => tree.witness(-1n)).toThrow(RangeError);
  });
});

// CertTree.bulkLoad: the benchmark's loader for 10k-100k accounts gives the tree `set` builds.

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
