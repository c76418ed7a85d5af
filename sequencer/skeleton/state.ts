import type { Poseidon } from "../crypto/poseidon.js";
import { SparseMerkleTree } from "../state/merkle.js";
import { accountLeaf, type Account } from "./account.js";

/**
 * The skeleton rollup state: accounts by leaf index and the Poseidon tree committing to them.
 * Mutations go through `put`, which keeps the two in step.
 */
export class SkeletonState {
  private readonly poseidon: Poseidon;
  private readonly tree: SparseMerkleTree;
  private readonly accounts: Map<bigint, Account>;

  private constructor(poseidon: Poseidon, tree: SparseMerkleTree, accounts: Map<bigint, Account>) {
    this.poseidon = poseidon;
    this.tree = tree;
    this.accounts = accounts;
  }

  static empty(poseidon: Poseidon, depth: number): SkeletonState {
    return new SkeletonState(poseidon, new SparseMerkleTree(depth, (l, r) => poseidon([l, r])), new Map());
  }

  get root(): bigint {
    return this.tree.root;
  }

  get depth(): number {
    return this.tree.depth;
  }

  get capacity(): bigint {
    return this.tree.capacity;
  }

  account(index: bigint): Account | undefined {
    return this.accounts.get(index);
  }

  /** Merkle siblings of leaf `index`, bottom-up. */
  path(index: bigint): bigint[] {
    return this.tree.path(index);
  }

  put(index: bigint, account: Account): void {
    this.tree.set(index, accountLeaf(this.poseidon, account));
    this.accounts.set(index, account);
  }

  /** A scratch copy: a batch is built on one and adopted only once it is final. */
  clone(): SkeletonState {
    return new SkeletonState(this.poseidon, this.tree.clone(), new Map(this.accounts));
  }
}
