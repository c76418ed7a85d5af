/**
 * Development key ceremony for Groth16 (DESIGN §7).
 *
 * snarkjs' path (powers of tau, `prepare phase2`, `zkey new`) computes every key point from the
 * previous ceremony's points with group FFTs, because nobody may know tau. A development key has
 * no such constraint: we pick tau, alpha, beta, delta ourselves, evaluate the QAP polynomials at
 * tau with plain field arithmetic, and multiply the generators once per key point in WebAssembly
 * workers. The result is byte-compatible with `snarkjs zkey new` + one contribution, and totally
 * insecure: whoever has the toxic waste can prove anything.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { inv, lagrangeAt, mod, mul } from "./field.js";
import { CombPool, generator, getCurve } from "./points.js";
import { CeremonyInputError, readR1cs, type R1cs } from "./r1cs.js";
import { CoefSection, writeZkey } from "./zkey.js";
import { exportVerificationKey, ptauSetup } from "./snarkjsPath.js";

export interface DevSetupOptions {
  r1csPath: string;
  outDir: string;
  /** A real powers-of-tau file: use snarkjs' standard (slow, secure) path instead. */
  ptauPath?: string;
  /** Deterministic toxic waste, for reproducible development keys. Random when omitted. */
  seed?: string;
  log?: (msg: string) => void;
}

export interface DevSetupResult {
  zkeyPath: string;
  vkeyPath: string;
  constraints: number;
  seconds: number;
  /** True for the known-toxic-waste path. */
  insecure: boolean;
}

export const INSECURE_BANNER = [
  "!!! INSECURE DEVELOPMENT KEYS !!!",
  "The toxic waste of this ceremony is known: anyone who has it can forge proofs of false statements.",
  "Use these keys for development and tests only; pass --ptau <file> for a real ceremony.",
].join("\n");

interface ToxicWaste {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
  delta: bigint;
}

function toxicWaste(seed: Uint8Array): ToxicWaste {
  const derive = (label: string): bigint => {
    const h = createHash("sha512").update(seed).update(label).digest();
    const v = mod(BigInt("0x" + h.toString("hex")));
    return v === 0n ? 1n : v;
  };
  return { tau: derive("tau"), alpha: derive("alpha"), beta: derive("beta"), delta: derive("delta") };
}

/** snarkjs' domain rule (zkey_new.js): the smallest power of two above constraints + public inputs. */
export function domainPower(r1cs: Pick<R1cs, "nConstraints" | "nOutputs" | "nPubInputs">): number {
  return Math.floor(Math.log2(r1cs.nConstraints + r1cs.nPubInputs + r1cs.nOutputs)) + 1;
}

export async function devSetup(opts: DevSetupOptions): Promise<DevSetupResult> {
  const t0 = performance.now();
  const log = opts.log ?? (() => {});
  const r1cs = await readR1cs(opts.r1csPath);
  await mkdir(opts.outDir, { recursive: true });
  // Everything is written under temporary names and renamed at the end, so an interrupted run
  // leaves no file that looks complete.
  const tag = `.tmp-${process.pid}-${Date.now()}`;
  const zkeyPath = join(opts.outDir, "circuit.zkey");
  const vkeyPath = join(opts.outDir, "verification_key.json");
  const zkeyTmp = zkeyPath + tag;
  const vkeyTmp = vkeyPath + tag;
  try {
    if (opts.ptauPath !== undefined) {
      await ptauSetup(opts.r1csPath, opts.ptauPath, zkeyTmp, log);
    } else {
      log(INSECURE_BANNER);
      const seed = opts.seed !== undefined ? new TextEncoder().encode(opts.seed) : randomBytes(32);
      const r1csBytes = await readFile(opts.r1csPath);
      const circuitHash = createHash("blake2b512").update(r1csBytes).digest();
      await writeDevZkey(r1cs, toxicWaste(seed), zkeyTmp, circuitHash, log);
    }
    const vkey = await exportVerificationKey(zkeyTmp);
    await writeFile(vkeyTmp, JSON.stringify(vkey, null, 1));
    await rename(zkeyTmp, zkeyPath);
    await rename(vkeyTmp, vkeyPath);
  } catch (err) {
    await rm(zkeyTmp, { force: true });
    await rm(vkeyTmp, { force: true });
    throw err;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { zkeyPath, vkeyPath, constraints: r1cs.nConstraints, seconds, insecure: opts.ptauPath === undefined };
}

async function writeDevZkey(
  r1cs: R1cs,
  w: ToxicWaste,
  path: string,
  circuitHash: Uint8Array,
  log: (msg: string) => void,
): Promise<void> {
  const { nVars, nConstraints } = r1cs;
  const nPublic = r1cs.nOutputs + r1cs.nPubInputs;
  const power = domainPower(r1cs);
  if (power > 28) throw new CeremonyInputError(`circuit too large: ${nConstraints} constraints need a domain of 2^${power} > 2^28`);
  const domainSize = 1 << power;
  const t0 = performance.now();

  // QAP polynomials at tau: A_s(tau) = sum_c A[c][s] L_c(tau), likewise B and C. snarkjs appends
  // one constraint per public signal (A[nConstraints + s][s] = 1) so that public inputs are bound.
  const L = lagrangeAt(w.tau, power, Array.from({ length: nConstraints + nPublic + 1 }, (_, i) => i));
  const a = new Array<bigint>(nVars).fill(0n);
  const b = new Array<bigint>(nVars).fill(0n);
  const c = new Array<bigint>(nVars).fill(0n);
  let nCoefs = nPublic + 1;
  for (const [A, B] of r1cs.constraints) nCoefs += A.signals.length + B.signals.length;
  const coefs = new CoefSection(nCoefs);
  for (let k = 0; k < nConstraints; k++) {
    const [A, B, C] = r1cs.constraints[k]!;
    const lk = L[k]!;
    for (let i = 0; i < A.signals.length; i++) {
      const s = A.signals[i]!;
      a[s] = a[s]! + A.coeffs[i]! * lk;
      coefs.push(0, k, s, A.coeffs[i]!);
    }
    for (let i = 0; i < B.signals.length; i++) {
      const s = B.signals[i]!;
      b[s] = b[s]! + B.coeffs[i]! * lk;
      coefs.push(1, k, s, B.coeffs[i]!);
    }
    for (let i = 0; i < C.signals.length; i++) {
      const s = C.signals[i]!;
      c[s] = c[s]! + C.coeffs[i]! * lk;
    }
  }
  for (let s = 0; s <= nPublic; s++) {
    a[s] = a[s]! + L[nConstraints + s]!;
    coefs.push(0, nConstraints + s, s, 1n);
  }
  for (let s = 0; s < nVars; s++) {
    a[s] = mod(a[s]!);
    b[s] = mod(b[s]!);
    c[s] = mod(c[s]!);
  }

  // snarkjs fixes gamma = 1 (the G2 generator), so IC carries no division.
  const deltaInv = inv(w.delta);
  const combined = (s: number) => mod(w.beta * a[s]! + w.alpha * b[s]! + c[s]!);
  const ic = Array.from({ length: nPublic + 1 }, (_, s) => combined(s));
  const cPriv = Array.from({ length: nVars - nPublic - 1 }, (_, i) => mul(combined(nPublic + 1 + i), deltaInv));
  // The prover evaluates A*B - C on the odd points of the doubled domain, where Z = -2; the H
  // points are the doubled domain's odd Lagrange polynomials at tau (snarkjs zkey_new writeHs).
  const odd = Array.from({ length: domainSize }, (_, j) => 2 * j + 1);
  const h = lagrangeAt(w.tau, power + 1, odd).map((v) => mul(v, deltaInv));
  log(`[dev-setup] ${nConstraints} constraints, ${nVars} signals, domain 2^${power}: scalars in ${((performance.now() - t0) / 1000).toFixed(1)}s`);

  const t1 = performance.now();
  const curve = await getCurve();
  const g1 = generator(curve, "G1");
  const g2 = generator(curve, "G2");
  const pool = new CombPool();
  let points: Uint8Array[];
  try {
    points = await Promise.all([
      pool.mulBase("G1", g1, [w.alpha, w.beta, w.delta]),
      pool.mulBase("G2", g2, [w.beta, 1n, w.delta]),
      pool.mulBase("G1", g1, ic),
      pool.mulBase("G1", g1, cPriv),
      pool.mulBase("G1", g1, a),
      pool.mulBase("G1", g1, b),
      pool.mulBase("G2", g2, b),
      pool.mulBase("G1", g1, h),
    ]);
  } finally {
    await pool.close();
  }
  const [g1Singles, g2Singles, IC, C, A, B1, B2, H] = points as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  log(`[dev-setup] ${countPoints(a, b, b, cPriv, h)} scalar multiplications in ${((performance.now() - t1) / 1000).toFixed(1)}s`);

  await writeZkey(path, {
    nVars,
    nPublic,
    domainSize,
    alpha1: g1Singles.subarray(0, 64),
    beta1: g1Singles.subarray(64, 128),
    delta1: g1Singles.subarray(128, 192),
    beta2: g2Singles.subarray(0, 128),
    gamma2: g2Singles.subarray(128, 256),
    delta2: g2Singles.subarray(256, 384),
    coefs,
    IC,
    A,
    B1,
    B2,
    C,
    H,
    circuitHash,
  });
}

function countPoints(...lists: bigint[][]): string {
  let n = 0;
  for (const l of lists) for (const v of l) if (v !== 0n) n++;
  return n.toLocaleString("en-US");
}

