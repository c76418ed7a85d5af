// ffjavascript ships no type declarations; the project types the few calls it makes where it makes them.
declare module "ffjavascript" {
  export function buildBn128(singleThread?: boolean): Promise<unknown>;
}
