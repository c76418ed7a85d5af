import type { Poseidon } from "../crypto/poseidon.js";
import { ORDER_ID_BITS } from "./constants.js";

/** What a slot holds: the latest order id that used it and how much of that order has filled. */
export interface SlotEntry {
  readonly id: bigint;
  readonly filled: bigint;
}

export const EMPTY_SLOT: SlotEntry = { id: 0n, filled: 0n };

/**
 * The shape and hashes of every account's order-slot tree (CORE_SPEC §5): depth K, slot leaf
 * Poseidon(orderId, filled), node Poseidon(L, R). One instance per state; its empty-subtree cache
 * is shared by all accounts' trees.
 */
export class OrderSlotSpace {
  readonly depth: number;
  readonly poseidon: Poseidon;
  /** zeros[h]: root of an all-empty subtree of height h; zeros[0] = Poseidon(0, 0). */
  readonly zeros: readonly bigint[];

  constructor(poseidon: Poseidon, depth: number) {
    // Slots are addressed by id mod 2^K, and ids have ORDER_ID_BITS bits.
    if (!Number.isInteger(depth) || depth < 1 || depth > ORDER_ID_BITS) {
      throw new RangeError(`order slot depth must be an integer in [1, ${ORDER_ID_BITS}], got ${depth}`);
    }
    this.depth = depth;
    this.poseidon = poseidon;
    const zeros = [slotLeaf(poseidon, EMPTY_SLOT)];
    for (let h = 0; h < depth; h++) zeros.push(poseidon([zeros[h]!, zeros[h]!]));
    this.zeros = zeros;
  }

  /** EMPTY_ORDERS_ROOT: the ordersRoot of a new account. */
  get emptyRoot(): bigint {
    return this.zeros[this.depth]!;
  }

  /** The slot an order id uses: id mod 2^K. */
  slotIndex(id: bigint): bigint {
    return id & ((1n << BigInt(this.depth)) - 1n);
  }
}

export function slotLeaf(poseidon: Poseidon, entry: SlotEntry): bigint {
  return poseidon([entry.id, entry.filled]);
}

/** EMPTY_ORDERS_ROOT for slot depth K. */
export function emptyOrdersRoot(poseidon: Poseidon, depth: number): bigint {
  return new OrderSlotSpace(poseidon, depth).emptyRoot;
}

/** The outcome of filling `q` of an order against its slot. */
export type FillResult =
  | {
      readonly ok: true;
      /** the slot's stored content before the fill (the circuit's slotId, slotFilled) */
      readonly before: SlotEntry;
      /** filled amount the order starts from: 0 for a new id, the stored amount for the same id */
      readonly prior: bigint;
      readonly after: SlotEntry;
      /** the sibling path of the slot before the fill, bottom-up */
      readonly siblings: bigint[];
      readonly next: OrderSlots;
    }
  | { readonly ok: false; readonly reason: "StaleOrderId" | "Overfill"; readonly detail: string };

/**
 * One account's order-slot tree, immutable: a fill returns a new tree sharing nothing mutable, so
 * a state clone can share trees between copies. Sparse: only written slots are stored.
 */
export class OrderSlots {
  readonly space: OrderSlotSpace;
  /** levels[h]: node index at height h -> value, for nodes that differ from the empty subtree. */
  private readonly levels: readonly ReadonlyMap<bigint, bigint>[];
  private readonly entries: ReadonlyMap<bigint, SlotEntry>;

  private constructor(space: OrderSlotSpace, levels: readonly ReadonlyMap<bigint, bigint>[], entries: ReadonlyMap<bigint, SlotEntry>) {
    this.space = space;
    this.levels = levels;
    this.entries = entries;
  }

  static empty(space: OrderSlotSpace): OrderSlots {
    return new OrderSlots(space, Array.from({ length: space.depth + 1 }, () => new Map()), new Map());
  }

  get root(): bigint {
    return this.node(this.space.depth, 0n);
  }

  slot(index: bigint): SlotEntry {
    this.checkIndex(index);
    return this.entries.get(index) ?? EMPTY_SLOT;
  }

  /** Written slots in slot order (for serialisation). */
  written(): [bigint, SlotEntry][] {
    return [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Sibling path of slot `index`, bottom-up. */
  witness(index: bigint): bigint[] {
    this.checkIndex(index);
    const out: bigint[] = [];
    let i = index;
    for (let h = 0; h < this.space.depth; h++) {
      out.push(this.node(h, i ^ 1n));
      i >>= 1n;
    }
    return out;
  }

  /** A tree with slot `index` holding `entry`. */
  withEntry(index: bigint, entry: SlotEntry): OrderSlots {
    this.checkIndex(index);
    const { poseidon, depth, zeros } = this.space;
    const levels = this.levels.map((l) => new Map(l));
    let value = slotLeaf(poseidon, entry);
    let i = index;
    for (let h = 0; h <= depth; h++) {
      if (value === zeros[h]) levels[h]!.delete(i);
      else levels[h]!.set(i, value);
      if (h === depth) break;
      const sibling = levels[h]!.get(i ^ 1n) ?? zeros[h]!;
      value = (i & 1n) === 0n ? poseidon([value, sibling]) : poseidon([sibling, value]);
      i >>= 1n;
    }
    const entries = new Map(this.entries);
    entries.set(index, entry);
    return new OrderSlots(this.space, levels, entries);
  }

  /**
   * Fills `q` of order `id` of size `size` (§5): a larger id than the stored one starts from 0, the
   * same id continues from the stored amount, a smaller id is refused; prior + q must not exceed size.
   */
  fill(id: bigint, size: bigint, q: bigint): FillResult {
    const index = this.space.slotIndex(id);
    const before = this.slot(index);
    if (id < before.id) return { ok: false, reason: "StaleOrderId", detail: `order ${id} is older than ${before.id} in slot ${index}` };
    const prior = id === before.id ? before.filled : 0n;
    if (prior + q > size) return { ok: false, reason: "Overfill", detail: `${prior} + ${q} exceeds order size ${size}` };
    const after = { id, filled: prior + q };
    return { ok: true, before, prior, after, siblings: this.witness(index), next: this.withEntry(index, after) };
  }

  private node(height: number, index: bigint): bigint {
    return this.levels[height]!.get(index) ?? this.space.zeros[height]!;
  }

  private checkIndex(index: bigint): void {
    if (index < 0n || index >= 1n << BigInt(this.space.depth)) {
      throw new RangeError(`slot ${index} outside an order tree of depth ${this.space.depth}`);
    }
  }
}

/** The root a slot entry and its sibling path lead to: the circuit's slot-path computation. */
export function slotRootFromWitness(poseidon: Poseidon, entry: SlotEntry, index: bigint, siblings: readonly bigint[]): bigint {
  let node = slotLeaf(poseidon, entry);
  let i = index;
  for (const s of siblings) {
    node = (i & 1n) === 0n ? poseidon([node, s]) : poseidon([s, node]);
    i >>= 1n;
  }
  return node;
}
