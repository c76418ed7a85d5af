// ffjavascript ships no type declarations; the project types the few calls it makes where it makes them.
declare module "ffjavascript" {
  export function buildBn128(singleThread?: boolean): Promise<unknown>;
}

// ffjavascript's own builders of the BN254 WebAssembly module (same pinned versions it uses).
declare module "wasmbuilder" {
  export class ModuleBuilder {
    setMemory(pages: number): void;
    build(): Uint8Array;
  }
}
declare module "wasmcurves" {
  export function buildBn128(builder: import("wasmbuilder").ModuleBuilder): void;
}
