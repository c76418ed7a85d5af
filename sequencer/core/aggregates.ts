import { max, min } from "./arith.js";
import { NO_CEIL, NO_FLOOR } from "./constants.js";

/** One market's certificate aggregate: the largest long floor and smallest short ceiling below a node. */
export type MarketAgg = readonly [floor: bigint, ceil: bigint];

/** Per-market aggregates of a leaf or subtree, `[m][0]` floor, `[m][1]` ceiling (CORE_SPEC §4). */
export type Aggregates = readonly MarketAgg[];

/** The aggregates of an empty leaf or subtree: constrain nothing. */
export function sentinelAggregates(markets: number): Aggregates {
  return Array.from({ length: markets }, (): MarketAgg => [NO_FLOOR, NO_CEIL]);
}

/** A parent's aggregates: per market, max of the floors and min of the ceilings. */
export function combineAggregates(left: Aggregates, right: Aggregates): Aggregates {
  return left.map(([fl, cl], m): MarketAgg => {
    const r = right[m];
    if (r === undefined) throw new RangeError("aggregates of different market counts");
    return [max(fl, r[0]), min(cl, r[1])];
  });
}

/** Mutable nested arrays in the circuit's `[M][2]` layout. */
export function aggregatesToArrays(agg: Aggregates): bigint[][] {
  return agg.map(([f, c]) => [f, c]);
}

/**
 * True when market figures respect the aggregates: YL_m >= floor_m and YS_m <= ceil_m for all m.
 * Applied to the root this is the end-of-batch check of every account at once.
 */
export function aggregatesHold(agg: Aggregates, YL: readonly bigint[], YS: readonly bigint[]): boolean {
  return agg.every(([f, c], m) => YL[m]! >= f && YS[m]! <= c);
}
