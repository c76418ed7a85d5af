/**
 * Circuit shapes the benchmark measures, and the ad-hoc MarginBatch instances it builds for them.
 * Ad-hoc instances go into their own build directory (build/bench): Hardhat compiles every verifier
 * under build/contracts, and the benchmark's shapes have no business there.
 */
import { join } from "node:path";
import { INSTANCES, MARGIN_TEST_INSTANCE, MARGIN_TEST_SHAPE, shapeParams, type CircuitInstance } from "../../circuits/instances.js";
import { DEFAULT_BUILD_DIR, ensureBuilt, type BuiltInstance } from "../../prover/build.js";
import type { CircuitShape } from "../../sequencer/core/batch/index.js";
import { publicSignalNames } from "../../sequencer/core/constants.js";

export const BENCH_BUILD_DIR = join(DEFAULT_BUILD_DIR, "bench");

const MARGIN_PUBLIC_INPUTS = [...new Set(publicSignalNames(1).map((x) => x.replace(/\[\d+\]$/, "")))];

export const shapeLabel = (s: CircuitShape): string => `D=${s.depth} M=${s.markets} T=${s.opsPerBatch} K=${s.slotDepth}`;
export const shapeKey = (s: CircuitShape): string => `d${s.depth}_m${s.markets}_t${s.opsPerBatch}_k${s.slotDepth}`;
export const sameShape = (a: CircuitShape, b: CircuitShape): boolean =>
  a.depth === b.depth && a.markets === b.markets && a.opsPerBatch === b.opsPerBatch && a.slotDepth === b.slotDepth;

/** The registry's test instance when the shape is its shape (cached by every test run), else an
 * ad-hoc MarginBatch instance built into build/bench. */
export function instanceFor(shape: CircuitShape): { instance: CircuitInstance; buildDir: string; registry: readonly CircuitInstance[] } {
  if (sameShape(shape, MARGIN_TEST_SHAPE)) {
    return { instance: INSTANCES.find((i) => i.name === MARGIN_TEST_INSTANCE)!, buildDir: DEFAULT_BUILD_DIR, registry: INSTANCES };
  }
  const instance: CircuitInstance = {
    name: `margin_bench_${shapeKey(shape)}`,
    template: "MarginBatch",
    file: "circuits/core/margin_batch.circom",
    params: shapeParams(shape),
    publicSignals: MARGIN_PUBLIC_INPUTS,
  };
  return { instance, buildDir: BENCH_BUILD_DIR, registry: [instance] };
}

export interface BuiltShape {
  readonly shape: CircuitShape;
  readonly built: BuiltInstance;
  /** Seconds spent compiling and making keys in this run, null when the build cache had it. */
  readonly setupSeconds: number | null;
}

/** Builds (or finds in the cache) the circuit of a shape. Never compiles contracts. */
export async function buildShape(shape: CircuitShape, log: (line: string) => void = () => {}): Promise<BuiltShape> {
  const { instance, buildDir, registry } = instanceFor(shape);
  const t0 = performance.now();
  const report = await ensureBuilt([instance.name], { buildDir, instances: registry, contracts: false, log: (l) => log(`[build] ${l}`) });
  return { shape, built: report.entries[0]!, setupSeconds: report.rebuilt.length > 0 ? (performance.now() - t0) / 1000 : null };
}
