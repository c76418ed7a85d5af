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
 * new YS, so the accounts to liquidate or re-certify are a prefix of each list: found in O(M + k)
 * for k of them, whatever the number of accounts n.
 *
 * The certificate tree's aggregates answer the same question (and are what the proof checks), but
 * walking the tree costs a map lookup and two bigint comparisons per node on the way to each broken
 * leaf; after a crash that breaks thousands of accounts the sorted lists are several times faster.
 * The sequencer keeps it in step with every account an accepted operation writes (`update`), so
 * nothing is rebuilt on the oracle path; `test/core.boundIndex.test.ts` checks it against the tree,
 * built at once and kept by updates.
 */
export class BoundIndex {
  private readonly longs: Entry[][];
  private readonly shorts: Entry[][];
  /** what each account has in the lists, to take it out again on update */
  private readonly held = new Map<bigint, { readonly size: readonly bigint[]; readonly bound: readonly bigint[] }>();

  private constructor(longs: Entry[][], shorts: Entry[][]) {
    this.longs = longs;
    this.shorts = shorts;
  }

  static empty(markets: number): BoundIndex {
    return new BoundIndex(
      Array.from({ length: markets }, () => []),
      Array.from({ length: markets }, () => []),
    );
  }

  /**
   * Keeps the index in step with one account's new certificate (or its removal): O(log n) to find
   * each position's place, plus the array shift. The sequencer calls it for every account an
   * accepted operation writes, so at an oracle round the index is already current.
   */
  update(index: bigint, account: Pick<Account, "size" | "bound"> | undefined): void {
    const old = this.held.get(index);
    old?.size.forEach((s, m) => {
      if (s === 0n) return;
      const list = s > 0n ? this.longs[m]! : this.shorts[m]!;
      const at = this.find(list, old.bound[m]!, s > 0n, index);
      if (at >= 0) list.splice(at, 1);
    });
    this.held.delete(index);
    if (account === undefined || account.size.every((s) => s === 0n)) return;
    account.size.forEach((s, m) => {
      if (s === 0n) return;
      const list = s > 0n ? this.longs[m]! : this.shorts[m]!;
      list.splice(this.place(list, account.bound[m]!, s > 0n), 0, { bound: account.bound[m]!, index });
    });
    this.held.set(index, { size: [...account.size], bound: [...account.bound] });
  }

  /** First position whose bound comes after `bound` in the list's order (descending for longs). */
  private place(list: readonly Entry[], bound: bigint, long: boolean): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const b = list[mid]!.bound;
      if (long ? b >= bound : b <= bound) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private find(list: readonly Entry[], bound: bigint, long: boolean, index: bigint): number {
    for (let i = this.place(list, bound, long) - 1; i >= 0 && list[i]!.bound === bound; i--) if (list[i]!.index === index) return i;
    return -1;
  }

  static fromEntries(markets: number, entries: Iterable<readonly [bigint, Account]>): BoundIndex {
    const longs: Entry[][] = Array.from({ length: markets }, () => []);
    const shorts: Entry[][] = Array.from({ length: markets }, () => []);
    const index = new BoundIndex(longs, shorts);
    for (const [i, account] of entries) {
      if (account.size.every((s) => s === 0n)) continue;
      account.size.forEach((s, m) => {
        if (s > 0n) longs[m]!.push({ bound: account.bound[m]!, index: i });
        else if (s < 0n) shorts[m]!.push({ bound: account.bound[m]!, index: i });
      });
      index.held.set(i, { size: [...account.size], bound: [...account.bound] });
    }
    for (const l of longs) l.sort((a, b) => (a.bound > b.bound ? -1 : a.bound < b.bound ? 1 : 0));
    for (const s of shorts) s.sort((a, b) => (a.bound < b.bound ? -1 : a.bound > b.bound ? 1 : 0));
    return index;
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
