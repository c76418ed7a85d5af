/**
 * Shared fixtures of the skeleton tests: deterministic keys, and the circuit's own arithmetic
 * replayed without its checks, so a cheating test can make every public signal consistent with a
 * tampered witness and be sure that only the rule under test can catch it.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { derivePublicKey, type PublicKey } from "../../sequencer/crypto/babyjub.js";
import { SNARK_FIELD_SIZE } from "../../sequencer/crypto/field.js";
import type { Poseidon } from "../../sequencer/crypto/poseidon.js";
import type { DepositBatchInputs } from "../../sequencer/skeleton/depositBatch.js";
import { rootFromPath } from "../../sequencer/state/merkle.js";

export async function testKeys(n: number): Promise<PublicKey[]> {
  const seeds = Array.from({ length: n }, (_, i) => createHash("sha256").update(`solvent test key ${i}`).digest());
  return Promise.all(seeds.map((s) => derivePublicKey(s)));
}

/** newRoot and depositsHash as the circuit computes them from the private inputs, checks skipped. */
export function replayOutputs(poseidon: Poseidon, inputs: DepositBatchInputs): { newRoot: bigint; depositsHash: bigint } {
  const hash2 = (l: bigint, r: bigint): bigint => poseidon([l, r]);
  let root = inputs.oldRoot;
  let hash = 0n;
  inputs.enabled.forEach((enabled, k) => {
    if (enabled !== 1n) return;
    const x = inputs.pubKeyX[k]!;
    const y = inputs.pubKeyY[k]!;
    const amount = inputs.amount[k]!;
    const balance = (inputs.oldBalance[k]! + amount) % SNARK_FIELD_SIZE;
    root = rootFromPath(hash2, poseidon([x, y, balance]), inputs.index[k]!, inputs.siblings[k]!);
    hash = poseidon([hash, x, y, amount]);
  });
  return { newRoot: root, depositsHash: hash };
}

/** A copy of `inputs` changed by `tamper`, with the public outputs made consistent again. */
export function tampered(
  poseidon: Poseidon,
  inputs: DepositBatchInputs,
  tamper: (i: DepositBatchInputs) => void,
): DepositBatchInputs {
  const copy = structuredClone(inputs);
  tamper(copy);
  return { ...copy, ...replayOutputs(poseidon, copy) };
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
