/**
 * Writer for snarkjs' Groth16 .zkey container, section by section, in the layout snarkjs'
 * `zkey new` produces (see snarkjs src/zkey_new.js and zkey_utils.js), so that snarkjs' own prover,
 * verification-key export and Solidity export read it unchanged.
 */
import { open, type FileHandle } from "node:fs/promises";
import { R, mul, writeLE } from "./field.js";

export const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** Coefficients are stored multiplied by R^2 (Montgomery constant squared): snarkjs' prover
 * multiplies them by witness values with a Montgomery product, which divides by R once. */
const MONT_R = (1n << 256n) % R;
const COEF_FACTOR = mul(MONT_R, MONT_R);

/** Section 4: the A and B matrix entries the prover multiplies the witness by. */
export class CoefSection {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private at = 4;

  constructor(readonly count: number) {
    this.bytes = new Uint8Array(4 + count * 44);
    this.view = new DataView(this.bytes.buffer);
    this.view.setUint32(0, count, true);
  }

  push(matrix: 0 | 1, constraint: number, signal: number, value: bigint): void {
    if (this.at + 44 > this.bytes.length) throw new Error("zkey: more coefficients than announced");
    this.view.setUint32(this.at, matrix, true);
    this.view.setUint32(this.at + 4, constraint, true);
    this.view.setUint32(this.at + 8, signal, true);
    writeLE(this.bytes, this.at + 12, mul(value, COEF_FACTOR));
    this.at += 44;
  }

  get complete(): boolean {
    return this.at === this.bytes.length;
  }
}

export interface ZkeyContent {
  nVars: number;
  nPublic: number;
  domainSize: number;
  alpha1: Uint8Array;
  beta1: Uint8Array;
  beta2: Uint8Array;
  gamma2: Uint8Array;
  delta1: Uint8Array;
  delta2: Uint8Array;
  coefs: CoefSection;
  IC: Uint8Array;
  A: Uint8Array;
  B1: Uint8Array;
  B2: Uint8Array;
  C: Uint8Array;
  H: Uint8Array;
  /** 64-byte circuit hash recorded in the contributions section. */
  circuitHash: Uint8Array;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
}

function bigLE(v: bigint): Uint8Array {
  const b = new Uint8Array(32);
  writeLE(b, 0, v);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export async function writeZkey(path: string, z: ZkeyContent): Promise<void> {
  if (!z.coefs.complete) throw new Error("zkey: fewer coefficients than announced");
  const header = concat([
    u32(32), bigLE(Q), u32(32), bigLE(R),
    u32(z.nVars), u32(z.nPublic), u32(z.domainSize),
    z.alpha1, z.beta1, z.beta2, z.gamma2, z.delta1, z.delta2,
  ]);
  // Same section order as snarkjs writes; readers go through the section table anyway.
  const sections: Array<[number, Uint8Array]> = [
    [1, u32(1)], // protocol: Groth16
    [2, header],
    [4, z.coefs.bytes],
    [3, z.IC],
    [9, z.H],
    [8, z.C],
    [5, z.A],
    [6, z.B1],
    [7, z.B2],
    [10, concat([z.circuitHash, u32(0)])], // no phase-2 contributions on record
  ];
  const fh: FileHandle = await open(path, "wx");
  try {
    const preamble = new Uint8Array(12);
    preamble.set([0x7a, 0x6b, 0x65, 0x79]); // "zkey"
    new DataView(preamble.buffer).setUint32(4, 1, true);
    new DataView(preamble.buffer).setUint32(8, sections.length, true);
    await fh.write(preamble);
    for (const [id, data] of sections) {
      const sh = new Uint8Array(12);
      const v = new DataView(sh.buffer);
      v.setUint32(0, id, true);
      v.setBigUint64(4, BigInt(data.length), true);
      await fh.write(sh);
      await fh.write(data);
    }
  } finally {
    await fh.close();
  }
}
