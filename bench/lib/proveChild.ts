/**
 * One proving job in its own process, so that its peak resident memory is the proof's own:
 *
 *   node --import tsx bench/lib/proveChild.ts <job.json>
 *
 * The job names the circuit's wasm, zkey and verification key, the input file and the public
 * signals the TypeScript mirror expects. Proves `runs` times, verifies each proof, checks the
 * circuit's public signals against the mirror's, and prints one JSON line: per-run witness and
 * proving times, and the process's peak RSS (process.resourceUsage().maxRSS, which counts snarkjs'
 * worker threads: they share the process).
 */
import { readFile } from "node:fs/promises";
import { prove, shutdownProver, verify, type CircuitInputs, type VerificationKey } from "../../prover/prove.js";

export interface ProveJob {
  wasm: string;
  zkey: string;
  vkey: string;
  inputs: string;
  expectedPublic: string[];
  runs: number;
}

export interface ProveChildResult {
  witnessMs: number[];
  proveMs: number[];
  verified: boolean;
  peakRssBytes: number;
}

const job = JSON.parse(await readFile(process.argv[2]!, "utf8")) as ProveJob;
const inputs = JSON.parse(await readFile(job.inputs, "utf8")) as CircuitInputs;
const vkey = JSON.parse(await readFile(job.vkey, "utf8")) as VerificationKey;
const result: ProveChildResult = { witnessMs: [], proveMs: [], verified: true, peakRssBytes: 0 };
try {
  for (let r = 0; r < job.runs; r++) {
    const res = await prove(job.wasm, job.zkey, inputs);
    if (!(await verify(vkey, res.publicSignals, res.proof))) throw new Error("proof does not verify");
    if (res.publicSignals.length !== job.expectedPublic.length || res.publicSignals.some((v, i) => String(v) !== job.expectedPublic[i])) {
      throw new Error("circuit and mirror disagree on the public signals");
    }
    result.witnessMs.push(res.witnessMs);
    result.proveMs.push(res.proveMs);
  }
  result.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify(result));
} finally {
  await shutdownProver();
}
