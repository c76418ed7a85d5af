/**
 * Groth16 proving and verification through snarkjs, plus the calldata layout of the verifier
 * contracts snarkjs exports.
 */
import * as snarkjs from "snarkjs";
import type { CircuitInputs, Groth16Proof, VerificationKey } from "snarkjs";

export type { CircuitInputs, Groth16Proof, VerificationKey } from "snarkjs";

export interface ProofResult {
  readonly proof: Groth16Proof;
  /** Public signals as the circuit computed them, in circuit order. */
  readonly publicSignals: bigint[];
  readonly witnessMs: number;
  readonly proveMs: number;
}

/** Arguments of an exported verifier's `verifyProof(a, b, c, input)`. */
export interface SolidityCalldata {
  readonly a: [bigint, bigint];
  readonly b: [[bigint, bigint], [bigint, bigint]];
  readonly c: [bigint, bigint];
  readonly input: bigint[];
}

/**
 * Computes the witness, then the proof: the same as `groth16.fullProve`, split so the two costs
 * are measured apart. A witness that breaks a constraint throws here, before any proving work.
 */
export async function prove(wasmPath: string, zkeyPath: string, inputs: CircuitInputs): Promise<ProofResult> {
  const witness: snarkjs.FileRef = { type: "mem" };
  const t0 = performance.now();
  await snarkjs.wtns.calculate(inputs, wasmPath, witness);
  const t1 = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.prove(zkeyPath, witness);
  const t2 = performance.now();
  return { proof, publicSignals: publicSignals.map(BigInt), witnessMs: t1 - t0, proveMs: t2 - t1 };
}

export async function verify(
  vkey: VerificationKey,
  publicSignals: readonly bigint[],
  proof: Groth16Proof,
): Promise<boolean> {
  return snarkjs.groth16.verify(vkey, [...publicSignals], proof);
}

/**
 * The proof in the layout of snarkjs' Solidity verifier. G2 points: snarkjs' JSON stores each Fp2
 * coordinate as [c0, c1], the EVM pairing precompile (EIP-197) reads [c1, c0], hence the swap in b.
 */
export function toSolidityCalldata(proof: Groth16Proof, publicSignals: readonly bigint[]): SolidityCalldata {
  const g1 = (p: readonly string[]): [bigint, bigint] => [big(p, 0), big(p, 1)];
  const g2 = (p: readonly string[]): [bigint, bigint] => [big(p, 1), big(p, 0)];
  const b0 = proof.pi_b[0];
  const b1 = proof.pi_b[1];
  if (b0 === undefined || b1 === undefined) throw new Error("malformed proof: pi_b");
  return { a: g1(proof.pi_a), b: [g2(b0), g2(b1)], c: g1(proof.pi_c), input: [...publicSignals] };
}

/**
 * snarkjs keeps worker threads on a process-wide curve object; a process that used it does not
 * exit until the curve is terminated. Call once, when no proof is in flight.
 */
export async function shutdownProver(): Promise<void> {
  const holder = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  await holder.curve_bn128?.terminate();
}

function big(coords: readonly string[], i: number): bigint {
  const v = coords[i];
  if (v === undefined) throw new Error(`malformed proof: missing coordinate ${i}`);
  return BigInt(v);
}
