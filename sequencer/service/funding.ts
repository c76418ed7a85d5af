import { FUNDING_BITS, RATIO } from "../core/constants.js";
import type { MarketParams } from "../core/market.js";

/**
 * The funding policy: each batch moves a market's funding index by a fraction of the premium of
 * the book's mid price over the oracle price, so longs pay shorts while the perpetual trades above
 * the index and are paid while it trades below. The move is clamped to what the circuit admits,
 * RATIO * |F - Fold| <= maxFunding * price (CORE_SPEC §2), and to the index's signed 49-bit range.
 * Without a two-sided book there is no mark, and the index stays.
 *
 * `ratePpm` is the fraction of the premium charged per batch, in parts per million.
 */
export function nextFunding(
  params: readonly MarketParams[],
  prices: readonly bigint[],
  fundingOld: readonly bigint[],
  marks: readonly (bigint | undefined)[],
  ratePpm: bigint,
): bigint[] {
  const limit = (1n << BigInt(FUNDING_BITS - 1)) - 1n;
  return fundingOld.map((old, m) => {
    const mark = marks[m];
    const price = prices[m]!;
    if (mark === undefined || ratePpm === 0n) return old;
    const step = ((mark - price) * ratePpm) / RATIO; // truncates toward zero: never over-charges
    const bound = (params[m]!.maxFunding * price) / RATIO;
    const clamped = step > bound ? bound : step < -bound ? -bound : step;
    const next = old + clamped;
    return next > limit ? limit : next < -limit ? -limit : next;
  });
}
