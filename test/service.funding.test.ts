/**
 * The funding policy: the index moves by a fraction of the premium of the book's mid over the
 * oracle, in the direction that makes the side paying the premium pay, never further per batch than
 * the circuit admits (RATIO * |F - Fold| <= maxFunding * price), and not at all without a mark.
 */
import { describe, expect, it } from "vitest";
import { RATIO } from "../sequencer/core/constants.js";
import { fundingTickWithinBound } from "../sequencer/core/market.js";
import { nextFunding } from "../sequencer/service/funding.js";
import { MARKETS } from "./helpers/marginChain.js";

const params = MARKETS.slice(0, 2);

describe("funding policy", () => {
  it("charges longs when the book trades above the oracle, shorts when below", () => {
    const [up, down] = nextFunding(params, [1_000_000n, 1_000_000n], [500n, 500n], [1_004_000n, 996_000n], 125_000n);
    expect(up).toBe(500n + 500n); // 1/8 of a 4,000 premium
    expect(down).toBe(500n - 500n);
  });

  it("clamps each move to maxFunding of the price, the circuit's bound, at the edge exactly", () => {
    const price = 3_000_000n;
    for (const [m, mark] of [[0, 10n * price], [0, 1n], [1, 10n * price], [1, 1n]] as const) {
      const fundingOld = [7n, -7n];
      const next = nextFunding(params, [price, price], fundingOld, m === 0 ? [mark, undefined] : [undefined, mark], 1_000_000n);
      const moved = next[m]! - fundingOld[m]!;
      expect(moved === 0n).toBe(false);
      expect(RATIO * (moved < 0n ? -moved : moved)).toBeLessThanOrEqual(params[m]!.maxFunding * price);
      expect(fundingTickWithinBound(params[m]!, { price, fundingOld: fundingOld[m]!, funding: next[m]! })).toBe(true);
      expect((moved < 0n ? -moved : moved) + 1n).toBeGreaterThan((params[m]!.maxFunding * price) / RATIO); // at the bound
    }
  });

  it("stays put without a two-sided book or with the policy off", () => {
    expect(nextFunding(params, [1_000n, 1_000n], [3n, -3n], [undefined, undefined], 125_000n)).toEqual([3n, -3n]);
    expect(nextFunding(params, [1_000n, 1_000n], [3n, -3n], [2_000n, 10n], 0n)).toEqual([3n, -3n]);
  });

  it("never leaves the index's signed 49-bit range", () => {
    const top = (1n << 48n) - 1n;
    expect(nextFunding(params, [1n << 40n, 1n << 40n], [top, -top], [1n << 47n, 1n], 1_000_000n)).toEqual([top, -top]);
  });
});
