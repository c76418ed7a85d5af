/** Health in RATIO units: the K/Y form against the direct formula, requirements, liquidation price. */
import { describe, expect, it } from "vitest";
import { abs } from "../sequencer/core/arith.js";
import {
  accountValue,
  initialHealth,
  initialRequirement,
  liquidationPenalty,
  liquidationPrice,
  maintenanceHealth,
  maintenanceRequirement,
  tradeFee,
} from "../sequencer/core/margin.js";
import { account, contexts, prng, RATIO } from "./helpers/core.js";

describe("margin", () => {
  it("MH = RATIO*K + sum s Y equals RATIO*c + sum s RATIO p - sum |s| p mmr after settlement (and IH with imr)", () => {
    const rng = prng(7);
    for (let i = 0; i < 300; i++) {
      const prices = [rng.big(1n, 100_000n), rng.big(1n, 1000n)];
      const F = [rng.big(-500n, 500n), rng.big(-50n, 50n)];
      const mk = contexts(prices, F);
      const acc = account(rng.big(-(10n ** 9n), 10n ** 9n), [rng.big(-1000n, 1000n), rng.big(-1000n, 1000n)], [rng.big(-500n, 500n), rng.big(-50n, 50n)]);
      const s = acc.settle(F);
      const direct = (ratio: "mmr" | "imr") =>
        RATIO * s.collateral + s.size.reduce((h, x, m) => h + x * RATIO * prices[m]! - abs(x) * prices[m]! * mk[m]!.params[ratio], 0n);
      expect(maintenanceHealth(acc, mk)).toBe(direct("mmr"));
      expect(initialHealth(acc, mk)).toBe(direct("imr"));
      // Value - requirement, scaled: the DESIGN §2 definition.
      expect(maintenanceHealth(acc, mk)).toBe(RATIO * accountValue(acc, mk) - maintenanceRequirement(acc, mk));
      expect(initialHealth(acc, mk)).toBe(RATIO * accountValue(acc, mk) - initialRequirement(acc, mk));
    }
  });

  it("liquidationPrice is the last healthy integer price, holding the rest fixed", () => {
    const rng = prng(8);
    for (let i = 0; i < 200; i++) {
      const prices = [rng.big(100n, 100_000n), rng.big(10n, 1000n)];
      const F = [rng.big(-50n, 50n), rng.big(-5n, 5n)];
      const acc = account(rng.big(0n, 10n ** 8n), [rng.big(-1000n, 1000n), rng.big(-1000n, 1000n)]);
      const m = rng.int(2);
      const lp = liquidationPrice(acc, contexts(prices, F), m);
      if (acc.size[m] === 0n) {
        expect(lp).toBeNull();
        continue;
      }
      const at = (p: bigint) => maintenanceHealth(acc, contexts(prices.map((x, j) => (j === m ? p : x)), F));
      const edge = lp!.price;
      if (edge < 1n || edge >= 2n ** 47n) continue; // outside the price range: never liquidated by this market alone
      const beyond = lp!.direction === "below" ? edge - 1n : edge + 1n;
      expect(at(edge) >= 0n).toBe(true);
      if (beyond >= 1n) expect(at(beyond) < 0n).toBe(true);
    }
  });
});

describe("protocol charges round up", () => {
  it("trade fee: ceil(q P fee / RATIO)", () => {
    const [m0] = contexts([1_000n, 50n], [0n, 0n]); // fee 500 ppm
    expect(tradeFee(7n, 1001n, m0!)).toBe(4n); // 3.5035
    expect(tradeFee(10n, 1000n, m0!)).toBe(5n); // exact
    expect(tradeFee(1n, 1n, m0!)).toBe(1n); // 0.0005
  });

  it("liquidation penalty: ceil(sum |s| p penalty / RATIO) over every market", () => {
    const mk = contexts([1_000n, 50n], [0n, 0n]); // penalties 1% and 1.5%
    expect(liquidationPenalty(account(0n, [3n, 0n]), mk)).toBe(30n);
    expect(liquidationPenalty(account(0n, [-3n, 7n]), mk)).toBe(36n); // 30 + 5.25
    expect(liquidationPenalty(account(0n, [0n, -1n]), mk)).toBe(1n); // 0.75
  });
});
