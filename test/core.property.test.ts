/**
 * Property tests of the margin core over random operation streams (seeded, reproducible):
 * conservation of money, zero net open interest, every certificate valid and covering the batch's
 * Y values after every batch, paths that replay as the circuit does, and no trace of a rejection.
 * The world of operations is test/helpers/world.ts (the circuit's random test runs the same one).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { abs } from "../sequencer/core/arith.js";
import type { BatchBuilder, SealedBatch } from "../sequencer/core/batch/index.js";
import { certificateCovers, certificateValid } from "../sequencer/core/certificate.js";
import type { MarketParams } from "../sequencer/core/market.js";
import { coreKit, PARAMS, replayPaths, SHAPE, type CoreKit } from "./helpers/core.js";
import { cachedVerifier, createWorld, fundAccounts, randomBatch, type World, type WorldConfig } from "./helpers/world.js";

let kit: CoreKit;
/** Initial margin close to maintenance: accounts at the edge get liquidated by moves of a few percent. */
const PROP_PARAMS: readonly MarketParams[] = [
  { ...PARAMS[0]!, imr: PARAMS[0]!.mmr + 15_000n },
  { ...PARAMS[1]!, imr: PARAMS[1]!.mmr + 10_000n },
];
const CONFIG: WorldConfig = { shape: SHAPE, accounts: 8, params: PROP_PARAMS, prices: [100_000n, 5_000n], attempts: 12 };

beforeAll(async () => {
  kit = await coreKit(4);
});

function checkInvariants(w: World, sealed: SealedBatch, b: BatchBuilder): void {
  const state = sealed.state;
  let k = 0n;
  const oi = [0n, 0n];
  for (const [, acc] of state.entries()) {
    k += acc.k();
    acc.size.forEach((s, m) => (oi[m]! += s));
    expect(acc.isCanonical()).toBe(true);
    expect(certificateValid(acc)).toBe(true);
    expect(certificateCovers(acc, b.markets)).toBe(true);
  }
  const { insurance, fees } = state.ledger;
  expect(k + insurance + fees).toBe(w.deposited - w.withdrawn);
  expect(oi).toEqual([0n, 0n]);
  replayPaths(kit, sealed);
}

function runSeed(seed: number, batches: number): World {
  const w = createWorld(kit, cachedVerifier(kit.eddsa), CONFIG, seed);
  fundAccounts(w);
  for (let n = 0; n < batches; n++) {
    const { sealed, builder } = randomBatch(w);
    checkInvariants(w, sealed, builder);
  }
  return w;
}

describe("margin core properties", () => {
  it("random streams conserve money, keep OI at zero, and leave every account certified", () => {
    const totals: Record<string, number> = {};
    for (const seed of [1, 2, 3]) {
      const w = runSeed(seed, 10);
      for (const [k, v] of Object.entries(w.stats)) totals[k] = (totals[k] ?? 0) + v;
      const accounts = [...w.state.entries()];
      expect(accounts.some(([, a]) => a.size.some((s) => abs(s) > 0n))).toBe(true);
    }
    console.log("property stream outcomes:", JSON.stringify(totals));
    // The streams must actually exercise the rules, not just pass vacuously.
    const accepted = Object.entries(totals).filter(([k]) => k.startsWith("ok:")).reduce((s, [, v]) => s + v, 0);
    const rejected = Object.entries(totals).filter(([k]) => !k.startsWith("ok:")).reduce((s, [, v]) => s + v, 0);
    expect(accepted).toBeGreaterThan(150);
    expect(rejected).toBeGreaterThan(30);
    for (const k of ["ok:trade", "ok:deposit", "ok:withdrawal", "ok:recertify", "ok:liquidation"]) expect(totals[k] ?? 0).toBeGreaterThan(5);
  });
});
