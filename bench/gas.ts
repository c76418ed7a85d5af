/**
 * Chain-side gas, from scripts/gas-report.ts run as it is (its own process, its own temporary
 * build): that script is the reference and is being changed alongside contracts/, so the benchmark
 * reads its printed table rather than copying its logic. The parser keeps every row it finds; the
 * named figures are null (with a note) when a row's label is not found.
 *
 * The script proves batches with the PublicEcho stand-in for the margin circuit (same public inputs
 * at M = 2, hence the same verifier cost): submitBatch gas does not depend on T, the per-trade
 * figures divide it by the T of an instance.
 */
import { runTsChild } from "./lib/common.js";

export interface GasRow {
  readonly what: string;
  readonly gas: number;
  readonly note: string;
  /** calldata bytes, when the note gives them */
  readonly calldataBytes: number | null;
}

export interface GasReport {
  readonly title: string;
  readonly rows: GasRow[];
  readonly submitBatch: { readonly withdrawals: number; readonly gas: number; readonly calldataBytes: number | null }[];
  readonly depositFirst: number | null;
  readonly depositSteady: number | null;
  readonly perWithdrawal: number | null;
  readonly claimWithdrawal: number | null;
  readonly verifierAlone: number | null;
  readonly groth16Floor: number | null;
  readonly missing: string[];
}

const num = (s: string): number => Number(s.replace(/,/g, ""));

/** Parses gas-report.ts' output (exported for the test). */
export function parseGasReport(out: string): GasReport {
  const lines = out.split("\n");
  const rows: GasRow[] = [];
  for (const line of lines) {
    const m = /^ {2}(\S.*?)\s{2,}([\d,]+)(?:\s{2,}(.*))?$/.exec(line.trimEnd());
    if (!m) continue;
    const note = (m[3] ?? "").trim();
    const cd = /calldata ([\d,]+) bytes/.exec(note);
    rows.push({ what: m[1]!.trim(), gas: num(m[2]!), note, calldataBytes: cd ? num(cd[1]!) : null });
  }
  const missing: string[] = [];
  const find = (re: RegExp, label: string): GasRow | undefined => {
    const r = rows.find((x) => re.test(x.what));
    if (!r) missing.push(label);
    return r;
  };
  const submitBatch = rows.flatMap((r) => {
    const m = /^submitBatch, (\d+) withdrawals?$/.exec(r.what);
    return m ? [{ withdrawals: Number(m[1]), gas: r.gas, calldataBytes: r.calldataBytes }] : [];
  });
  if (!submitBatch.some((s) => s.withdrawals === 0)) missing.push("submitBatch, 0 withdrawals");
  const floor = /= ([\d,]+)\s*$/m.exec(lines.find((l) => /Groth16 floor/.test(l)) ?? "");
  return {
    title: lines.find((l) => l.trim().length > 0)?.trim() ?? "",
    rows,
    submitBatch,
    depositFirst: find(/^deposit \(first/, "deposit (first)")?.gas ?? null,
    depositSteady: find(/^deposit \(steady/, "deposit (steady state)")?.gas ?? null,
    perWithdrawal: find(/^per extra withdrawal/, "per extra withdrawal")?.gas ?? null,
    claimWithdrawal: find(/^claimWithdrawal/, "claimWithdrawal")?.gas ?? null,
    verifierAlone: find(/^verifier alone/, "verifier alone")?.gas ?? null,
    groth16Floor: floor ? num(floor[1]!) : null,
    missing,
  };
}

/** Runs scripts/gas-report.ts and parses its table. */
export async function gasReport(log: (line: string) => void = () => {}): Promise<GasReport> {
  const out = await runTsChild("scripts/gas-report.ts", []);
  const r = parseGasReport(out);
  if (r.rows.length === 0) throw new Error(`no gas rows in scripts/gas-report.ts output:\n${out.slice(0, 2000)}`);
  if (r.missing.length > 0) log(`gas: rows not found in gas-report output: ${r.missing.join(", ")}`);
  return r;
}
