/** Small helpers shared by the benchmark sections. */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { BenchConfig } from "./config.js";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");

/** Median of a non-empty list (the mean of the middle two for an even length). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median of nothing");
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Rounds to `digits` significant figures: results are measurements, not exact values. */
export function sig(x: number, digits = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/** The section's JSON value for something it did not measure, with the reason. */
export type Skipped = { readonly skipped: string };
export const skipped = (reason: string): Skipped => ({ skipped: reason });

export interface SectionContext {
  readonly config: BenchConfig;
  readonly log: (line: string) => void;
  /** Results other sections computed in this run, by section name (read-only sharing). */
  readonly shared: Map<string, unknown>;
}

export type SectionResult = Record<string, unknown>;

export interface Section {
  readonly name: string;
  readonly title: string;
  /** Measures only counts, not time: may run alongside another untimed section. */
  readonly untimed?: boolean;
  run(ctx: SectionContext): Promise<SectionResult>;
}

/** Runs a TypeScript file under tsx in a child process; resolves with its stdout (rejects on a
 * non-zero exit with the tail of stderr). */
export function runTsChild(script: string, args: readonly string[], opts: { onLine?: (line: string) => void } = {}): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", resolve(REPO_ROOT, script), ...args], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let partial = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (opts.onLine) {
        partial += d;
        const lines = partial.split("\n");
        partial = lines.pop()!;
        for (const l of lines) opts.onLine(l);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", fail);
    child.on("close", (code) => {
      if (code === 0) ok(out);
      else fail(new Error(`${script} exited with ${code}: ${err.trim().split("\n").slice(-8).join("\n")}`));
    });
  });
}

/** Stringifies bigints (nested arrays and objects), for JSON. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}
