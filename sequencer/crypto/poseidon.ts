import { buildPoseidon, type PoseidonHasher } from "circomlibjs";
import { isFieldElement } from "./field.js";

/** Poseidon over the BN254 scalar field, identical to circomlib's `Poseidon(n)` template. */
export type Poseidon = (inputs: readonly bigint[]) => bigint;

let hasher: Promise<PoseidonHasher> | undefined;

/**
 * Loads the Poseidon wasm once per process. circomlibjs silently reduces out-of-field inputs,
 * which would let two different values hash alike; the wrapper refuses them instead.
 */
export async function getPoseidon(): Promise<Poseidon> {
  hasher ??= buildPoseidon();
  const h = await hasher;
  return (inputs) => {
    for (const x of inputs) {
      if (!isFieldElement(x)) throw new RangeError(`Poseidon input outside the field: ${x}`);
    }
    return h.F.toObject(h(inputs));
  };
}
