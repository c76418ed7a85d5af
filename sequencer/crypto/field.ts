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
