/**
 * Proving time against the tree depth D (fixed M = 2, small T), and against how many accounts hold
 * positions at a fixed D: the circuit's size depends on D, M, T and K only, so the second should
 * stay flat. A (shape, accounts) pair measured once in the run (here or by the prove section)
 * serves both series.
 */
import { readR1csHeader } from "../../prover/circom.js";
import { domainPower } from "../../prover/ceremony/index.js";
import type { CircuitShape } from "../../sequencer/core/batch/index.js";
import { maxPositioned, populate, proveInChild, tradeBatch, type ProofMeasurement } from "../lib/batch.js";
import { sig, skipped, type Section, type SectionResult } from "../lib/common.js";
import { buildShape, shapeKey, shapeLabel } from "../lib/shapes.js";

export const scalingSection: Section = {
  name: "scaling",
  title: "Scaling",
  async run(ctx) {
    const { config, log } = ctx;
    const measured = new Map<string, { m: ProofMeasurement; constraints: number; domainPower: number; accounts: number }>();
    const measure = async (shape: CircuitShape, accounts: number) => {
      const key = `${shapeKey(shape)}/${accounts}`;
      const have = measured.get(key) ?? (ctx.shared.get(`proof/${key}`) as typeof measured extends Map<string, infer V> ? V | undefined : never);
      if (have) return have;
      const built = await buildShape(shape, log);
      const n = Math.min(accounts, maxPositioned(shape.depth));
      log(`scaling: ${shapeLabel(shape)}, ${n} accounts with positions, ${config.scalingRuns} run(s)`);
      const state = await populate(shape, n);
      const m = await proveInChild(built, await tradeBatch(shape, state), config.scalingRuns);
      const r = { m, constraints: built.built.constraints, domainPower: domainPower(await readR1csHeader(built.built.paths.r1cs)), accounts: n };
      measured.set(key, r);
      return r;
    };

    const depthRows: SectionResult[] = [];
    for (const shape of config.depthShapes) {
      const r = await measure(shape, 2);
      depthRows.push({
        D: shape.depth,
        label: shapeLabel(shape),
        constraints: r.constraints,
        domainPower: r.domainPower,
        witnessMs: sig(r.m.witnessMs),
        proveMs: sig(r.m.proveMs),
        peakRssMiB: sig(r.m.peakRssMiB),
      });
    }
    const d0 = depthRows[0]!;
    for (const r of depthRows) r.proveRatioToFirst = sig((r.proveMs as number) / (d0.proveMs as number), 3);

    const popRows: SectionResult[] = [];
    for (const n of config.populations) {
      const r = await measure(config.populationShape, n);
      popRows.push({ accountsWithPositions: r.accounts, witnessMs: sig(r.m.witnessMs), proveMs: sig(r.m.proveMs), peakRssMiB: sig(r.m.peakRssMiB) });
    }
    const p0 = popRows[0]!;
    for (const r of popRows) r.proveRatioToFirst = sig((r.proveMs as number) / (p0.proveMs as number), 3);

    const s0 = config.depthShapes[0]!;
    return {
      depth: {
        fixed: { M: s0.markets, T: s0.opsPerBatch, K: s0.slotDepth },
        rows: depthRows,
        ...(config.depthsSkipped.length > 0 ? { notMeasured: skipped(`quick mode: D = ${config.depthsSkipped.join(", ")} not measured`) } : {}),
      },
      accounts: { shape: shapeLabel(config.populationShape), rows: popRows, runs: config.scalingRuns },
    };
  },
};
