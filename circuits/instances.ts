/**
 * The registry of circuit instances `npm run setup` builds. A circuit is a template instantiated
 * with parameters; the build writes a tiny main file per instance, so a template is parametrised,
 * never copied. Adding a circuit is adding one line to `INSTANCES`.
 */

import type { CircuitShape } from "../sequencer/core/batch/types.js";
import { publicSignalNames } from "../sequencer/core/constants.js";

export interface CircuitInstance {
  /** Lower snake case. Names the build directories and, in PascalCase, the verifier contract
   * (`square_chain_1k` -> `SquareChain1kVerifier`). */
  readonly name: string;
  /** Template to instantiate as `main`. */
  readonly template: string;
  /** The .circom file that defines `template`, relative to the repository root (or absolute). */
  readonly file: string;
  /** Template parameters, in declaration order. */
  readonly params: readonly number[];
  /** Input signals made public, in order. Outputs are always public and come first in the
   * public-signal vector, followed by these. */
  readonly publicSignals?: readonly string[];
}

/** The margin batch's public inputs, in declaration order (array inputs by name). */
const MARGIN_PUBLIC_INPUTS = [...new Set(publicSignalNames(1).map((n) => n.replace(/\[\d+\]$/, "")))];

export const MARGIN_TEST_INSTANCE = "margin_test";
export const MARGIN_TEST_SHAPE: CircuitShape = { depth: 4, markets: 2, opsPerBatch: 2, slotDepth: 2 };

/**
 * `npm start`'s instance: 32 accounts, 4 operations per batch, 4 order slots per account. 124,955
 * constraints, the most of a 2^17 proving domain this tree depth allows at T = 4 (D = 6 or K = 3
 * would cross into 2^18 and double the proving time): first setup about 80 s, a proof 10-17 s here.
 */
export const MARGIN_DEMO_INSTANCE = "margin_demo";
export const MARGIN_DEMO_SHAPE: CircuitShape = { depth: 5, markets: 2, opsPerBatch: 4, slotDepth: 2 };

/** MarginBatch(D, M, T, K) parameters of a shape. */
export function shapeParams(s: CircuitShape): number[] {
  return [s.depth, s.markets, s.opsPerBatch, s.slotDepth];
}

export const INSTANCES: readonly CircuitInstance[] = [
  // Pipeline check and ceremony benchmark: exactly params[0] constraints.
  { name: "square_chain_1k", template: "SquareChain", file: "circuits/test/square_chain.circom", params: [1000], publicSignals: ["x0"] },
  // The margin batch at test size: every rule, small tree (D=4, M=2, T=2, K=2; 59k constraints).
  { name: MARGIN_TEST_INSTANCE, template: "MarginBatch", file: "circuits/core/margin_batch.circom", params: shapeParams(MARGIN_TEST_SHAPE), publicSignals: MARGIN_PUBLIC_INPUTS },
  // The demo of `npm start` (scripts/start.ts): D=5, M=2, T=4, K=2.
  { name: MARGIN_DEMO_INSTANCE, template: "MarginBatch", file: "circuits/core/margin_batch.circom", params: shapeParams(MARGIN_DEMO_SHAPE), publicSignals: MARGIN_PUBLIC_INPUTS },
];
