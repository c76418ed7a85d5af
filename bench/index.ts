/**
 * `npm run bench`: the project's benchmark. Writes <out>/latest.json and <out>/latest.md.
 *
 *   npm run bench [-- --quick] [-- --only <section>[,<section>...]] [-- --out <dir>]
 *
 * Sections: constraints, prove, scaling, gas, sequencer, setup, baseline (one file each under
 * bench/sections). --quick is the CI smoke run (under 3 minutes on a warm build cache): the cached
 * test instance, small D, 10k accounts, short repeats; what it leaves out is marked in the output.
 * Sections that only count (constraints, gas) run side by side; every timed section runs alone.
 * A failing section is recorded with its error and the run goes on; the exit code is then 1.
 * Nothing is asserted: targets are printed as met or missed.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { shutdownProver } from "../prover/prove.js";
import { FULL, QUICK, type BenchConfig } from "./lib/config.js";
import { REPO_ROOT, skipped, type Section, type SectionContext, type SectionResult } from "./lib/common.js";
import { collectMeta } from "./lib/meta.js";
import { evaluateTargets, renderMarkdown, SECTION_NAMES, type BenchResults, type SectionName } from "./report.js";
import { baselineSection } from "./sections/baseline.js";
import { constraintsSection } from "./sections/constraints.js";
import { gasSection } from "./sections/gas.js";
import { proveSection } from "./sections/prove.js";
import { scalingSection } from "./sections/scaling.js";
import { sequencerSection } from "./sections/sequencer.js";
import { setupSection } from "./sections/setup.js";

const SECTIONS: Record<SectionName, Section> = {
  constraints: constraintsSection,
  prove: proveSection,
  scaling: scalingSection,
  gas: gasSection,
  sequencer: sequencerSection,
  setup: setupSection,
  baseline: baselineSection,
};
/** Timed sections, in the order they run (after the untimed ones). */
const TIMED_ORDER: readonly SectionName[] = ["prove", "scaling", "sequencer", "baseline", "setup"];

export interface RunOptions {
  quick?: boolean;
  only?: readonly string[];
  outDir?: string;
  /** replaces parts of the mode's configuration (the test shrinks the sequencer section) */
  configPatch?: Partial<BenchConfig>;
  log?: (line: string) => void;
}

export async function runBench(opts: RunOptions = {}): Promise<{ results: BenchResults; jsonPath: string; mdPath: string; failed: string[] }> {
  const t0 = performance.now();
  const stamp = () => `[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s]`;
  const log = opts.log ?? ((l: string) => console.error(`${stamp()} ${l}`));
  const config: BenchConfig = { ...(opts.quick ? QUICK : FULL), ...opts.configPatch };
  const only = opts.only && opts.only.length > 0 ? [...opts.only] : null;
  for (const o of only ?? []) {
    if (!(SECTION_NAMES as readonly string[]).includes(o)) throw new Error(`unknown section "${o}" (sections: ${SECTION_NAMES.join(", ")})`);
  }
  const selected = SECTION_NAMES.filter((s) => only === null || only.includes(s));
  const outDir = resolve(opts.outDir ?? join(REPO_ROOT, "bench", "results"));

  const meta = await collectMeta();
  log(`bench (${config.quick ? "quick" : "full"}): ${selected.join(", ")} on ${meta.machine.cpuModel} x${meta.machine.cores}, commit ${meta.git.commit?.slice(0, 12) ?? "?"}`);
  const ctx: SectionContext = { config, log, shared: new Map() };
  const results: Partial<Record<SectionName, SectionResult>> = {};
  const sectionSeconds: Partial<Record<SectionName, number>> = {};
  const failed: string[] = [];

  const runOne = async (name: SectionName): Promise<void> => {
    const s0 = performance.now();
    log(`== ${name}`);
    try {
      results[name] = await SECTIONS[name].run(ctx);
    } catch (err) {
      const e = err as Error;
      log(`${name} failed: ${e.stack ?? e.message}`);
      results[name] = { error: e.message.split("\n")[0]! };
      failed.push(name);
    }
    sectionSeconds[name] = Number(((performance.now() - s0) / 1000).toFixed(1));
    log(`== ${name} done in ${sectionSeconds[name]}s`);
  };
  // Untimed sections side by side (they count constraints and gas: no timing to disturb), then the
  // timed ones one at a time.
  await Promise.all(selected.filter((s) => SECTIONS[s].untimed).map(runOne));
  for (const name of TIMED_ORDER) if (selected.includes(name)) await runOne(name);

  const notSelected = (name: SectionName) => skipped(`not selected (--only ${only?.join(",")})`);
  const section = (name: SectionName): SectionResult => results[name] ?? notSelected(name);
  const partial = {
    schema: 1 as const,
    mode: config.quick ? ("quick" as const) : ("full" as const),
    only,
    ...meta,
    durationSeconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    sectionSeconds,
    constraints: section("constraints"),
    prove: section("prove"),
    scaling: section("scaling"),
    gas: section("gas"),
    sequencer: section("sequencer"),
    setup: section("setup"),
    baseline: section("baseline"),
  };
  const results_: BenchResults = { ...partial, targets: evaluateTargets(partial) };

  await mkdir(outDir, { recursive: true });
  const jsonPath = join(outDir, "latest.json");
  const mdPath = join(outDir, "latest.md");
  // Written under temporary names and renamed: a reader never sees half a file.
  await writeFile(`${jsonPath}.tmp`, `${JSON.stringify(results_, null, 2)}\n`);
  await writeFile(`${mdPath}.tmp`, renderMarkdown(results_));
  await rename(`${jsonPath}.tmp`, jsonPath);
  await rename(`${mdPath}.tmp`, mdPath);
  log(`wrote ${jsonPath} and ${mdPath} (${results_.durationSeconds}s)`);
  return { results: results_, jsonPath, mdPath, failed };
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  const { values } = parseArgs({
    options: { quick: { type: "boolean", default: false }, only: { type: "string", multiple: true }, out: { type: "string" } },
  });
  let code = 0;
  try {
    const only = (values.only ?? []).flatMap((o) => o.split(",")).filter((o) => o.length > 0);
    const { mdPath, failed } = await runBench({ quick: values.quick, only, ...(values.out !== undefined ? { outDir: values.out } : {}) });
    console.log((await import("node:fs")).readFileSync(mdPath, "utf8"));
    if (failed.length > 0) {
      console.error(`sections failed: ${failed.join(", ")}`);
      code = 1;
    }
  } catch (err) {
    console.error(err);
    code = 2;
  }
  await shutdownProver();
  process.exit(code);
}
