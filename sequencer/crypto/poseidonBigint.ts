/**
 * Poseidon over the BN254 scalar field in plain BigInt arithmetic, equal to circomlib's
 * `Poseidon(n)`: the readable reference for poseidonWasm.ts (about 2.5x slower than circomlibjs,
 * so not on the hot path) and the loader of the constants. (n = 1..16, t = n + 1, 8 full rounds, x^5 S-box). It runs the optimised schedule of
 * circomlib's poseidon.circom: round constants folded forward, one dense pre-sparse matrix `P`
 * before the partial rounds, and a sparse matrix per partial round (`S`: a first row and a first
 * column), so a partial round costs one S-box and 2t − 1 products. Products are summed unreduced
 * and reduced once per output element.
 *
 * Only the constants come from circomlibjs (its `poseidon_constants_opt.json`, read at load time);
 * the code is ours.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { SNARK_FIELD_SIZE as P } from "./field.js";

const N_ROUNDS_F = 8;
export const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const;

/** Per-arity constants, flattened. Matrices are stored column-major: m[i*t + j] = M[j][i]. */
interface Params {
  readonly t: number;
  readonly nP: number;
  readonly C: readonly bigint[];
  readonly S: readonly bigint[];
  readonly M: readonly bigint[];
  readonly Pm: readonly bigint[];
}

export interface RawConstants {
  C: string[][];
  S: string[][];
  M: string[][][];
  P: string[][][];
}

let raw: RawConstants | undefined;
const params: (Params | undefined)[] = [];

/** circomlibjs's optimised Poseidon constants (hex strings), parsed once. */
export function rawConstants(): RawConstants {
  if (raw) return raw;
  const require = createRequire(import.meta.url);
  // circomlibjs's package exports hide src/, so locate the JSON next to its CommonJS build.
  const main = require.resolve("circomlibjs");
  const file = join(dirname(main), "..", "src", "poseidon_constants_opt.json");
  raw = JSON.parse(readFileSync(file, "utf8")) as RawConstants;
  return raw;
}

function paramsFor(n: number): Params {
  const cached = params[n];
  if (cached) return cached;
  const r = rawConstants();
  const t = n + 1;
  const big = (s: string): bigint => BigInt(s);
  const transpose = (m: string[][]): bigint[] => {
    const out = new Array<bigint>(t * t);
    for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) out[i * t + j] = big(m[j]![i]!);
    return out;
  };
  const p: Params = {
    t,
    nP: N_ROUNDS_P[n - 1]!,
    C: r.C[n - 1]!.map(big),
    S: r.S[n - 1]!.map(big),
    M: transpose(r.M[n - 1]!),
    Pm: transpose(r.P[n - 1]!),
  };
  params[n] = p;
  return p;
}

function pow5(x: bigint): bigint {
  const x2 = (x * x) % P;
  const x4 = (x2 * x2) % P;
  return (x4 * x) % P;
}

/** state ← m·state (column-major m), reduced. */
function mix(state: bigint[], m: readonly bigint[], t: number): bigint[] {
  const out = new Array<bigint>(t);
  for (let i = 0; i < t; i++) {
    let acc = 0n;
    const o = i * t;
    for (let j = 0; j < t; j++) acc += m[o + j]! * state[j]!;
    out[i] = acc % P;
  }
  return out;
}

/**
 * Poseidon of 1..16 canonical field elements. Inputs are not range-checked here (see
 * `poseidonBigint`); values outside [0, p) give the hash of their residue.
 */
export function poseidonUnchecked(inputs: readonly bigint[]): bigint {
  const n = inputs.length;
  if (n < 1 || n > 16) throw new RangeError(`Poseidon arity must be 1..16, got ${n}`);
  const { t, nP, C, S, M, Pm } = paramsFor(n);
  let state = new Array<bigint>(t);
  state[0] = C[0]!;
  for (let i = 1; i < t; i++) state[i] = inputs[i - 1]! + C[i]!;

  const half = N_ROUNDS_F / 2;
  for (let r = 0; r < half - 1; r++) {
    for (let i = 0; i < t; i++) state[i] = pow5(state[i]!) + C[(r + 1) * t + i]!;
    state = mix(state, M, t);
  }
  for (let i = 0; i < t; i++) state[i] = pow5(state[i]!) + C[half * t + i]!;
  state = mix(state, Pm, t);

  const cBase = (half + 1) * t;
  const w = 2 * t - 1;
  for (let r = 0; r < nP; r++) {
    const s0 = pow5(state[0]!) + C[cBase + r]!;
    const o = w * r;
    let acc = S[o]! * s0;
    for (let j = 1; j < t; j++) acc += S[o + j]! * state[j]!;
    for (let k = 1; k < t; k++) state[k] = (state[k]! + s0 * S[o + t + k - 1]!) % P;
    state[0] = acc % P;
  }

  const c2 = cBase + nP;
  for (let r = 0; r < half - 1; r++) {
    for (let i = 0; i < t; i++) state[i] = pow5(state[i]!) + C[c2 + r * t + i]!;
    state = mix(state, M, t);
  }
  let out = 0n;
  for (let j = 0; j < t; j++) out += M[j]! * pow5(state[j]!);
  const res = out % P;
  return res < 0n ? res + P : res;
}

/** Poseidon refusing non-field inputs (RangeError), like `getPoseidon`'s hasher. */
export function poseidonBigint(inputs: readonly bigint[]): bigint {
  for (const x of inputs) {
    if (typeof x !== "bigint" || x < 0n || x >= P) throw new RangeError(`Poseidon input outside the field: ${x}`);
  }
  return poseidonUnchecked(inputs);
}

/** Loads the constants of the given arities now rather than on first use. */
export function warmUpPoseidon(arities: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8]): void {
  for (const n of arities) paramsFor(n);
}
