/**
 * Builds the margin circuit at test size (or finds it up to date in the build cache, `build/`,
 * where `npm run setup` puts it too) and hands its paths to every test file: compiling it and making
 * its keys take half a minute, too long to repeat per file. Tests themselves write only to
 * temporary directories.
 */
import type { TestProject } from "vitest/node";
import { MARGIN_TEST_INSTANCE } from "../circuits/instances.js";
import { ensureBuilt, type BuiltInstance } from "../prover/build.js";

declare module "vitest" {
  export interface ProvidedContext {
    marginTest: BuiltInstance;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t0 = performance.now();
  const report = await ensureBuilt([MARGIN_TEST_INSTANCE], { contracts: false, log: () => {} });
  console.log(`[global setup] ${MARGIN_TEST_INSTANCE}: ${report.entries[0]!.constraints.toLocaleString("en-US")} constraints, built in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
  project.provide("marginTest", report.entries[0]!);
  return async () => {
    await (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128?.terminate();
  };
}
