// The witness calculator snarkjs runs (a dependency of snarkjs, pinned by it). The circuit tests
// keep one loaded instead of compiling the wasm for every witness, as snarkjs.wtns.calculate does.
declare module "circom_runtime" {
  export interface WitnessCalculator {
    /** Every witness value, index 0 being the constant 1. Throws "Assert Failed" with a trace. */
    calculateWitness(input: Record<string, unknown>, sanityCheck?: boolean): Promise<bigint[]>;
    /** The same as a .wtns file. */
    calculateWTNSBin(input: Record<string, unknown>, sanityCheck?: boolean): Promise<Uint8Array>;
  }
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: Record<string, unknown>): Promise<WitnessCalculator>;
}
