/**
 * `npm run bench` without the slow parts: the runner with --only sequencer at tiny sizes (real
 * matching, crypto and liquidation-latency code, a few hundred accounts), the JSON it writes and
 * the markdown; the gas-report parser on a captured table; the targets. Under a minute.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBench } from "../bench/index.js";
import { parseGasReport } from "../bench/gas.js";
import { evaluateTargets, renderMarkdown, SECTION_NAMES, type BenchResults } from "../bench/report.js";

const TOP_LEVEL = ["schema", "mode", "date", "git", "machine", "versions", "durationSeconds", "sectionSeconds", ...SECTION_NAMES, "targets"];

/** Every leaf of `x` that is a number, with its path. */
function numbers(x: unknown, path = ""): [string, number][] {
  if (typeof x === "number") return [[path, x]];
  if (Array.isArray(x)) return x.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (x !== null && typeof x === "object") return Object.entries(x).flatMap(([k, v]) => numbers(v, path ? `${path}.${k}` : k));
  return [];
}

let dir: string;
let json: BenchResults;
let md: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "solvent-bench-test-"));
  const { jsonPath, mdPath, failed } = await runBench({
    quick: true,
    only: ["sequencer"],
    outDir: dir,
    log: () => {},
    configPatch: { latencyAccounts: [300], latencyRepeats: 3, cryptoSeconds: 0.05, cryptoRepeats: 1, matchingOrders: 5_000, matchingRepeats: 1, signedOrders: 100 },
  });
  expect(failed).toEqual([]);
  json = JSON.parse(await readFile(jsonPath, "utf8")) as BenchResults;
  md = await readFile(mdPath, "utf8");
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("npm run bench -- --quick --only sequencer", () => {
  it("writes every top-level key, with the machine, versions and commit", () => {
    for (const k of TOP_LEVEL) expect(json, k).toHaveProperty(k);
    expect(json.mode).toBe("quick");
    expect(json.only).toEqual(["sequencer"]);
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.machine.memoryGiB).toBeGreaterThan(0);
    expect(json.machine.cpuModel.length).toBeGreaterThan(0);
    for (const v of ["node", "snarkjs", "circom", "solc", "hardhat"] as const) expect(json.versions[v]).toMatch(/\d+\.\d+/);
    expect(json.git.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(Number.isNaN(Date.parse(json.date))).toBe(false);
    // sections not selected say so
    for (const s of SECTION_NAMES.filter((s) => s !== "sequencer")) expect(json[s]).toEqual({ skipped: expect.stringMatching(/not selected/) });
  });

  it("fills the sequencer section with finite positive numbers", () => {
    const s = json.sequencer as Record<string, any>;
    expect(s.error).toBeUndefined();
    expect(s.matching.skipped).toBeUndefined();
    expect(s.crypto.skipped).toBeUndefined();
    for (const v of [
      s.matching.withoutSignatures.ordersPerSec,
      s.matching.withSignatures.ordersPerSec,
      s.crypto.eddsaVerifyPerSec,
      s.crypto.poseidon2PerSec,
    ]) {
      expect(typeof v).toBe("number");
      expect(v).toBeGreaterThan(0);
    }
    const lat = s.liquidationLatency[0];
    expect(lat.accounts).toBe(300);
    expect(lat.rounds.length).toBeGreaterThanOrEqual(3);
    for (const r of lat.rounds) {
      expect(r.violators).toBe(r.liquidate + r.recertify);
      expect(r.medianMs).toBeGreaterThanOrEqual(0);
    }
    // the quiet round breaks no certificate, the crash round does
    expect(lat.rounds[0].violators).toBe(0);
    expect(lat.rounds.at(-1).violators).toBeGreaterThan(0);
    expect(s.liquidationLatencyNotMeasured.skipped).toMatch(/100,000/);
    for (const [path, v] of numbers(s)) expect(Number.isFinite(v), path).toBe(true);
  });

  it("judges the targets it measured and marks the others not measured", () => {
    const byGoal = Object.fromEntries(json.targets.map((t) => [t.goal, t]));
    expect(json.targets).toHaveLength(5);
    expect(byGoal["Poseidon(2) hashes per second"]!.measured).toBeGreaterThan(0);
    expect(byGoal["Poseidon(2) hashes per second"]!.status).toMatch(/^(met|missed)$/);
    expect(byGoal["proving throughput at D=16, M=2"]!.status).toBe("not measured");
    expect(byGoal["liquidation detection over 100k accounts after an oracle round"]!.status).toBe("not measured");
  });

  it("writes markdown with the targets and every section", () => {
    expect(md).toMatch(/^# Solvent benchmark \(quick, only sequencer\)/);
    expect(md).toContain("## Targets");
    for (const h of ["Constraints", "Proving", "Scaling", "Gas", "Sequencer", "Setup", "Baseline"]) expect(md).toContain(`## ${h}`);
    expect(md).toContain("orders matched/s, without signatures");
    expect(md).toContain(json.git.commit!.slice(0, 12));
  });
});

describe("bench helpers", () => {
  it("parses scripts/gas-report.ts' table", () => {
    const out = [
      "Solvent chain-side gas (Hardhat in-process chain, M = 2, 19 public inputs, solc 0.8.30 via-IR, optimizer 1,000,000 runs)",
      "",
      "  deposit (first ever: queue count 0 -> 1)         184,651  ",
      "  deposit (steady state)                           150,451  Poseidon(4) + 2 SSTOREs + token pull",
      "  submitBatch, first batch (zero slots written)    418,798  ",
      "  submitBatch, 0 withdrawals                       384,700  calldata 804 bytes",
      "  verifier alone (tx calling verifyProof)          337,734  calldata 868 bytes",
      "  submitBatch, 1 withdrawal                        456,508  calldata 868 bytes",
      "  submitBatch, 4 withdrawals                       653,719  calldata 1060 bytes",
      "  claimWithdrawal (first claim by an address)       43,903  ",
      "",
      "  per extra withdrawal (from 0 -> 4)                67,254  Poseidon(3) + credit SSTORE + event",
      "",
      "  Groth16 floor of a 0-withdrawal batch: 21,000 tx + 7,356 calldata + 181,000 pairing + 19 x 6,150 (ecMul + ecAdd) = 326,206",
      "  submitBatch with 0 withdrawals: 384,700 = that floor + 17.9%",
    ].join("\n");
    const r = parseGasReport(out);
    expect(r.submitBatch).toEqual([
      { withdrawals: 0, gas: 384_700, calldataBytes: 804 },
      { withdrawals: 1, gas: 456_508, calldataBytes: 868 },
      { withdrawals: 4, gas: 653_719, calldataBytes: 1060 },
    ]);
    expect([r.depositFirst, r.depositSteady, r.perWithdrawal, r.claimWithdrawal, r.verifierAlone, r.groth16Floor]).toEqual([184_651, 150_451, 67_254, 43_903, 337_734, 326_206]);
    expect(r.missing).toEqual([]);
    expect(parseGasReport("nothing").missing.length).toBeGreaterThan(0);
  });

  it("renders a result whose sections failed or were skipped", () => {
    const r = { ...json, prove: { error: "boom" }, targets: evaluateTargets({ sequencer: {}, prove: { error: "boom" } }) };
    const text = renderMarkdown(r);
    expect(text).toContain("**Failed:** boom");
    expect(r.targets.every((t) => t.status === "not measured")).toBe(true);
  });
});
