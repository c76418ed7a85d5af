/**
 * Constraint counts per operation kind, per tree level and per batch, for every shape the run
 * proves, from prover/constraints.ts (each part compiled on its own: the compiler's figures).
 * The report depends on (D, M, K) except for the per-batch total, overhead + T slots, so one report
 * per (D, M, K) serves every T.
 */
import { constraintReport, type ConstraintReport } from "../../prover/constraints.js";
import type { CircuitShape } from "../../sequencer/core/batch/index.js";
import { skipped, type Section, type SectionContext, type SectionResult } from "../lib/common.js";
import { shapeKey, shapeLabel } from "../lib/shapes.js";

/** Every shape the run measures (prove and scaling), deduplicated, in order. */
export function measuredShapes(ctx: SectionContext): CircuitShape[] {
  const c = ctx.config;
  const all = [...c.proveShapes, ...c.depthShapes, c.populationShape];
  return all.filter((s, i) => all.findIndex((t) => shapeKey(t) === shapeKey(s)) === i);
}

export const constraintsSection: Section = {
  name: "constraints",
  title: "Constraints",
  untimed: true,
  async run(ctx) {
    // Quick mode counts the test instance only: each report compiles ten templates (~30 s at D=4).
    const shapes = measuredShapes(ctx);
    const counted = ctx.config.quick ? shapes.slice(0, 1) : shapes;
    const reports = new Map<string, ConstraintReport>();
    const rows: SectionResult[] = [];
    for (const shape of counted) {
      const key = `${shape.depth},${shape.markets},${shape.slotDepth}`;
      let r = reports.get(key);
      if (r === undefined) {
        ctx.log(`constraints: ${shapeLabel(shape)}`);
        r = await constraintReport({ depth: shape.depth, markets: shape.markets, ops: shape.opsPerBatch, slotDepth: shape.slotDepth });
        reports.set(key, r);
      }
      rows.push({
        shape: { D: shape.depth, M: shape.markets, T: shape.opsPerBatch, K: shape.slotDepth },
        label: shapeLabel(shape),
        perLevel: r.perLevel,
        perOperation: Object.fromEntries(Object.entries(r.perOperation).map(([k, v]) => [k, v.constraints])),
        perSlot: r.perSlot,
        parts: r.parts,
        batchOverhead: r.batchOverhead,
        perBatch: r.batchOverhead + shape.opsPerBatch * r.perSlot,
        perTrade: (r.batchOverhead + shape.opsPerBatch * r.perSlot) / shape.opsPerBatch,
      });
    }
    const left = shapes.slice(counted.length).map(shapeLabel);
    return {
      shapes: rows,
      ...(left.length > 0 ? { notCounted: skipped(`quick mode counts the first shape only; not counted: ${left.join("; ")}`) } : {}),
    };
  },
};
