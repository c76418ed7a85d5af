/** Hash of two children into their parent node. */
export type NodeHasher = (left: bigint, right: bigint) => bigint;

/** Empty leaves hold 0, matching the circuits' encoding of an unused slot. */
export const EMPTY_LEAF = 0n;

/**
 * A sparse binary Merkle tree of fixed depth. Only non-empty nodes are stored; an absent node is
 * the root of an empty subtree of its height, read from a cache built once per tree.
 *
 * Leaf index bit i (least significant first) set means the node is the right child at level i, the
 * convention of `MerklePathRoot` in circuits/lib/merkle_path_root.circom.
 */
export class SparseMerkleTree {
  readonly depth: number;
  readonly capacity: bigint;
  private readonly hash: NodeHasher;
  /** zeros[h] is the root of an empty subtree of height h. */
  private readonly zeros: readonly bigint[];
  /** levels[h] maps a node's index at height h to its value, for non-empty nodes only. */
  private readonly levels: Map<bigint, bigint>[];

  constructor(depth: number, hash: NodeHasher) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 32) {
      throw new RangeError(`tree depth must be an integer in [1, 32], got ${depth}`);
    }
    this.depth = depth;
    this.capacity = 1n << BigInt(depth);
    this.hash = hash;
    const zeros = [EMPTY_LEAF];
    for (let h = 0; h < depth; h++) zeros.push(hash(zeros[h]!, zeros[h]!));
    this.zeros = zeros;
    this.levels = Array.from({ length: depth + 1 }, () => new Map<bigint, bigint>());
  }

  get root(): bigint {
    return this.node(this.depth, 0n);
  }

  /** The leaf at `index` (EMPTY_LEAF when never set). */
  leaf(index: bigint): bigint {
    this.checkIndex(index);
    return this.node(0, index);
  }

  /** Sets a leaf and rehashes its path; setting EMPTY_LEAF deletes it. */
  set(index: bigint, leaf: bigint): void {
    this.checkIndex(index);
    let i = index;
    let value = leaf;
    for (let h = 0; h <= this.depth; h++) {
      if (value === this.zeros[h]) this.levels[h]!.delete(i);
      else this.levels[h]!.set(i, value);
      if (h === this.depth) break;
      const sibling = this.node(h, i ^ 1n);
      value = (i & 1n) === 0n ? this.hash(value, sibling) : this.hash(sibling, value);
      i >>= 1n;
    }
  }

  /** Siblings of the path from leaf `index` to the root, bottom-up. */
  path(index: bigint): bigint[] {
    this.checkIndex(index);
    const siblings: bigint[] = [];
    let i = index;
    for (let h = 0; h < this.depth; h++) {
      siblings.push(this.node(h, i ^ 1n));
      i >>= 1n;
    }
    return siblings;
  }

  /** An independent copy: writes to either tree leave the other unchanged. */
  clone(): SparseMerkleTree {
    const copy = new SparseMerkleTree(this.depth, this.hash);
    this.levels.forEach((nodes, h) => {
      for (const [i, value] of nodes) copy.levels[h]!.set(i, value);
    });
    return copy;
  }

  /** Number of non-empty leaves. */
  get size(): number {
    return this.levels[0]!.size;
  }

  private node(height: number, index: bigint): bigint {
    return this.levels[height]!.get(index) ?? this.zeros[height]!;
  }

  private checkIndex(index: bigint): void {
    if (index < 0n || index >= this.capacity) {
      throw new RangeError(`leaf index ${index} outside a tree of depth ${this.depth}`);
    }
  }
}

/** The root a leaf and its bottom-up sibling path lead to: the computation the circuit does. */
export function rootFromPath(
  hash: NodeHasher,
  leaf: bigint,
  index: bigint,
  siblings: readonly bigint[],
): bigint {
  let node = leaf;
  let i = index;
  for (const sibling of siblings) {
    node = (i & 1n) === 0n ? hash(node, sibling) : hash(sibling, node);
    i >>= 1n;
  }
  if (i !== 0n) throw new RangeError(`leaf index ${index} needs more than ${siblings.length} levels`);
  return node;
}
