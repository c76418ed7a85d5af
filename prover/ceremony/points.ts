/**
 * Fixed-base scalar multiplication in bulk: k_i * G for a generator G and many known scalars k_i,
 * spread over ffjavascript's WebAssembly worker threads (the same pool snarkjs proves with).
 * Output is affine points in ffjavascript's little-endian Montgomery form ("LEM"), which is the
 * layout of every point section of a .zkey file.
 */
import { buildBn128 } from "ffjavascript";
import { writeLE } from "./field.js";

/** The subset of ffjavascript's curve object this module relies on. */
export interface Bn128 {
  G1: CurveGroup;
  G2: CurveGroup;
  tm: { concurrency: number; queueAction(task: unknown[]): Promise<Uint8Array[]> };
  terminate(): Promise<void>;
}
interface CurveGroup {
  g: unknown;
  F: { n8: number };
  toRprLEM(buf: Uint8Array, offset: number, p: unknown): void;
}

export type GroupName = "G1" | "G2";

export async function getCurve(): Promise<Bn128> {
  return (await buildBn128()) as unknown as Bn128;
}

/** Points per worker task: big enough to amortise messaging, small enough to balance two cores. */
const CHUNK = 2048;

export async function mulGenerator(curve: Bn128, group: GroupName, scalars: readonly bigint[]): Promise<Uint8Array> {
  const G = curve[group];
  const sAffine = G.F.n8 * 2;
  const sJacobian = G.F.n8 * 3;
  const prefix = group === "G1" ? "g1m" : "g2m";
  const gen = new Uint8Array(sAffine);
  G.toRprLEM(gen, 0, G.g);

  const out = new Uint8Array(scalars.length * sAffine);
  const jobs: Promise<void>[] = [];
  for (let start = 0; start < scalars.length; start += CHUNK) {
    const n = Math.min(CHUNK, scalars.length - start);
    const buf = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) writeLE(buf, i * 32, scalars[start + i]!);
    const task: unknown[] = [
      { cmd: "ALLOCSET", var: 0, buff: gen },
      { cmd: "ALLOCSET", var: 1, buff: buf },
      { cmd: "ALLOC", var: 2, len: n * sJacobian },
    ];
    for (let i = 0; i < n; i++) {
      // A zero scalar is common (a signal absent from a matrix): write the point at infinity
      // without spending a scalar multiplication on it.
      task.push(
        scalars[start + i] === 0n
          ? { cmd: "CALL", fnName: `${prefix}_zero`, params: [{ var: 2, offset: i * sJacobian }] }
          : {
              cmd: "CALL",
              fnName: `${prefix}_timesScalarAffine`,
              params: [{ var: 0 }, { var: 1, offset: i * 32 }, { val: 32 }, { var: 2, offset: i * sJacobian }],
            },
      );
    }
    task.push({ cmd: "CALL", fnName: `${prefix}_batchToAffine`, params: [{ var: 2 }, { val: n }, { var: 2 }] });
    task.push({ cmd: "GET", out: 0, var: 2, len: n * sAffine });
    jobs.push(curve.tm.queueAction(task).then((res) => out.set(res[0]!, start * sAffine)));
  }
  await Promise.all(jobs);
  return out;
}
