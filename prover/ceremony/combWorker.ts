/**
 * Worker thread for bulk fixed-base scalar multiplication (see points.ts).
 *
 * Fixed-base comb: with T[j][d] = d * 2^(8j) * G precomputed (32 windows of 255 points), k * G is
 * the sum of T[j][k_j] over the 32 bytes k_j of k: at most 32 mixed additions, against ~380 group
 * operations for a generic double-and-add. The group arithmetic is ffjavascript's WebAssembly
 * (the code snarkjs proves with), called directly: going through its task interpreter costs more
 * per call than the addition itself.
 */
import { parentPort, workerData } from "node:worker_threads";

export interface CombJob {
  id: number;
  group: "G1" | "G2";
  /** The base point, affine, little-endian Montgomery (ffjavascript "LEM") form. */
  base: Uint8Array;
  /** n scalars, 32 bytes each, little-endian standard form, each below the group order. */
  scalars: Uint8Array;
}
export interface CombResult {
  id: number;
  /** n affine points, LEM form. */
  points?: Uint8Array;
  error?: string;
}

interface Wasm {
  exports: Record<string, (...args: number[]) => void>;
  memory: WebAssembly.Memory;
}

const WINDOWS = 32;
const DIGITS = 256;

// The module's code is built once by the parent (wasmCode in points.ts) and instantiated here on
// a memory of our own. Importing ffjavascript itself in a worker thread would not work: its
// web-worker dependency treats any worker thread as one of its own.
const memory = new WebAssembly.Memory({ initial: 25 });
const module = await WebAssembly.compile((workerData as { code: Uint8Array<ArrayBuffer> }).code);
const instance = await WebAssembly.instantiate(module, { env: { memory } });
const wasm: Wasm = { exports: instance.exports as Wasm["exports"], memory };

/** Bump allocator over the module's memory, the convention ffjavascript itself uses (u32[0]).
 * The module's batch functions take their scratch space above u32[0] without growing memory, so
 * every allocation leaves `slack` bytes free behind it. */
function alloc(bytes: number, slack = 1 << 20): number {
  let u32 = new Uint32Array(wasm.memory.buffer, 0, 1);
  u32[0] = (u32[0]! + 7) & ~7;
  const p = u32[0]!;
  const end = p + bytes;
  const need = end + slack;
  if (need > wasm.memory.buffer.byteLength) wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / 65536));
  u32 = new Uint32Array(wasm.memory.buffer, 0, 1);
  u32[0] = end;
  return p;
}

interface Table {
  key: string;
  ptr: number;
  sAff: number;
}
const tables = new Map<string, Table>();

function groupFns(group: "G1" | "G2") {
  const p = group === "G1" ? "g1m" : "g2m";
  const e = wasm.exports;
  return {
    sAff: group === "G1" ? 64 : 128,
    sJac: group === "G1" ? 96 : 192,
    toJacobian: e[`${p}_toJacobian`]!,
    zero: e[`${p}_zero`]!,
    double: e[`${p}_double`]!,
    add: e[`${p}_add`]!,
    addMixed: e[`${p}_addMixed`]!,
    copy: e[`${p}_copy`]!,
    batchToAffine: e[`${p}_batchToAffine`]!,
  };
}

function buildTable(group: "G1" | "G2", base: Uint8Array): Table {
  const key = group + Buffer.from(base).toString("hex");
  const cached = tables.get(key);
  if (cached) return cached;
  const f = groupFns(group);
  const ptr = alloc(WINDOWS * DIGITS * f.sAff);
  const jac = alloc(DIGITS * f.sJac, 2 * DIGITS * f.sJac);
  const step = alloc(f.sJac);
  const pBase = alloc(f.sAff);
  new Uint8Array(wasm.memory.buffer).set(base, pBase);
  f.toJacobian(pBase, step); // step = 2^(8j) G for the current window j
  for (let j = 0; j < WINDOWS; j++) {
    f.zero(jac);
    for (let d = 1; d < DIGITS; d++) f.add(jac + (d - 1) * f.sJac, step, jac + d * f.sJac);
    f.batchToAffine(jac, DIGITS, ptr + j * DIGITS * f.sAff);
    for (let i = 0; i < 8; i++) f.double(step, step);
  }
  const t = { key, ptr, sAff: f.sAff };
  tables.set(key, t);
  return t;
}

function run(job: CombJob): Uint8Array {
  const f = groupFns(job.group);
  const table = buildTable(job.group, job.base);
  const n = job.scalars.length / 32;
  const mark = new Uint32Array(wasm.memory.buffer, 0, 1)[0]!;
  const out = alloc(n * f.sJac, 2 * n * f.sJac); // batchToAffine's scratch
  for (let i = 0; i < n; i++) {
    const acc = out + i * f.sJac;
    f.zero(acc);
    for (let j = 0; j < WINDOWS; j++) {
      const d = job.scalars[i * 32 + j]!;
      if (d !== 0) f.addMixed(acc, table.ptr + (j * DIGITS + d) * f.sAff, acc);
    }
  }
  f.batchToAffine(out, n, out);
  const result = new Uint8Array(wasm.memory.buffer, out, n * f.sAff).slice();
  new Uint32Array(wasm.memory.buffer, 0, 1)[0] = mark; // free this job's scratch, keep the tables
  return result;
}

parentPort!.on("message", (job: CombJob) => {
  try {
    const points = run(job);
    parentPort!.postMessage({ id: job.id, points } satisfies CombResult, [points.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).stack ?? String(err) } satisfies CombResult);
  }
});
