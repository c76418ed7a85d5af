/**
 * Replaces sections of a full result with those of a later run (`npm run bench -- --only <s>
 * --out <dir>`), re-judges the targets and rewrites both files: re-measuring one section does not
 * cost the whole 40-minute run. Each replaced section is listed in `remeasured`, with its commit.
 *
 *   npx tsx bench/merge.ts <into-dir> <from-dir>
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { evaluateTargets, renderMarkdown, SECTION_NAMES, type BenchResults } from "./report.js";

const [into, from] = process.argv.slice(2);
if (into === undefined || from === undefined) throw new Error("usage: bench/merge.ts <into-dir> <from-dir>");
const base = JSON.parse(await readFile(join(into, "latest.json"), "utf8")) as BenchResults & { remeasured?: unknown[] };
const later = JSON.parse(await readFile(join(from, "latest.json"), "utf8")) as BenchResults;
const sections = later.only ?? [...SECTION_NAMES];
const merged = { ...base } as BenchResults & { remeasured?: unknown[] };
for (const s of sections) {
  (merged as unknown as Record<string, unknown>)[s] = (later as unknown as Record<string, unknown>)[s];
  merged.sectionSeconds = { ...merged.sectionSeconds, [s]: later.sectionSeconds[s as keyof typeof later.sectionSeconds] };
}
const entry = { sections, date: later.date, git: later.git };
merged.remeasured = [...(base.remeasured ?? []).filter((e) => JSON.stringify(e) !== JSON.stringify(entry)), entry];
merged.targets = evaluateTargets(merged);
await writeFile(join(into, "latest.json"), `${JSON.stringify(merged, null, 2)}\n`);
let md = renderMarkdown(merged);
md = md.replace("\n## Targets", `\nSections re-measured later: ${sections.join(", ")} at commit ${String(later.git?.commit ?? "?").slice(0, 12)} (${later.date}).\n\n## Targets`);
await writeFile(join(into, "latest.md"), md);
console.log(`merged ${sections.join(", ")} into ${into}`);
