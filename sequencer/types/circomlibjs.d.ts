// circomlibjs ships no type declarations. Only the calls this project makes are typed; field
// elements stay opaque (`FieldElement`) and are converted to bigint at the wrapper boundary.
declare module "circomlibjs" {
  export type FieldElement = Uint8Array;

  export interface Field {
    toObject(element: FieldElement): bigint;
    e(value: bigint | number | string): FieldElement;
  }

  export interface PoseidonHasher {
    (inputs: ReadonlyArray<bigint | number | FieldElement>): FieldElement;
    F: Field;
  }

  export function buildPoseidon(): Promise<PoseidonHasher>;

  export interface BabyJub {
    F: Field;
    inCurve(point: readonly [FieldElement, FieldElement]): boolean;
  }

  export interface Eddsa {
    babyJub: BabyJub;
    F: Field;
    prv2pub(privateKey: Uint8Array): [FieldElement, FieldElement];
  }

  export function buildEddsa(): Promise<Eddsa>;
}
