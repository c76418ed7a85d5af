/**
 * Witness time, proving time and peak RSS per batch of T trades with the real margin circuit, for
 * several T at one (D, M, K); proving time per trade. Each shape's proofs run in a fresh child
 * process (bench/lib/proveChild.ts): its peak RSS is the proof's, not the benchmark's.
 */
import { readR1csHeader } from "../../prover/circom.js";
import { domainPower } from "../../prover/ceremony/index.js";
import { populate, proveInChild, tradeBatch } from "../lib/batch.js";
import { sig, type Section, type SectionResult } from "../lib/common.js";
import { buildShape, shapeKey, shapeLabel } from "../lib/shapes.js";

export const proveSection: Section = {
  name: "prove",
  title: "Proving",
  async run(ctx) {
    const { config, log } = ctx;
    const rows: SectionResult[] = [];
    for (const shape of config.proveShapes) {
      const built = await buildShape(shape, log);
      const state = await populate(shape, 2);
      const sealed = await tradeBatch(shape, state);
      log(`prove: ${shapeLabel(shape)} (${built.built.constraints.toLocaleString("en-US")} constraints), ${config.proveRuns} runs`);
      const m = await proveInChild(built, sealed, config.proveRuns);
      const T = shape.opsPerBatch;
      // scaling reuses this measurement when it needs the same shape with 2 accounts (same run)
      ctx.shared.set(`proof/${shapeKey(shape)}/2`, { m, constraints: built.built.constraints, domainPower: domainPower(await readR1csHeader(built.built.paths.r1cs)), accounts: 2 });
      rows.push({
        shape: { D: shape.depth, M: shape.markets, T, K: shape.slotDepth },
        label: shapeLabel(shape),
        instance: built.built.name,
        constraints: built.built.constraints,
        domainPower: domainPower(await readR1csHeader(built.built.paths.r1cs)),
        setupSeconds: built.setupSeconds === null ? null : sig(built.setupSeconds),
        runs: m.runs,
        witnessMs: sig(m.witnessMs),
        proveMs: sig(m.proveMs),
        witnessMsRuns: m.witnessMsRuns.map((x) => sig(x)),
        proveMsRuns: m.proveMsRuns.map((x) => sig(x)),
        proveMsPerTrade: sig(m.proveMs / T),
        tradesPerSecond: sig((T * 1000) / m.proveMs),
        tradesPerSecondWithWitness: sig((T * 1000) / (m.proveMs + m.witnessMs)),
        peakRssMiB: sig(m.peakRssMiB),
      });
    }
    // Same-run ratios against the first (smallest) batch.
    const base = rows[0]!;
    for (const r of rows) {
      r.proveRatioToFirst = sig((r.proveMs as number) / (base.proveMs as number), 3);
      r.perTradeRatioToFirst = sig((r.proveMsPerTrade as number) / (base.proveMsPerTrade as number), 3);
    }
    return { batches: rows, accountsWithPositions: 2 };
  },
};
