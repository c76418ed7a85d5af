/**
 * The risk engine's index by bound finds exactly the accounts the certificate tree's aggregates
 * find (the ones the circuit's root check would reject), for random books of longs and shorts and
 * random price moves in both directions, including a move of zero and moves onto a bound.
 */
import { describe, expect, it } from "vitest";
import { contextsAt, makeAccounts } from "../bench/lib/liquidation.js";
import { BoundIndex } from "../sequencer/core/boundIndex.js";
import { CertTree } from "../sequencer/core/certTree.js";
import { getPoseidon } from "../sequencer/crypto/poseidon.js";

describe("BoundIndex", () => {
  it("finds exactly the certificate tree's violators", async () => {
    const poseidon = await getPoseidon();
    const accounts = makeAccounts(600);
    const entries = accounts.map((a, k) => [BigInt(k + 1), a] as const);
    const tree = new CertTree({ poseidon, depth: 10, markets: 2 });
    tree.bulkLoad(accounts.map((a, k) => [BigInt(k + 1), a.leafHash(poseidon), a.aggregates()]));
    const index = BoundIndex.fromEntries(2, entries);
    expect(index.size).toBe(accounts.reduce((n, a) => n + a.size.filter((s) => s !== 0n).length, 0));
    let nonEmpty = 0;
    for (const [m0, m1] of [[0, 0], [-1, 0], [-30, 0], [30, 0], [0, -50], [0, 50], [-100, 80], [100, -80], [-7, 3], [12, 12]] as const) {
      const mk = contextsAt([100_000n * BigInt(1000 + m0) / 1000n, 5_000n * BigInt(1000 + m1) / 1000n]);
      const expected = tree.violations(mk.map((m) => m.YL), mk.map((m) => m.YS));
      expect(index.pastBounds(mk)).toEqual(expected);
      if (expected.length > 0) nonEmpty += 1;
    }
    expect(nonEmpty).toBeGreaterThan(5);
    // A bound hit exactly is not a violation (YL >= floor holds), one tick past it is.
    const long = entries.find(([, a]) => a.size[0]! > 0n && a.size[1] === 0n)!;
    const single = BoundIndex.fromEntries(2, [long]);
    const at = contextsAt([100_000n, 5_000n]).map((m, i) => (i === 0 ? { ...m, YL: long[1].bound[0]! } : m));
    expect(single.pastBounds(at)).toEqual([]);
    expect(single.pastBounds(at.map((m, i) => (i === 0 ? { ...m, YL: m.YL - 1n } : m)))).toEqual([long[0]]);
  });

  it("kept by updates, answers as one built at once", () => {
    const accounts = makeAccounts(400);
    const kept = BoundIndex.empty(2);
    const current = new Map<bigint, (typeof accounts)[number]>();
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    // Accounts appear, change certificate and side, close out and come back, in a random order.
    for (let step = 0; step < 3_000; step++) {
      const index = BigInt(1 + next(120));
      const pick = next(10);
      if (pick === 0) {
        kept.update(index, undefined);
        current.delete(index);
      } else {
        const a = accounts[next(accounts.length)]!;
        kept.update(index, a);
        current.set(index, a);
      }
    }
    const built = BoundIndex.fromEntries(2, current.entries());
    expect(kept.size).toBe(built.size);
    for (const [m0, m1] of [[0, 0], [-30, 0], [0, 50], [-100, 80], [60, -60]] as const) {
      const mk = contextsAt([100_000n * BigInt(1000 + m0) / 1000n, 5_000n * BigInt(1000 + m1) / 1000n]);
      expect(kept.pastBounds(mk)).toEqual(built.pastBounds(mk));
    }
  });
});
