/**
 * What each mode measures. Quick mode is the CI smoke run (under 3 minutes on a warm build cache):
 * the cached test instance, small D, 10k accounts, short repeats. Full mode is the real benchmark.
 */
import { MARGIN_TEST_SHAPE } from "../../circuits/instances.js";
import type { CircuitShape } from "../../sequencer/core/batch/index.js";

export interface BenchConfig {
  readonly quick: boolean;
  /** prove: batches of several T (same D, M, K) */
  readonly proveShapes: readonly CircuitShape[];
  readonly proveRuns: number;
  /** scaling: proving time against D at fixed M = 2 and small T */
  readonly depthShapes: readonly CircuitShape[];
  /** depths of the full series left out of this mode */
  readonly depthsSkipped: readonly number[];
  /** scaling: the shape and the numbers of accounts holding positions compared at fixed D */
  readonly populationShape: CircuitShape;
  readonly populations: readonly number[];
  readonly scalingRuns: number;
  /** sequencer: oracle-to-liquidation latency at these account counts */
  readonly latencyAccounts: readonly number[];
  readonly latencyRepeats: number;
  /** setup: circuits built from scratch into a fresh directory ("test" = margin_test, or a shape) */
  readonly setupCircuits: readonly (string | CircuitShape)[];
  /** setup: dev ceremony against snarkjs' powers-of-tau path at 2^power */
  readonly ceremonyPower: number;
  /** bench/crypto.ts: seconds per timed run and runs per figure */
  readonly cryptoSeconds: number;
  readonly cryptoRepeats: number;
  /** bench/matching.ts: operations per run and timed runs; orders of the signature-checked flow */
  readonly matchingOrders: number;
  readonly matchingRepeats: number;
  readonly signedOrders: number;
}

const shape = (depth: number, opsPerBatch: number, slotDepth: number): CircuitShape => ({ depth, markets: 2, opsPerBatch, slotDepth });

export const QUICK: BenchConfig = {
  quick: true,
  proveShapes: [MARGIN_TEST_SHAPE],
  proveRuns: 3,
  // Two depths only: on a clean clone each extra shape is a cold compile and key setup (~45 s),
  // and the smoke run must stay under 3 minutes there.
  depthShapes: [MARGIN_TEST_SHAPE, shape(8, 2, 2)],
  depthsSkipped: [12, 16, 20],
  populationShape: MARGIN_TEST_SHAPE,
  populations: [2, 14],
  scalingRuns: 1,
  latencyAccounts: [10_000],
  latencyRepeats: 7,
  setupCircuits: ["square_chain_1k"],
  ceremonyPower: 8,
  cryptoSeconds: 0.3,
  cryptoRepeats: 3,
  matchingOrders: 50_000,
  matchingRepeats: 3,
  signedOrders: 2_000,
};

export const FULL: BenchConfig = {
  quick: false,
  proveShapes: [shape(16, 2, 3), shape(16, 4, 3), shape(16, 8, 3)],
  proveRuns: 3,
  depthShapes: [shape(8, 2, 3), shape(12, 2, 3), shape(16, 2, 3), shape(20, 2, 3)],
  depthsSkipped: [],
  populationShape: shape(16, 2, 3),
  populations: [2, 1_000],
  scalingRuns: 3,
  latencyAccounts: [10_000, 100_000],
  latencyRepeats: 21,
  setupCircuits: ["square_chain_1k", "margin_test", "margin_demo", shape(16, 8, 3)],
  ceremonyPower: 14,
  cryptoSeconds: 1,
  cryptoRepeats: 5,
  matchingOrders: 200_000,
  matchingRepeats: 7,
  signedOrders: 20_000,
};
