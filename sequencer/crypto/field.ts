import { randomBytes } from "node:crypto";

// The BN254 scalar field: every circuit signal, Poseidon input and Groth16 public input lives here.
export const SNARK_FIELD_SIZE =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** True when `x` is a canonical field element, i.e. the circuit sees exactly this value. */
export function isFieldElement(x: bigint): boolean {
  return x >= 0n && x < SNARK_FIELD_SIZE;
}

/** True when `x` fits an unsigned `bits`-bit integer, the range a circuit's Num2Bits(bits) admits. */
export function fitsUnsigned(x: bigint, bits: number): boolean {
  return x >= 0n && x < 1n << BigInt(bits);
}

/**
 * The field element a signed integer becomes in a circuit: `x mod p` in [0, p). Negative values
 * map to `p - |x|`, the encoding CORE_SPEC's "signed x in B bits" ranges assume.
 */
export function toField(x: bigint): bigint {
  const r = x % SNARK_FIELD_SIZE;
  return r < 0n ? r + SNARK_FIELD_SIZE : r;
}

/**
 * The signed integer a field element stands for, for values known to be small: the upper half of
 * the field reads as negative. Inverse of `toField` on (-p/2, p/2).
 */
export function fromFieldSigned(x: bigint): bigint {
  if (!isFieldElement(x)) throw new RangeError(`not a field element: ${x}`);
  return x > SNARK_FIELD_SIZE >> 1n ? x - SNARK_FIELD_SIZE : x;
}

/** A bigint or arbitrarily nested arrays of them: the shape of a circuit input signal. */
export type NestedBigint = bigint | readonly NestedBigint[];

/** Field-encodes every value of a (nested) signal: what the prover hands the witness generator. */
export function toFieldNested<T extends NestedBigint>(value: T): T {
  if (typeof value === "bigint") return toField(value) as T;
  return (value as readonly NestedBigint[]).map((v) => toFieldNested(v)) as unknown as T;
}

/** A uniformly random field element (rejection sampling on 254-bit strings): a hiding salt. */
export function randomFieldElement(): bigint {
  for (;;) {
    const bytes = randomBytes(32);
    bytes[0] = bytes[0]! & 0x3f; // 254 bits: accepted with probability p / 2^254 > 0.75
    const x = BigInt(`0x${bytes.toString("hex")}`);
    if (x < SNARK_FIELD_SIZE) return x;
  }
}
