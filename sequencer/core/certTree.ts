import { toField } from "../crypto/field.js";
import type { Poseidon } from "../crypto/poseidon.js";
import { aggregatesHold, combineAggregates, sentinelAggregates, type Aggregates } from "./aggregates.js";
import { EMPTY_LEAF } from "./constants.js";
import { validateMarketCount } from "./market.js";

/** A node of the certificate tree: its hash and its subtree's aggregates. */
export interface CertNode {
  readonly value: bigint;
  readonly agg: Aggregates;
}

/** A Merkle witness, bottom-up (level 0 = the leaf's sibling), in the circuit's input layout. */
export interface CertWitness {
  /** [D] sibling values */
  readonly siblings: bigint[];
  /** [D][M][2] sibling aggregates, [m][0] floor, [m][1] ceiling */
  readonly siblingAgg: bigint[][][];
}

/** The root's two children: what the circuit opens at the end of a batch (§4). */
export interface RootOpening {
  readonly left: CertNode;
  readonly right: CertNode;
}

/** Poseidon(vL, vR, floorL_0, ceilL_0, ..., floorL_{M-1}, ceilL_{M-1}, floorR_0, ceilR_0, ...). */
export function certNodeHash(poseidon: Poseidon, left: CertNode, right: CertNode): bigint {
  const aggInputs = (agg: Aggregates) => agg.flatMap(([f, c]) => [toField(f), toField(c)]);
  return poseidon([left.value, right.value, ...aggInputs(left.agg), ...aggInputs(right.agg)]);
}

/** The parent of two nodes: hash and combined aggregates. */
export function certParent(poseidon: Poseidon, left: CertNode, right: CertNode): CertNode {
  return { value: certNodeHash(poseidon, left, right), agg: combineAggregates(left.agg, right.agg) };
}

/** The root a leaf and its witness lead to: the computation of the circuit's new-path check. */
export function certRootFromWitness(poseidon: Poseidon, leaf: CertNode, index: bigint, witness: CertWitness): CertNode {
  let node = leaf;
  let i = index;
  witness.siblings.forEach((value, level) => {
    const agg = witness.siblingAgg[level]!.map(([f, c]) => [f!, c!] as const);
    const sibling = { value, agg };
    node = (i & 1n) === 0n ? certParent(poseidon, node, sibling) : certParent(poseidon, sibling, node);
    i >>= 1n;
  });
  if (i !== 0n) throw new RangeError(`leaf index ${index} needs more than ${witness.siblings.length} levels`);
  return node;
}

export interface CertTreeOptions {
  readonly poseidon: Poseidon;
  readonly depth: number;
  readonly markets: number;
}

/**
 * The certificate tree of CORE_SPEC §4: a sparse Poseidon tree whose every node also carries its
 * subtree's per-market max floor and min ceiling. Only non-empty nodes are stored; an absent node is
 * the empty subtree of its height, read from a cache (values Z_h, sentinel aggregates).
 *
 * Index bit i (least significant first) set: the node is the right child at level i.
 */
export class CertTree {
  readonly depth: number;
  readonly markets: number;
  readonly capacity: bigint;
  private readonly poseidon: Poseidon;
  /** zeros[h]: the empty subtree of height h. Shared between clones (never written). */
  private readonly zeros: readonly CertNode[];
  /** levels[h]: index at height h -> node, for non-empty nodes only. */
  private readonly levels: Map<bigint, CertNode>[];

  constructor(opts: CertTreeOptions, zeros?: readonly CertNode[]) {
    const { depth, markets } = opts;
    if (!Number.isInteger(depth) || depth < 1 || depth > 32) {
      throw new RangeError(`tree depth must be an integer in [1, 32], got ${depth}`);
    }
    validateMarketCount(markets);
    this.depth = depth;
    this.markets = markets;
    this.capacity = 1n << BigInt(depth);
    this.poseidon = opts.poseidon;
    this.zeros = zeros ?? CertTree.emptySubtrees(opts);
    this.levels = Array.from({ length: depth + 1 }, () => new Map<bigint, CertNode>());
  }

  /** Z_0 = 0 with sentinels; Z_{h+1} = node(Z_h, Z_h). zeros[D] is the genesis root. */
  static emptySubtrees(opts: CertTreeOptions): CertNode[] {
    const zeros: CertNode[] = [{ value: EMPTY_LEAF, agg: sentinelAggregates(opts.markets) }];
    for (let h = 0; h < opts.depth; h++) zeros.push(certParent(opts.poseidon, zeros[h]!, zeros[h]!));
    return zeros;
  }

  get root(): bigint {
    return this.node(this.depth, 0n).value;
  }

  get rootAggregates(): Aggregates {
    return this.node(this.depth, 0n).agg;
  }

  /** The empty subtree of height h (h = depth: the genesis root). */
  emptySubtree(height: number): CertNode {
    const z = this.zeros[height];
    if (z === undefined) throw new RangeError(`no height ${height} in a tree of depth ${this.depth}`);
    return z;
  }

  leaf(index: bigint): bigint {
    this.checkIndex(index);
    return this.node(0, index).value;
  }

  aggregates(index: bigint): Aggregates {
    this.checkIndex(index);
    return this.node(0, index).agg;
  }

  /** Writes a leaf and rehashes its path, recomputing every ancestor's aggregates. */
  set(index: bigint, value: bigint, agg: Aggregates): void {
    this.checkIndex(index);
    if (agg.length !== this.markets) throw new RangeError(`${agg.length} aggregates for ${this.markets} markets`);
    let node: CertNode = { value, agg };
    let i = index;
    for (let h = 0; h <= this.depth; h++) {
      if (node.value === this.zeros[h]!.value) this.levels[h]!.delete(i);
      else this.levels[h]!.set(i, node);
      if (h === this.depth) break;
      const sibling = this.node(h, i ^ 1n);
      node = (i & 1n) === 0n ? certParent(this.poseidon, node, sibling) : certParent(this.poseidon, sibling, node);
      i >>= 1n;
    }
  }

  /**
   * Fills an empty tree with many leaves at once, bottom-up: every stored node is hashed once, about
   * n + n/2 + ... hashes for n leaves instead of a path of D per leaf. The result is the tree that
   * `set`-ing the same leaves one by one would give (a test checks it).
   */
  bulkLoad(leaves: Iterable<readonly [index: bigint, value: bigint, agg: Aggregates]>): void {
    if (this.levels.some((nodes) => nodes.size > 0)) throw new Error("bulkLoad needs an empty tree");
    const bottom = this.levels[0]!;
    for (const [index, value, agg] of leaves) {
      this.checkIndex(index);
      if (agg.length !== this.markets) throw new RangeError(`${agg.length} aggregates for ${this.markets} markets`);
      if (bottom.has(index)) throw new RangeError(`leaf ${index} given twice`);
      if (value !== this.zeros[0]!.value) bottom.set(index, { value, agg });
    }
    for (let h = 0; h < this.depth; h++) {
      const parents = new Set<bigint>();
      for (const i of this.levels[h]!.keys()) parents.add(i >> 1n);
      const up = this.levels[h + 1]!;
      for (const p of parents) {
        const node = certParent(this.poseidon, this.node(h, 2n * p), this.node(h, 2n * p + 1n));
        if (node.value !== this.zeros[h + 1]!.value) up.set(p, node);
      }
    }
  }

  witness(index: bigint): CertWitness {
    this.checkIndex(index);
    const siblings: bigint[] = [];
    const siblingAgg: bigint[][][] = [];
    let i = index;
    for (let h = 0; h < this.depth; h++) {
      const s = this.node(h, i ^ 1n);
      siblings.push(s.value);
      siblingAgg.push(s.agg.map(([f, c]) => [f, c]));
      i >>= 1n;
    }
    return { siblings, siblingAgg };
  }

  opening(): RootOpening {
    return { left: this.node(this.depth - 1, 0n), right: this.node(this.depth - 1, 1n) };
  }

  /**
   * Leaves whose aggregates the Y values violate (YL_m < floor_m or YS_m > ceil_m), in index order.
   * Subtrees whose aggregates hold are skipped whole, so the cost is O(violators * depth).
   */
  violations(YL: readonly bigint[], YS: readonly bigint[]): bigint[] {
    const out: bigint[] = [];
    const visit = (h: number, i: bigint): void => {
      if (aggregatesHold(this.node(h, i).agg, YL, YS)) return;
      if (h === 0) {
        out.push(i);
        return;
      }
      visit(h - 1, 2n * i);
      visit(h - 1, 2n * i + 1n);
    };
    visit(this.depth, 0n);
    return out;
  }

  /** Indices of all non-empty leaves, ascending. */
  leafIndices(): bigint[] {
    return [...this.levels[0]!.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** An independent copy; nodes are immutable and shared, only the maps are copied. */
  clone(): CertTree {
    const copy = new CertTree({ poseidon: this.poseidon, depth: this.depth, markets: this.markets }, this.zeros);
    this.levels.forEach((nodes, h) => {
      copy.levels[h] = new Map(nodes);
    });
    return copy;
  }

  private node(height: number, index: bigint): CertNode {
    return this.levels[height]!.get(index) ?? this.zeros[height]!;
  }

  private checkIndex(index: bigint): void {
    if (index < 0n || index >= this.capacity) {
      throw new RangeError(`leaf index ${index} outside a tree of depth ${this.depth}`);
    }
  }
}
