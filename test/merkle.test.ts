import { beforeAll, describe, expect, it } from "vitest";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { seededRandom } from "./helpers/random.js";
import { EMPTY_LEAF, rootFromPath, SparseMerkleTree, type NodeHasher } from "../sequencer/state/merkle.js";

let poseidon: Poseidon;
let hash: NodeHasher;

beforeAll(async () => {
  poseidon = await getPoseidon();
  hash = (l, r) => poseidon([l, r]);
});

/** Reference: the full tree hashed level by level from a dense leaf array. */
function denseRoot(leaves: readonly bigint[]): bigint {
  let level = [...leaves];
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hash(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0]!;
}

describe("SparseMerkleTree", () => {
  it("matches a dense reference tree after random writes, overwrites and deletions", () => {
    const depth = 4;
    const tree = new SparseMerkleTree(depth, hash);
    const dense = Array.from({ length: 1 << depth }, () => EMPTY_LEAF);
    expect(tree.root).toBe(denseRoot(dense));
    const rand = seededRandom("merkle vs dense");
    for (let step = 0; step < 40; step++) {
      const i = rand(1 << depth);
      const leaf = rand(4) === 0 ? EMPTY_LEAF : BigInt(rand(1000) + 1);
      tree.set(BigInt(i), leaf);
      dense[i] = leaf;
      expect(tree.root).toBe(denseRoot(dense));
      expect(tree.leaf(BigInt(i))).toBe(leaf);
    }
    expect(tree.size).toBe(dense.filter((l) => l !== EMPTY_LEAF).length);
  });

  it("empty-tree root is the zero hash chain, and depth changes it", () => {
    const z1 = hash(0n, 0n);
    const z2 = hash(z1, z1);
    expect(new SparseMerkleTree(2, hash).root).toBe(z2);
    expect(new SparseMerkleTree(3, hash).root).toBe(hash(z2, z2));
  });

  it("paths lead from every leaf to the root, and a wrong leaf, index or sibling does not", () => {
    const tree = new SparseMerkleTree(8, hash);
    for (const [i, v] of [[0n, 11n], [1n, 12n], [200n, 13n], [255n, 14n]] as const) tree.set(i, v);
    for (const i of [0n, 1n, 2n, 200n, 255n]) {
      const siblings = tree.path(i);
      expect(siblings).toHaveLength(8);
      expect(rootFromPath(hash, tree.leaf(i), i, siblings)).toBe(tree.root);
    }
    const siblings = tree.path(200n);
    expect(rootFromPath(hash, 99n, 200n, siblings)).not.toBe(tree.root);
    expect(rootFromPath(hash, 13n, 201n, siblings)).not.toBe(tree.root);
    const bent = [...siblings];
    bent[5] = bent[5]! + 1n;
    expect(rootFromPath(hash, 13n, 200n, bent)).not.toBe(tree.root);
  });

  it("a clone is independent of its original", () => {
    const tree = new SparseMerkleTree(5, hash);
    tree.set(3n, 7n);
    const before = tree.root;
    const copy = tree.clone();
    copy.set(3n, 8n);
    copy.set(9n, 1n);
    expect(tree.root).toBe(before);
    expect(tree.leaf(9n)).toBe(EMPTY_LEAF);
    tree.set(3n, 8n);
    tree.set(9n, 1n);
    expect(tree.root).toBe(copy.root);
  });

  it("setting a leaf back to empty restores the earlier root and frees its nodes", () => {
    const tree = new SparseMerkleTree(6, hash);
    const empty = tree.root;
    tree.set(17n, 5n);
    tree.set(17n, EMPTY_LEAF);
    expect(tree.root).toBe(empty);
    expect(tree.size).toBe(0);
  });

  it("rejects indices outside the tree and bad depths", () => {
    const tree = new SparseMerkleTree(3, hash);
    expect(() => tree.set(8n, 1n)).toThrow(RangeError);
    expect(() => tree.path(-1n)).toThrow(RangeError);
    expect(() => rootFromPath(hash, 1n, 8n, tree.path(0n))).toThrow(RangeError);
    expect(() => new SparseMerkleTree(0, hash)).toThrow(RangeError);
    expect(() => new SparseMerkleTree(33, hash)).toThrow(RangeError);
  });
});

describe("getPoseidon", () => {
  it("matches circomlib's published Poseidon(2) vector and refuses out-of-field inputs", () => {
    // Test vector from circomlibjs' own tests (poseidon([1, 2])).
    expect(poseidon([1n, 2n])).toBe(
      7853200120776062878684798364095072458815029376092732009249414926327459813530n,
    );
    expect(() => poseidon([-1n])).toThrow(RangeError);
  });
});
