/** Certificates: validity, the sequencer's choice of bounds, rounding, and soundness over random Y. */
import { describe, expect, it } from "vitest";
import { ceilDiv, floorDiv } from "../sequencer/core/arith.js";
import {
  certificateCovers,
  certificateSlack,
  certificateValid,
  chooseBounds,
  recertified,
  violatedMarkets,
} from "../sequencer/core/certificate.js";
import { NO_CEIL, NO_FLOOR } from "../sequencer/core/constants.js";
import { maintenanceHealth } from "../sequencer/core/margin.js";
import type { MarketContext } from "../sequencer/core/market.js";
import { account, contexts, prng, RATIO } from "./helpers/core.js";

/** Market contexts with chosen Y values (health only reads K, s and Y). */
function withY(base: readonly MarketContext[], YL: readonly bigint[], YS: readonly bigint[]): MarketContext[] {
  return base.map((m, i) => ({ ...m, YL: YL[i]!, YS: YS[i]! }));
}

describe("certificate validity", () => {
  it("requires RATIO*K + sum s b >= 0, canonical zeros and signed 80-bit bounds", () => {
    const a = account(1000n, [10n, 0n]);
    // RATIO*1000 + 10 b >= 0 <=> b >= -10^8
    expect(certificateValid(a, [-(10n ** 8n), 0n])).toBe(true);
    expect(certificateValid(a, [-(10n ** 8n) - 1n, 0n])).toBe(false);
    expect(certificateValid(a, [-(10n ** 8n), 1n])).toBe(false); // not canonical
    expect(certificateValid(account(-1n, [0n, 0n]), [0n, 0n])).toBe(false);
    expect(certificateValid(account(10n ** 20n, [-1n, 0n]), [2n ** 79n, 0n])).toBe(false); // 80-bit range
    expect(certificateSlack(a, [-(10n ** 8n), 0n])).toBe(0n);
  });
});

describe("chooseBounds", () => {
  it("one market: exactly ceil(-RATIO*K/s) for a long and floor(RATIO*K/|s|) for a short", () => {
    const mk = contexts([1000n, 50n], [3n, -2n]);
    const rng = prng(11);
    for (let i = 0; i < 200; i++) {
      const m = rng.int(2);
      const s = rng.big(1n, 500n) * (rng.chance(0.5) ? 1n : -1n);
      const size = m === 0 ? [s, 0n] : [0n, s];
      const acc = account(rng.big(-(10n ** 6n), 10n ** 7n), size, [rng.big(-9n, 9n), rng.big(-9n, 9n)]);
      const b = chooseBounds(acc, mk);
      if (maintenanceHealth(acc, mk) < 0n) {
        expect(b).toBeNull();
        continue;
      }
      const K = RATIO * acc.k();
      const expected = s > 0n ? ceilDiv(-K, s) : floorDiv(K, -s);
      expect(b![m]).toBe(expected);
      expect(b![1 - m]).toBe(0n);
      // Tight: one step looser is invalid.
      const looser = [...b!];
      looser[m] = s > 0n ? expected - 1n : expected + 1n;
      expect(certificateValid(acc, looser)).toBe(false);
    }
  });

  it("rounds safely with a negative K (ceil/floor, not truncation)", () => {
    const mk = contexts([1000n, 50n], [0n, 0n]);
    // K = -7 with a long of 3: the bound is ceil(7e6 / 3) = 2333334, not 2333333.
    const b = chooseBounds(account(-7n, [3n, 0n]), mk)!;
    expect(b[0]).toBe(2_333_334n);
    // A short with K = -7 (healthy because funding 2000 makes YS negative): floor(-7e6 / 3) = -2333334.
    const funded = contexts([1000n, 50n], [2000n, 0n]);
    expect(chooseBounds(account(-7n, [-3n, 0n], [2000n, 0n]).with({ collateral: -7n + 6000n }), funded)![0]).toBe(-2_333_334n);
  });

  it("several markets: valid, covering the current Y, and null exactly when unhealthy", () => {
    const rng = prng(12);
    let nulls = 0;
    for (let i = 0; i < 400; i++) {
      const mk = contexts([rng.big(1n, 10n ** 6n), rng.big(1n, 10n ** 4n)], [rng.big(-99n, 99n), rng.big(-9n, 9n)]);
      const acc = account(rng.big(-(10n ** 8n), 10n ** 9n), [rng.big(-999n, 999n), rng.big(-999n, 999n)], [rng.big(-99n, 99n), rng.big(-9n, 9n)]);
      const b = chooseBounds(acc, mk);
      if (maintenanceHealth(acc, mk) < 0n) {
        expect(b).toBeNull();
        nulls++;
        continue;
      }
      expect(certificateValid(acc, b!)).toBe(true);
      expect(certificateCovers(acc, mk, b!)).toBe(true);
      expect(violatedMarkets(recertified(acc, mk)!, mk)).toEqual([]);
    }
    expect(nulls).toBeGreaterThan(10);
  });

  it("clamps huge slack into the 80-bit range and stays valid", () => {
    const mk = contexts([1n, 1n], [0n, 0n]);
    const acc = account(2n ** 62n, [1n, -1n]);
    const b = chooseBounds(acc, mk)!;
    expect(b[0]).toBe(NO_FLOOR);
    expect(b[1]).toBe(NO_CEIL);
    expect(certificateValid(acc, b)).toBe(true);
  });
});

describe("certificate soundness", () => {
  it("any Y within the bounds (or on them) gives maintenance health >= 0; past them is flagged", () => {
    const rng = prng(13);
    let flaggedUnhealthy = 0;
    for (let i = 0; i < 300; i++) {
      const mk = contexts([rng.big(1n, 10n ** 5n), rng.big(1n, 10n ** 3n)], [rng.big(-99n, 99n), rng.big(-9n, 9n)]);
      const acc0 = account(rng.big(0n, 10n ** 8n), [rng.big(-999n, 999n), rng.big(-999n, 999n)]);
      const acc = recertified(acc0, mk);
      if (acc === null) continue;
      for (let j = 0; j < 5; j++) {
        // Y values at or inside the bounds: a long's YL >= floor, a short's YS <= ceiling.
        const spread = rng.big(0n, 10n ** 9n);
        const onEdge = j === 0;
        const YL = acc.bound.map((b, m) => (acc.size[m]! > 0n ? b + (onEdge ? 0n : rng.big(0n, spread)) : rng.big(-(10n ** 12n), 10n ** 12n)));
        const YS = acc.bound.map((b, m) => (acc.size[m]! < 0n ? b - (onEdge ? 0n : rng.big(0n, spread)) : rng.big(-(10n ** 12n), 10n ** 12n)));
        const y = withY(mk, YL, YS);
        expect(violatedMarkets(acc, y)).toEqual([]);
        expect(maintenanceHealth(acc, y) >= 0n).toBe(true);
        // One step past a held market's bound: the account is flagged, and may be unhealthy.
        const held = acc.heldMarkets();
        if (held.length === 0) continue;
        const m = rng.pick(held);
        const past = withY(
          y,
          YL.map((v, k) => (k === m && acc.size[m]! > 0n ? acc.bound[m]! - 1n - spread : v)),
          YS.map((v, k) => (k === m && acc.size[m]! < 0n ? acc.bound[m]! + 1n + spread : v)),
        );
        expect(violatedMarkets(acc, past)).toContain(m);
        if (maintenanceHealth(acc, past) < 0n) flaggedUnhealthy++;
      }
    }
    // The bounds are tight enough that stepping past them does make accounts unhealthy.
    expect(flaggedUnhealthy).toBeGreaterThan(50);
  });
});
