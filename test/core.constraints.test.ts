/**
 * Pinned constraint counts of the margin batch circuit, so that a change that grows it shows in
 * review, and a check that the report's batch total (overhead + T slots) is what the compiler
 * produces for the whole batch.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { constraintReport, countTemplate, type ConstraintReport } from "../prover/constraints.js";

const SHAPE = { depth: 4, markets: 2, ops: 2, slotDepth: 2 };
let report: ConstraintReport;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "solvent-constraints-test-"));
  report = await constraintReport(SHAPE);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

it("pins the counts of the test instance", () => {
  expect(report.perLevel).toMatchObject({ certOld: 464, certNew: 760, certUpdate: 1224, poseidon2Update: 482 });
  expect(report.perSlot).toBe(27_863);
  expect(report.batchOverhead).toBe(3_605);
  expect(report.perBatch).toBe(59_331);
});

it("keeps a certificate-tree level within 4 Poseidon(2) levels", () => {
  expect(report.perLevel.ratio).toBeLessThanOrEqual(4);
});

it("reports the batch total the compiler produces", async () => {
  const compiled = await countTemplate("circuits/core/margin_batch.circom", "MarginBatch", [4, 2, 2, 2], work);
  expect(compiled).toBe(report.perBatch);
});
