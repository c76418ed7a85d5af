import { SNARK_FIELD_SIZE } from "./field.js";
import { poseidonWasmUnchecked, warmUpPoseidonWasm } from "./poseidonWasm.js";

/** Poseidon over the BN254 scalar field, identical to circomlib's `Poseidon(n)` template. */
export type Poseidon = (inputs: readonly bigint[]) => bigint;

/**
 * Refuses anything but canonical field elements: reducing out-of-field inputs silently (as
 * circomlibjs does) would let two different values hash alike.
 */
const hasher: Poseidon = (inputs) => {
  for (const x of inputs) {
    if (typeof x !== "bigint" || x < 0n || x >= SNARK_FIELD_SIZE) throw new RangeError(`Poseidon input outside the field: ${x}`);
  }
  return poseidonWasmUnchecked(inputs);
};

/**
 * Poseidon(1..16), our WebAssembly implementation (poseidonWasm.ts; tested equal to circomlibjs,
 * which stays the reference in the tests). Inputs must be field elements (RangeError otherwise),
 * as must the arity be 1..16. Async for compatibility: the module is built on the first call.
 */
export async function getPoseidon(): Promise<Poseidon> {
  warmUpPoseidonWasm();
  return hasher;
}
