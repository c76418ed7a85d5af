/**
 * Test helper: witnesses of a compiled circuit, kept in memory, and the tools of a cheating prover
 * (edit any witness signal by name, then check the R1CS directly instead of trusting the witness
 * generator). In the spirit of circomkit's `editWitness` / `expectConstraintFail`.
 */
import { readFile } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import { vi } from "vitest";
import type { CircuitInputs } from "../../prover/prove.js";

export interface MemWitness {
  type: "mem";
  data: Uint8Array;
}

const FIELD_BYTES = 32;

export async function computeWitness(wasmPath: string, inputs: CircuitInputs): Promise<MemWitness> {
  const file: snarkjs.FileRef = { type: "mem" };
  await snarkjs.wtns.calculate(inputs, wasmPath, file);
  if (file.data === undefined) throw new Error("witness calculator wrote nothing");
  return { type: "mem", data: file.data };
}

export async function witnessValues(w: MemWitness): Promise<bigint[]> {
  return snarkjs.wtns.exportJson({ type: "mem", data: w.data });
}

/**
 * A copy of `w` with signal `index` set to `value`. The witness section is the file's tail: one
 * little-endian 32-byte element per signal, in normal (not Montgomery) form.
 */
export async function editWitness(w: MemWitness, index: number, value: bigint): Promise<MemWitness> {
  const n = (await witnessValues(w)).length;
  if (index < 0 || index >= n) throw new RangeError(`witness has no signal ${index}`);
  const data = w.data.slice();
  const offset = data.length - (n - index) * FIELD_BYTES;
  let v = value;
  for (let i = 0; i < FIELD_BYTES; i++) {
    data[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return { type: "mem", data };
}

/** Evaluates every R1CS constraint on the witness: the check a Groth16 proof stands for. */
export async function satisfiesR1cs(r1csPath: string, w: MemWitness): Promise<boolean> {
  const quiet: snarkjs.Logger = { debug() {}, info() {}, warn() {}, error() {} };
  return snarkjs.wtns.check(r1csPath, { type: "mem", data: w.data }, quiet);
}

/** Witness index of every named signal that survived optimisation, from circom's .sym file. */
export async function readSymbols(symPath: string): Promise<Map<string, number>> {
  const symbols = new Map<string, number>();
  for (const line of (await readFile(symPath, "utf8")).split("\n")) {
    const [, witnessIndex, , name] = line.split(",");
    if (name !== undefined && witnessIndex !== undefined && Number(witnessIndex) >= 0) {
      symbols.set(name, Number(witnessIndex));
    }
  }
  return symbols;
}

/**
 * Runs a witness computation that must violate a constraint and returns the failure's trace
 * ("Error in template X line: N" lines), so tests can tell which rule caught the cheat. Generators
 * assert every `===`, so a failing one means no honest computation satisfies the circuit. Other
 * errors (unknown or missing inputs) are rethrown: they prove nothing.
 */
export async function assertionFailure(compute: () => Promise<unknown>): Promise<string> {
  const quiet = [vi.spyOn(console, "error").mockImplementation(() => {}), vi.spyOn(console, "log").mockImplementation(() => {})];
  try {
    await compute();
  } catch (err) {
    const message = String(err);
    if (!message.includes("Assert Failed")) throw err;
    return message;
  } finally {
    quiet.forEach((spy) => spy.mockRestore());
  }
  throw new Error("expected a constraint to fail, but the witness was computed");
}

/** 1-based line of the unique line of `file` containing `snippet`: locates a constraint. */
export async function lineOf(file: string, snippet: string): Promise<number> {
  const lines = (await readFile(file, "utf8")).split("\n");
  const hits = lines.flatMap((l, i) => (l.includes(snippet) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`"${snippet}" occurs ${hits.length} times in ${file}`);
  return hits[0]!;
}

/** True when a witness generator's failure trace passes through `template` at `line`. */
export function failedAt(trace: string, template: string, line: number): boolean {
  return new RegExp(`Error in template ${template}_\\d+ line: ${line}\\b`).test(trace);
}
