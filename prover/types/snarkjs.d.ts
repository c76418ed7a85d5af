// snarkjs ships no type declarations. These cover the calls the project makes; extend as needed.
declare module "snarkjs" {
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export interface VerificationKey {
    protocol: string;
    curve: string;
    nPublic: number;
    vk_alpha_1: string[];
    vk_beta_2: string[][];
    vk_gamma_2: string[][];
    vk_delta_2: string[][];
    vk_alphabeta_12: unknown;
    IC: string[][];
  }
  export interface Logger {
    debug(msg: string): void;
    info(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
  }
  export type SignalValue = bigint | number | string | readonly SignalValue[];
  export type CircuitInputs = Record<string, SignalValue>;

  export const groth16: {
    fullProve(
      input: CircuitInputs,
      wasmFile: string,
      zkeyFile: string,
      logger?: Logger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    prove(
      zkeyFile: string | Uint8Array,
      witness: string | Uint8Array | { type: string; data?: Uint8Array },
      logger?: Logger,
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    verify(vkey: VerificationKey, publicSignals: Array<string | bigint>, proof: Groth16Proof, logger?: Logger): Promise<boolean>;
    exportSolidityCallData(proof: Groth16Proof, publicSignals: Array<string | bigint>): Promise<string>;
  };
  /** A file name or an in-memory file (`{ type: "mem" }` is filled with `data` on write). */
  export type FileRef = string | { type: "mem"; data?: Uint8Array };
  export const wtns: {
    calculate(input: CircuitInputs, wasmFile: string, wtnsFile: FileRef): Promise<void>;
    /** The witness vector: index 0 is the constant 1, then outputs, public inputs, the rest. */
    exportJson(wtnsFile: FileRef): Promise<bigint[]>;
    /** Evaluates every R1CS constraint on the witness. Calls logger.warn on failure: pass one. */
    check(r1csFile: FileRef, wtnsFile: FileRef, logger: Logger): Promise<boolean>;
  };
  export const zKey: {
    newZKey(r1csName: string, ptauName: string, zkeyName: string, logger?: Logger): Promise<unknown>;
    contribute(zkeyOld: string, zkeyNew: string, name: string, entropy: string, logger?: Logger): Promise<unknown>;
    exportVerificationKey(zkeyName: string | Uint8Array, logger?: Logger): Promise<VerificationKey>;
    exportSolidityVerifier(zkeyName: string, templates: { groth16: string }, logger?: Logger): Promise<string>;
  };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, fileName: string, logger?: Logger): Promise<unknown>;
    contribute(oldPtau: string, newPtau: string, name: string, entropy: string, logger?: Logger): Promise<unknown>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: Logger): Promise<unknown>;
  };
  export const curves: {
    getCurveFromName(name: string): Promise<unknown>;
  };
}
