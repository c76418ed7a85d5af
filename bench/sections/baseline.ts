/** The project's hot-path cryptography against circomlibjs on the same inputs, as same-run ratios
 * (bench/crypto.ts; the run is shared with the sequencer section). */
import { sig, skipped, type Section } from "../lib/common.js";
import { cryptoResult } from "../lib/external.js";

export const baselineSection: Section = {
  name: "baseline",
  title: "Baseline: ours against circomlibjs",
  async run(ctx) {
    const c = await cryptoResult(ctx.config);
    if (!c.ok) return { unavailable: skipped(`crypto benchmark unavailable: ${c.reason}`) };
    const r = c.value;
    const row = (ours: number, ref: number) => ({ oursPerSec: sig(ours), circomlibjsPerSec: sig(ref), ratio: sig(ours / ref, 3) });
    return {
      source: "bench/crypto.ts benchCrypto (ours and circomlibjs alternate within each repeat; medians)",
      poseidon2: row(r.poseidon2PerSec, r.circomlibjsPoseidon2PerSec),
      poseidon5: row(r.poseidon5PerSec, r.circomlibjsPoseidon5PerSec),
      poseidon8: row(r.poseidon8PerSec, r.circomlibjsPoseidon8PerSec),
      poseidon2PureBigint: row(r.bigintPoseidon2PerSec, r.circomlibjsPoseidon2PerSec),
      eddsaVerify: row(r.eddsaVerifyPerSec, r.circomlibjsEddsaVerifyPerSec),
      eddsaVerifyColdKeys: row(r.eddsaVerifyColdPerSec, r.circomlibjsEddsaVerifyPerSec),
    };
  },
};
