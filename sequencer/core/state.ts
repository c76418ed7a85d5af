import type { Poseidon } from "../crypto/poseidon.js";
import { Account, type AccountJSON } from "./account.js";
import { CertTree } from "./certTree.js";
import { DEFAULT_ORDER_SLOT_DEPTH } from "./constants.js";
import type { MarketContext } from "./market.js";
import { OrderSlots, OrderSlotSpace, type SlotEntry } from "./orderSlots.js";

/** The running totals a batch carries from one to the next (public inputs of §8). */
export interface Ledger {
  /** insurance fund, unsigned FUND_BITS */
  readonly insurance: bigint;
  /** fee pool, unsigned FUND_BITS */
  readonly fees: bigint;
  /** head of the consumed part of the L1 deposit queue's Poseidon chain */
  readonly depositHash: bigint;
  /** number of L1 deposits consumed */
  readonly depositCount: bigint;
  /** funding indices of the last batch: the next batch's `fundingOld` */
  readonly funding: readonly bigint[];
  /** verified batches; the next batch is number batchCount + 1 (the contract's counter) */
  readonly batchCount: bigint;
}

export interface CoreStateOptions {
  readonly poseidon: Poseidon;
  /** D: the account tree holds 2^D accounts */
  readonly depth: number;
  /** M */
  readonly markets: number;
  /** K: 2^K order slots per account */
  readonly slotDepth?: number;
}

export interface CoreStateJSON {
  depth: number;
  markets: number;
  slotDepth: number;
  ledger: { insurance: string; fees: string; depositHash: string; depositCount: string; funding: string[]; batchCount: string };
  accounts: { index: string; account: AccountJSON; slots: { slot: string; id: string; filled: string }[] }[];
}

/**
 * The whole margin state: accounts by index, the certificate tree committing to them, each
 * account's order slots, and the ledger. Accounts and order trees are immutable values, so `clone`
 * copies maps of references and the tree's node maps, nothing deeper.
 *
 * Writes go through `putAccount`, which keeps the account, its order tree and its leaf in step.
 */
export class CoreState {
  readonly poseidon: Poseidon;
  readonly slots: OrderSlotSpace;
  private readonly tree: CertTree;
  private readonly accounts: Map<bigint, Account>;
  private readonly orderTrees: Map<bigint, OrderSlots>;
  private currentLedger: Ledger;

  private constructor(parts: { poseidon: Poseidon; slots: OrderSlotSpace; tree: CertTree; accounts: Map<bigint, Account>; orderTrees: Map<bigint, OrderSlots>; ledger: Ledger }) {
    this.poseidon = parts.poseidon;
    this.slots = parts.slots;
    this.tree = parts.tree;
    this.accounts = parts.accounts;
    this.orderTrees = parts.orderTrees;
    this.currentLedger = parts.ledger;
  }

  /** The empty state: genesis root Z_D, empty funds, funding indices 0, no batch yet. */
  static genesis(opts: CoreStateOptions): CoreState {
    const { poseidon, depth, markets } = opts;
    return new CoreState({
      poseidon,
      slots: new OrderSlotSpace(poseidon, opts.slotDepth ?? DEFAULT_ORDER_SLOT_DEPTH),
      tree: new CertTree({ poseidon, depth, markets }),
      accounts: new Map(),
      orderTrees: new Map(),
      ledger: { insurance: 0n, fees: 0n, depositHash: 0n, depositCount: 0n, funding: Array.from({ length: markets }, () => 0n), batchCount: 0n },
    });
  }

  get depth(): number {
    return this.tree.depth;
  }

  get markets(): number {
    return this.tree.markets;
  }

  get slotDepth(): number {
    return this.slots.depth;
  }

  get capacity(): bigint {
    return this.tree.capacity;
  }

  get root(): bigint {
    return this.tree.root;
  }

  get certTree(): Pick<CertTree, "root" | "rootAggregates" | "leaf" | "aggregates" | "witness" | "opening" | "violations" | "leafIndices"> {
    return this.tree;
  }

  get ledger(): Ledger {
    return this.currentLedger;
  }

  setLedger(ledger: Ledger): void {
    if (ledger.funding.length !== this.markets) throw new RangeError(`${ledger.funding.length} funding indices for ${this.markets} markets`);
    this.currentLedger = { ...ledger, funding: [...ledger.funding] };
  }

  inRange(index: bigint): boolean {
    return index >= 0n && index < this.capacity;
  }

  /** The account at `index`; an empty account (all fields zero) when none was ever written. */
  account(index: bigint): Account {
    if (!this.inRange(index)) throw new RangeError(`account index ${index} outside a tree of depth ${this.depth}`);
    return this.accounts.get(index) ?? Account.empty(this.markets);
  }

  /** The account's order-slot tree (all empty for an account never traded). */
  orders(index: bigint): OrderSlots {
    return this.orderTrees.get(index) ?? OrderSlots.empty(this.slots);
  }

  /** Non-empty accounts in index order. */
  *entries(): IterableIterator<[bigint, Account]> {
    for (const i of this.tree.leafIndices()) yield [i, this.accounts.get(i)!];
  }

  get accountCount(): number {
    return this.accounts.size;
  }

  /**
   * Writes an account (and its order tree, when it changed). The account's ordersRoot must be the
   * tree's root: the leaf commits to it.
   */
  putAccount(index: bigint, account: Account, orders?: OrderSlots): void {
    if (account.isEmpty) throw new RangeError("accounts are never emptied");
    if (account.markets !== this.markets) throw new RangeError(`account of ${account.markets} markets in a ${this.markets}-market state`);
    const tree = orders ?? this.orders(index);
    if (account.ordersRoot !== tree.root) throw new RangeError(`account ${index}: ordersRoot differs from its order tree`);
    const violation = account.rangeViolation();
    if (violation !== undefined) throw new RangeError(`account ${index}: ${violation}`);
    this.tree.set(index, account.leafHash(this.poseidon), account.aggregates());
    this.accounts.set(index, account);
    if (orders !== undefined) this.orderTrees.set(index, orders);
  }

  /** Accounts whose certificate the batch's markets violate: to re-certify or liquidate. */
  violations(markets: readonly MarketContext[]): bigint[] {
    return this.tree.violations(
      markets.map((m) => m.YL),
      markets.map((m) => m.YS),
    );
  }

  /** An independent copy: writes to either state leave the other unchanged. */
  clone(): CoreState {
    return new CoreState({
      poseidon: this.poseidon,
      slots: this.slots,
      tree: this.tree.clone(),
      accounts: new Map(this.accounts),
      orderTrees: new Map(this.orderTrees),
      ledger: this.currentLedger,
    });
  }

  toJSON(): CoreStateJSON {
    const l = this.currentLedger;
    return {
      depth: this.depth,
      markets: this.markets,
      slotDepth: this.slotDepth,
      ledger: {
        insurance: String(l.insurance),
        fees: String(l.fees),
        depositHash: String(l.depositHash),
        depositCount: String(l.depositCount),
        funding: l.funding.map(String),
        batchCount: String(l.batchCount),
      },
      accounts: [...this.entries()].map(([index, account]) => ({
        index: String(index),
        account: account.toJSON(),
        slots: this.orders(index).written().map(([slot, e]) => ({ slot: String(slot), id: String(e.id), filled: String(e.filled) })),
      })),
    };
  }

  /** Rebuilds a state from `toJSON` output, rehashing every leaf (so the root is recomputed, not trusted). */
  static fromJSON(poseidon: Poseidon, json: CoreStateJSON): CoreState {
    const state = CoreState.genesis({ poseidon, depth: json.depth, markets: json.markets, slotDepth: json.slotDepth });
    const l = json.ledger;
    state.setLedger({
      insurance: BigInt(l.insurance),
      fees: BigInt(l.fees),
      depositHash: BigInt(l.depositHash),
      depositCount: BigInt(l.depositCount),
      funding: l.funding.map((f) => BigInt(f)),
      batchCount: BigInt(l.batchCount),
    });
    for (const a of json.accounts) {
      let orders = OrderSlots.empty(state.slots);
      for (const s of a.slots) {
        const entry: SlotEntry = { id: BigInt(s.id), filled: BigInt(s.filled) };
        orders = orders.withEntry(BigInt(s.slot), entry);
      }
      state.putAccount(BigInt(a.index), Account.fromJSON(a.account), orders);
    }
    return state;
  }
}
