/**
 * The PublicEcho test circuit (public_echo.circom) as a build instance: the margin batch circuit's
 * public inputs and nothing else, so contract tests can use real proofs before that circuit exists.
 * Not in the `npm run setup` registry: tests and scripts build it into temporary directories.
 */
import { publicSignalNames } from "../../sequencer/core/constants.js";
import type { CircuitInstance } from "../instances.js";

/** The declared input signals behind `publicSignalNames(markets)`: `price[0]`, `price[1]` -> `price`. */
export function publicSignalBaseNames(markets: number): string[] {
  return [...new Set(publicSignalNames(markets).map((name) => name.replace(/\[\d+\]$/, "")))];
}

export function publicEchoInstance(markets: number): CircuitInstance {
  return {
    name: `public_echo_m${markets}`,
    template: "PublicEcho",
    file: "circuits/test/public_echo.circom",
    params: [markets],
    publicSignals: publicSignalBaseNames(markets),
  };
}

/** The circuit input that makes the public signals `ordered` (in publicSignalNames order). */
export function publicEchoInputs(markets: number, ordered: readonly bigint[]): Record<string, bigint | bigint[]> {
  const names = publicSignalNames(markets);
  if (ordered.length !== names.length) throw new RangeError(`expected ${names.length} public signals, got ${ordered.length}`);
  const inputs: Record<string, bigint | bigint[]> = {};
  names.forEach((name, i) => {
    const match = /^(\w+)\[(\d+)\]$/.exec(name);
    if (match === null) {
      inputs[name] = ordered[i]!;
      return;
    }
    const list = (inputs[match[1]!] ??= []) as bigint[];
    list[Number(match[2])] = ordered[i]!;
  });
  return inputs;
}
