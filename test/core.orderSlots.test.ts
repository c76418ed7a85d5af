/** Order slots (§5): empty root, leaf and node hashes, fill rules, witnesses, immutability. */
import { buildPoseidon } from "circomlibjs";
import { beforeAll, describe, expect, it } from "vitest";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { emptyOrdersRoot, OrderSlots, OrderSlotSpace, slotRootFromWitness } from "../sequencer/core/orderSlots.js";

let poseidon: Poseidon;
let space: OrderSlotSpace;

beforeAll(async () => {
  poseidon = await getPoseidon();
  space = new OrderSlotSpace(poseidon, 3);
});

describe("order slots", () => {
  it("EMPTY_ORDERS_ROOT is the root of 2^K leaves Poseidon(0, 0) under Poseidon(L, R)", async () => {
    const ref = await buildPoseidon();
    const h = (xs: bigint[]) => ref.F.toObject(ref(xs));
    let level = Array.from({ length: 8 }, () => h([0n, 0n]));
    while (level.length > 1) level = level.flatMap((_, i) => (i % 2 === 0 ? [h([level[i]!, level[i + 1]!])] : []));
    expect(emptyOrdersRoot(poseidon, 3)).toBe(level[0]);
    expect(OrderSlots.empty(space).root).toBe(level[0]);
  });

  it("a new id starts from 0, the same id continues, an older id is refused, fills never exceed size", () => {
    let t = OrderSlots.empty(space);
    const f1 = t.fill(9n, 10n, 4n); // slot 1
    expect(f1.ok && f1.prior === 0n && f1.after.filled === 4n).toBe(true);
    if (!f1.ok) return;
    t = f1.next;
    const f2 = t.fill(9n, 10n, 6n);
    expect(f2.ok && f2.prior === 4n && f2.after.filled === 10n && f2.before.id === 9n && f2.before.filled === 4n).toBe(true);
    if (!f2.ok) return;
    t = f2.next;
    const over = t.fill(9n, 10n, 1n);
    expect(over.ok ? undefined : over.reason).toBe("Overfill");
    const stale = t.fill(1n, 10n, 1n); // slot 1 too, older id
    expect(stale.ok ? undefined : stale.reason).toBe("StaleOrderId");
    const newer = t.fill(17n, 5n, 5n); // slot 1, newer id: starts from 0 even though 9 was full
    expect(newer.ok && newer.prior === 0n && newer.before.id === 9n && newer.before.filled === 10n).toBe(true);
    expect(t.fill(17n, 5n, 6n).ok).toBe(false);
  });

  it("witnesses verify before and after a fill, and trees are immutable values", () => {
    const a = OrderSlots.empty(space);
    const f = a.fill(5n, 100n, 7n);
    if (!f.ok) throw new Error("fill refused");
    expect(slotRootFromWitness(poseidon, f.before, 5n, f.siblings)).toBe(a.root);
    expect(slotRootFromWitness(poseidon, f.after, 5n, f.siblings)).toBe(f.next.root);
    expect(a.root).toBe(space.emptyRoot);
    expect(a.slot(5n)).toEqual({ id: 0n, filled: 0n });
    const g = f.next.fill(3n, 100n, 1n);
    if (!g.ok) throw new Error("fill refused");
    expect(slotRootFromWitness(poseidon, g.after, 3n, g.siblings)).toBe(g.next.root);
    expect(g.next.written()).toEqual([
      [3n, { id: 3n, filled: 1n }],
      [5n, { id: 5n, filled: 7n }],
    ]);
  });
});
