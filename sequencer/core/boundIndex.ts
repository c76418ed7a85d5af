import type { Account } from "./account.js";
import type { MarketContext } from "./market.js";

interface Entry {
  readonly bound: bigint;
  readonly index: bigint;
}

/**
 * The risk engine's index by bound: per market, the long positions sorted by their certificate's
 * floor (highest first) and the short positions by their ceiling (lowest first). A new oracle round
 * breaks exactly the longs whose floor is above the new YL and the shorts whose ceiling is below the
 * new YS, so the accounts to liquidate or re-certify are a prefix of each list: found in
 * O(M log n + k) for k of them, whatever the number of accounts n.
 *
 * The certificate tree's aggregates answer the same question (and are what the proof checks), but
 * walking the tree costs a map lookup and two bigint comparisons per node on the way to each broken
 * leaf; after a crash that breaks thousands of accounts the sorted lists are several times faster.
 * The index is rebuilt whenever the state it describes changes (a batch is sealed), off the oracle
 * path; `test/core.boundIndex.test.ts` checks it against the tree.
 */
export class BoundIndex {
  private readonly longs: Entry[][];
  private readonly shorts: Entry[][];

  private constructor(longs: Entry[][], shorts: Entry[][]) {
    this.longs = longs;
    this.shorts = shorts;
  }

  static fromEntries(markets: number, entries: Iterable<readonly [bigint, Account]>): BoundIndex {
    const longs: Entry[][] = Array.from({ length: markets }, () => []);
    const shorts: Entry[][] = Array.from({ length: markets }, () => []);
    for (const [index, account] of entries) {
      account.size.forEach((s, m) => {
        if (s > 0n) longs[m]!.push({ bound: account.bound[m]!, index });
        else if (s < 0n) shorts[m]!.push({ bound: account.bound[m]!, index });
      });
    }
    for (const l of longs) l.sort((a, b) => (a.bound > b.bound ? -1 : a.bound < b.bound ? 1 : 0));
    for (const s of shorts) s.sort((a, b) => (a.bound < b.bound ? -1 : a.bound > b.bound ? 1 : 0));
    return new BoundIndex(longs, shorts);
  }

  /** Accounts whose certificate the markets' Y values violate, ascending (what CertTree.violations returns). */
  pastBounds(markets: readonly MarketContext[]): bigint[] {
    const found = new Set<bigint>();
    markets.forEach((mk, m) => {
      for (const e of this.longs[m] ?? []) {
        if (e.bound <= mk.YL) break;
        found.add(e.index);
      }
      for (const e of this.shorts[m] ?? []) {
        if (e.bound >= mk.YS) break;
        found.add(e.index);
      }
    });
    return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Number of positions indexed (a long and a short count once each). */
  get size(): number {
    return this.longs.reduce((n, l) => n + l.length, 0) + this.shorts.reduce((n, s) => n + s.length, 0);
  }
}
