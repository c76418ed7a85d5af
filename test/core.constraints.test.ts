/**
 * Pinned constraint counts of the margin batch circuit, so that a change that grows it shows in
 * review, and a check that the report's batch total (overhead + T slots) is what the compiler
 * produces for the whole batch.
 */
import { beforeAll, expect, inject, it } from "vitest";
import { MARGIN_TEST_SHAPE } from "../circuits/instances.js";
import { constraintReport, type ConstraintReport } from "../prover/constraints.js";

const SHAPE = { depth: MARGIN_TEST_SHAPE.depth, markets: MARGIN_TEST_SHAPE.markets, ops: MARGIN_TEST_SHAPE.opsPerBatch, slotDepth: MARGIN_TEST_SHAPE.slotDepth };
let report: ConstraintReport;

beforeAll(async () => {
  report = await constraintReport(SHAPE);
});

it("pins the counts of the test instance", () => {
  expect(report.perLevel).toMatchObject({ certOld: 464, certNew: 760, certUpdate: 1224, poseidon2Update: 482 });
  expect(report.perSlot).toBe(27_887);
  expect(report.batchOverhead).toBe(3_607);
  expect(report.perBatch).toBe(59_381);
});

it("keeps a certificate-tree level within 4 Poseidon(2) levels", () => {
  expect(report.perLevel.ratio).toBeLessThanOrEqual(4);
});

it("reports the batch total the compiler produces for the test instance", () => {
  // The global setup compiled margin_test, MarginBatch(4, 2, 2, 2), as a whole.
  expect(inject("marginTest").constraints).toBe(report.perBatch);
});
