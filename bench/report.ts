/**
 * The benchmark's markdown report (bench/results/latest.md) from its JSON result, and the targets:
 * goals printed as met / missed / not measured, never asserted.
 */
import type { Meta } from "./lib/meta.js";

export const SECTION_NAMES = ["constraints", "prove", "scaling", "gas", "sequencer", "setup", "baseline"] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export interface BenchResults extends Meta {
  schema: 1;
  mode: "quick" | "full";
  only: string[] | null;
  durationSeconds: number;
  sectionSeconds: Partial<Record<SectionName, number>>;
  constraints: Obj;
  prove: Obj;
  scaling: Obj;
  gas: Obj;
  sequencer: Obj;
  setup: Obj;
  baseline: Obj;
  targets: Target[];
}

type Obj = Record<string, unknown>;

export interface Target {
  goal: string;
  threshold: number;
  unit: string;
  /** the figure judged, or null when this run did not measure it */
  measured: number | null;
  status: "met" | "missed" | "not measured";
  source: string;
}

// --- reading loosely typed JSON --------------------------------------------------------------
const get = (o: unknown, ...path: (string | number)[]): unknown => {
  let x = o;
  for (const k of path) {
    if (x === null || typeof x !== "object") return undefined;
    x = (x as Record<string | number, unknown>)[k];
  }
  return x;
};
const num = (x: unknown): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const arr = (x: unknown): Obj[] => (Array.isArray(x) ? (x as Obj[]) : []);
const skippedReason = (x: unknown): string | null => {
  const s = get(x, "skipped");
  return typeof s === "string" ? s : null;
};

export function evaluateTargets(r: Pick<BenchResults, "sequencer" | "prove">): Target[] {
  const t = (goal: string, threshold: number, unit: string, measured: number | null, source: string, atMost = false): Target => ({
    goal,
    threshold,
    unit,
    measured,
    status: measured === null ? "not measured" : (atMost ? measured <= threshold : measured >= threshold) ? "met" : "missed",
    source,
  });
  const lat100k = arr(get(r.sequencer, "liquidationLatency")).find((x) => x.accounts === 100_000);
  const d16 = arr(get(r.prove, "batches")).filter((b) => get(b, "shape", "D") === 16 && get(b, "shape", "M") === 2);
  const bestD16 = d16.length > 0 ? Math.max(...d16.map((b) => num(b.tradesPerSecond) ?? 0)) : null;
  return [
    t("signature verifications per second per core", 1_000, "/s", num(get(r.sequencer, "crypto", "eddsaVerifyPerSec")), "sequencer.crypto.eddsaVerifyPerSec (one thread)"),
    t("Poseidon(2) hashes per second", 50_000, "/s", num(get(r.sequencer, "crypto", "poseidon2PerSec")), "sequencer.crypto.poseidon2PerSec"),
    t("orders matched per second, without signatures", 100_000, "/s", num(get(r.sequencer, "matching", "withoutSignatures", "ordersPerSec")), "sequencer.matching.withoutSignatures.ordersPerSec"),
    t("liquidation detection over 100k accounts after an oracle round", 50, "ms", num(lat100k?.worstMedianMs), "sequencer.liquidationLatency[100k].worstMedianMs (slowest round's median)", true),
    t("proving throughput at D=16, M=2", 1, "trades/s", bestD16, "max over prove.batches at D=16, M=2 of tradesPerSecond (proving only)"),
  ];
}

// --- formatting --------------------------------------------------------------------------------
const n0 = (x: unknown): string => (num(x) === null ? "-" : Math.round(x as number).toLocaleString("en-US"));
const f = (x: unknown, d = 2): string => (num(x) === null ? "-" : (x as number).toFixed(d));
const sec = (ms: unknown, d = 2): string => (num(ms) === null ? "-" : ((ms as number) / 1000).toFixed(d));
const table = (head: string[], rows: string[][]): string[] => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)];

function sectionBody(name: SectionName, s: Obj): string[] {
  const err = get(s, "error");
  if (typeof err === "string") return [`**Failed:** ${err}`];
  const sk = skippedReason(s);
  if (sk !== null) return [`*Skipped: ${sk}*`];
  const out: string[] = [];
  const note = (x: unknown) => {
    const why = skippedReason(x);
    if (why !== null) out.push("", `*Not measured: ${why}*`);
  };
  switch (name) {
    case "constraints": {
      const shapes = arr(s.shapes);
      if (shapes.length > 0) {
        const kinds = Object.keys((shapes[0]!.perOperation as Obj) ?? {});
        out.push(
          ...table(
            ["shape", "cert tree level (old+new)", "x Poseidon(2) level", ...kinds.map((k) => `${k} slot`), "batch overhead", "per batch", "per trade"],
            shapes.map((x) => [
              String(x.label),
              n0(get(x, "perLevel", "certUpdate")),
              f(get(x, "perLevel", "ratio")),
              ...kinds.map((k) => n0(get(x, "perOperation", k))),
              n0(x.batchOverhead),
              n0(x.perBatch),
              n0(x.perTrade),
            ]),
          ),
        );
        out.push("", "Every operation kind costs one slot; the slot's parts (first shape):", "");
        out.push(...table(["part", "constraints"], Object.entries((shapes[0]!.parts as Obj) ?? {}).map(([k, v]) => [k.trim(), n0(v)])));
      }
      note(s.notCounted);
      break;
    }
    case "prove": {
      out.push(
        ...table(
          ["shape", "constraints", "domain", "first setup (s)", "witness (s)", "prove (s)", "prove per trade (s)", "trades/s", "peak RSS (MiB)", "prove vs first"],
          arr(s.batches).map((b) => [
            String(b.label),
            n0(b.constraints),
            `2^${String(b.domainPower)}`,
            num(b.setupSeconds) === null ? "cached" : f(b.setupSeconds, 1),
            sec(b.witnessMs),
            sec(b.proveMs),
            sec(b.proveMsPerTrade),
            f(b.tradesPerSecond, 3),
            n0(b.peakRssMiB),
            `${f(b.proveRatioToFirst)}x`,
          ]),
        ),
        "",
        `Medians of ${String(get(arr(s.batches)[0], "runs") ?? "?")} proofs per shape, each shape in a fresh child process (peak RSS = that process's max RSS); ${String(s.accountsWithPositions)} accounts hold positions.`,
      );
      break;
    }
    case "scaling": {
      const depth = get(s, "depth") as Obj;
      out.push(`Against D (M=${String(get(depth, "fixed", "M"))}, T=${String(get(depth, "fixed", "T"))}, K=${String(get(depth, "fixed", "K"))}):`, "");
      out.push(
        ...table(
          ["D", "constraints", "domain", "witness (s)", "prove (s)", "peak RSS (MiB)", "prove vs first"],
          arr(get(depth, "rows")).map((r) => [String(r.D), n0(r.constraints), `2^${String(r.domainPower)}`, sec(r.witnessMs), sec(r.proveMs), n0(r.peakRssMiB), `${f(r.proveRatioToFirst)}x`]),
        ),
      );
      note(get(depth, "notMeasured"));
      const acc = get(s, "accounts") as Obj;
      out.push("", `Against the number of accounts holding positions (${String(get(acc, "shape"))}; should stay flat):`, "");
      out.push(
        ...table(
          ["accounts with positions", "witness (s)", "prove (s)", "peak RSS (MiB)", "prove vs first"],
          arr(get(acc, "rows")).map((r) => [n0(r.accountsWithPositions), sec(r.witnessMs), sec(r.proveMs), n0(r.peakRssMiB), `${f(r.proveRatioToFirst)}x`]),
        ),
      );
      break;
    }
    case "gas": {
      out.push(
        ...table(
          ["submitBatch", "gas", "calldata (bytes)"],
          arr(s.submitBatch).map((b) => [`${String(b.withdrawals)} withdrawal${b.withdrawals === 1 ? "" : "s"}`, n0(b.gas), n0(b.calldataBytes)]),
        ),
        "",
        ...table(
          ["T (trades per batch)", "gas per trade", "calldata bytes per trade"],
          arr(s.perTrade).map((p) => [String(p.T), n0(p.gasPerTrade), f(p.calldataBytesPerTrade, 1)]),
        ),
        "",
        ...table(
          ["other", "gas"],
          [
            ["deposit (first ever)", n0(get(s, "deposit", "first"))],
            ["deposit (steady state)", n0(get(s, "deposit", "steady"))],
            ["withdrawal: per extra withdrawal in a batch", n0(get(s, "withdrawal", "perExtraInBatch"))],
            ["withdrawal: claim", n0(get(s, "withdrawal", "claim"))],
            ["verifier alone", n0(s.verifierAlone)],
            ["Groth16 floor of a 0-withdrawal batch", n0(s.groth16Floor)],
          ],
        ),
        "",
        `Source: ${String(s.source)}. ${String(s.perTradeNote)}.`,
      );
      if (Array.isArray(s.missingRows)) out.push("", `*Rows not found in gas-report output: ${(s.missingRows as string[]).join(", ")}*`);
      break;
    }
    case "sequencer": {
      const m = get(s, "matching");
      const mr = skippedReason(m);
      out.push(
        ...table(
          ["figure", "value"],
          [
            ["orders matched/s, without signatures", mr ?? n0(get(m, "withoutSignatures", "ordersPerSec"))],
            ["orders matched/s, signatures checked", mr ?? n0(get(m, "withSignatures", "ordersPerSec"))],
            ["signature verifications/s (16 keys, cached tables)", n0(get(s, "crypto", "eddsaVerifyPerSec"))],
            ["signature verifications/s (every key new)", n0(get(s, "crypto", "eddsaVerifyColdPerSec"))],
            ["Poseidon(2) hashes/s", n0(get(s, "crypto", "poseidon2PerSec"))],
            ["Poseidon(5) hashes/s", n0(get(s, "crypto", "poseidon5PerSec"))],
            ["orders/s through the HTTP API, resting (ack after SQLite commit)", skippedReason(get(s, "api")) ?? n0(get(s, "api", "restingOrdersPerSec"))],
            ["orders/s through the HTTP API, each filling one resting order", skippedReason(get(s, "api")) ?? n0(get(s, "api", "crossingOrdersPerSec"))],
          ],
        ),
      );
      const cr = skippedReason(get(s, "crypto"));
      if (cr !== null) out.push("", `*Crypto figures not measured: ${cr}*`);
      out.push("", "Oracle-to-liquidation latency (new prices -> market contexts -> the risk engine's BoundIndex -> liquidate/re-certify), beside the same answer from the certificate tree's aggregates and from a scan of every account:", "");
      const rows: string[][] = [];
      for (const l of arr(s.liquidationLatency)) {
        for (const r of arr(l.rounds)) {
          rows.push([n0(l.accounts), String(r.name), n0(r.violators), n0(r.liquidate), n0(r.recertify), f(r.medianMs, 3), f(r.maxMs, 3), r.certTreeMs === undefined ? "-" : f(r.certTreeMs, 2), f(r.linearScanMs, 2), `${f(r.speedup, 1)}x`]);
        }
      }
      out.push(...table(["accounts", "oracle round", "violators", "liquidate", "re-certify", "median (ms)", "max (ms)", "tree walk (ms)", "scan all (ms)", "index vs scan"], rows));
      for (const l of arr(s.liquidationLatency)) {
        out.push(
          "",
          `${n0(l.accounts)} accounts (tree depth ${String(l.depth)}, ${String(l.repeats)} repeats): leaves hashed in ${f(l.leafHashSeconds, 1)} s, bulk-loaded in ${f(l.bulkLoadSeconds, 1)} s (${f(l.bulkSpeedup, 1)}x faster than leaf-by-leaf at ${f(l.incrementalMsPerLeaf, 2)} ms per leaf).`,
        );
      }
      note(s.liquidationLatencyNotMeasured);
      break;
    }
    case "setup": {
      out.push(
        ...table(
          ["circuit", "constraints", "compile (s)", "keys (s)", "total (s)"],
          arr(s.circuits).map((c) => [`${String(c.circuit)}${typeof c.shape === "string" ? ` (${c.shape})` : ""}`, n0(c.constraints), f(c.compileSeconds, 1), f(c.keysSeconds, 1), f(c.totalSeconds, 1)]),
        ),
      );
      note(s.circuitsNotBuilt);
      const c = get(s, "ceremony") as Obj | undefined;
      if (c) {
        out.push(
          "",
          `Ceremony at 2^${String(c.power)} (${n0(c.constraints)} constraints): development ${f(c.devSeconds, 1)} s, snarkjs powers of tau ${f(c.snarkjsSeconds, 1)} s = **${f(c.ratio, 1)}x** the development ceremony (same run).`,
        );
      }
      break;
    }
    case "baseline": {
      const un = skippedReason(get(s, "unavailable"));
      if (un !== null) {
        out.push(`*Not measured: ${un}*`);
        break;
      }
      const rows = (["poseidon2", "poseidon5", "poseidon8", "poseidon2PureBigint", "eddsaVerify", "eddsaVerifyColdKeys"] as const).map((k) => [
        k,
        n0(get(s, k, "oursPerSec")),
        n0(get(s, k, "circomlibjsPerSec")),
        `${f(get(s, k, "ratio"))}x`,
      ]);
      out.push(...table(["operation", "ours /s", "circomlibjs /s", "ours / circomlibjs"], rows), "", `Source: ${String(s.source)}.`);
      break;
    }
  }
  return out;
}

export function renderMarkdown(r: BenchResults): string {
  const titles: Record<SectionName, string> = {
    constraints: "Constraints",
    prove: "Proving",
    scaling: "Scaling",
    gas: "Gas",
    sequencer: "Sequencer",
    setup: "Setup",
    baseline: "Baseline: ours against circomlibjs",
  };
  const v = r.versions;
  const lines = [
    `# Solvent benchmark (${r.mode}${r.only ? `, only ${r.only.join(", ")}` : ""})`,
    "",
    `${r.date} · commit ${r.git.commit?.slice(0, 12) ?? "unknown"}${r.git.dirty ? ` (+${String(r.git.changedFiles)} uncommitted changes)` : ""} · ${r.durationSeconds.toFixed(0)} s`,
    "",
    `Machine: ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB (load average at start ${r.machine.loadAverageAtStart.join(" / ")}), ${r.machine.os}`,
    "",
    `Versions: node ${v.node}, snarkjs ${v.snarkjs}, circom ${v.circom} (circom2 ${v.circom2Package}), solc ${v.solc}, hardhat ${v.hardhat}, circomlibjs ${v.circomlibjs}`,
    "",
    "Figures are medians of repeated runs; comparisons are ratios measured in the same run. The machine is shared, so absolute times are noisy.",
    "",
    "## Targets",
    "",
    ...table(
      ["goal", "target", "measured", "status"],
      r.targets.map((t) => [t.goal, `${t.unit === "ms" ? "<=" : ">="} ${t.threshold.toLocaleString("en-US")} ${t.unit}`, t.measured === null ? "-" : `${t.measured < 10 ? t.measured.toFixed(3) : Math.round(t.measured).toLocaleString("en-US")} ${t.unit}`, t.status === "met" ? "met" : t.status === "missed" ? "**missed**" : "not measured"]),
    ),
  ];
  for (const name of SECTION_NAMES) {
    const secs = r.sectionSeconds[name];
    lines.push("", `## ${titles[name]}${secs !== undefined ? ` (${secs.toFixed(0)} s)` : ""}`, "", ...sectionBody(name, r[name]));
  }
  return `${lines.join("\n")}\n`;
}
