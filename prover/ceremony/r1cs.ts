/**
 * Reader for circom's binary .r1cs format (iden3 "binfile": magic, version, then typed sections).
 * Only what key generation needs: the header and the three sparse matrices.
 */
import { readFile } from "node:fs/promises";
import { R, readLE } from "./field.js";

export interface R1csHeader {
  prime: bigint;
  nVars: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nConstraints: number;
}

/** One linear combination: parallel arrays of signal ids and coefficients (standard form). */
export interface LinComb {
  signals: number[];
  coeffs: bigint[];
}

export interface R1cs extends R1csHeader {
  /** Per constraint, A, B and C: A·w * B·w = C·w. */
  constraints: Array<[LinComb, LinComb, LinComb]>;
}

const SECTION_HEADER = 1;
const SECTION_CONSTRAINTS = 2;

export class CeremonyInputError extends Error {
  override name = "CeremonyInputError";
}

export async function readR1cs(path: string): Promise<R1cs> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CeremonyInputError(code === "ENOENT" ? `no such file: ${path}` : `cannot read ${path}: ${code ?? String(err)}`);
  }
  return parseR1cs(bytes, path);
}

export function parseR1cs(bytes: Uint8Array, name = "r1cs"): R1cs {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new CeremonyInputError(`${name} is not a circom r1cs file: ${why}`);
  };
  if (bytes.byteLength < 12) fail("too short");
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic !== "r1cs") fail(`bad magic "${magic.replace(/[^\x20-\x7e]/g, "?")}"`);
  if (view.getUint32(4, true) !== 1) fail(`unsupported version ${view.getUint32(4, true)}`);

  const nSections = view.getUint32(8, true);
  const sections = new Map<number, { start: number; size: number }>();
  let pos = 12;
  for (let i = 0; i < nSections; i++) {
    if (pos + 12 > bytes.byteLength) fail("truncated section table");
    const type = view.getUint32(pos, true);
    const size = Number(view.getBigUint64(pos + 4, true));
    pos += 12;
    if (pos + size > bytes.byteLength) fail(`section ${type} runs past the end of the file`);
    sections.set(type, { start: pos, size });
    pos += size;
  }
  const header = sections.get(SECTION_HEADER) ?? fail("no header section");
  const body = sections.get(SECTION_CONSTRAINTS) ?? fail("no constraints section");

  let p = header.start;
  const n8 = view.getUint32(p, true);
  p += 4;
  if (n8 !== 32) {
    throw new CeremonyInputError(`${name}: unsupported curve (field elements of ${n8} bytes; only BN254 is supported)`);
  }
  const prime = readLE(view, p);
  p += 32;
  if (prime !== R) {
    throw new CeremonyInputError(
      `${name}: unsupported curve (prime ${prime.toString().slice(0, 12)}...; only BN254 is supported, compile with circom -p bn128)`,
    );
  }
  const nVars = view.getUint32(p, true);
  const nOutputs = view.getUint32(p + 4, true);
  const nPubInputs = view.getUint32(p + 8, true);
  const nPrvInputs = view.getUint32(p + 12, true);
  const nConstraints = view.getUint32(p + 24, true);

  const constraints: R1cs["constraints"] = new Array(nConstraints);
  const end = body.start + body.size;
  p = body.start;
  const readLC = (): LinComb => {
    if (p + 4 > end) fail("truncated constraint");
    const n = view.getUint32(p, true);
    p += 4;
    if (p + n * 36 > end) fail("truncated linear combination");
    const signals = new Array<number>(n);
    const coeffs = new Array<bigint>(n);
    for (let i = 0; i < n; i++) {
      const s = view.getUint32(p, true);
      if (s >= nVars) fail(`signal ${s} out of range (${nVars} signals)`);
      signals[i] = s;
      coeffs[i] = readLE(view, p + 4);
      p += 36;
    }
    return { signals, coeffs };
  };
  for (let c = 0; c < nConstraints; c++) constraints[c] = [readLC(), readLC(), readLC()];
  if (p !== end) fail("trailing bytes after the last constraint");

  return { prime, nVars, nOutputs, nPubInputs, nPrvInputs, nConstraints, constraints };
}
