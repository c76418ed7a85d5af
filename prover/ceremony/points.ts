/**
 * Bulk fixed-base scalar multiplication: k_i * G for a generator G and many known scalars k_i,
 * on one worker thread per core (combWorker.ts). Output is affine points in ffjavascript's
 * little-endian Montgomery form ("LEM"), the layout of every point section of a .zkey file.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { buildBn128 } from "ffjavascript";
import { ModuleBuilder } from "wasmbuilder";
import { buildBn128 as buildBn128Wasm } from "wasmcurves";
import { writeLE } from "./field.js";
import type { CombJob, CombResult } from "./combWorker.js";

export type GroupName = "G1" | "G2";

/** The subset of ffjavascript's curve object used here and by callers that terminate it. */
export interface Bn128 {
  G1: CurveGroup;
  G2: CurveGroup;
  terminate(): Promise<void>;
}
interface CurveGroup {
  g: unknown;
  toRprLEM(buf: Uint8Array, offset: number, p: unknown): void;
}

export async function getCurve(): Promise<Bn128> {
  return (await buildBn128()) as unknown as Bn128;
}

/** The BN254 WebAssembly module exactly as ffjavascript builds it for snarkjs (bn128.js). */
function wasmCode(): Uint8Array {
  const builder = new ModuleBuilder();
  builder.setMemory(25);
  buildBn128Wasm(builder);
  return builder.build();
}

/** Scalars per job: large enough to amortise messages, small enough to balance the workers. */
const CHUNK = 4096;

/** A pool of comb workers, alive for one ceremony. */
export class CombPool {
  private readonly workers: Worker[];
  private readonly idle: Worker[];
  private readonly queue: Array<{ job: CombJob; resolve(p: Uint8Array): void; reject(e: Error): void }> = [];
  private readonly pending = new Map<number, { resolve(p: Uint8Array): void; reject(e: Error): void }>();
  private nextId = 0;

  constructor(size = availableParallelism()) {
    // The worker is TypeScript: give it tsx's loader whatever runner started us.
    const url = new URL("./combWorker.ts", import.meta.url);
    const code = wasmCode();
    this.workers = Array.from({ length: size }, () => new Worker(url, { execArgv: ["--import", "tsx"], workerData: { code } }));
    this.idle = [...this.workers];
    for (const w of this.workers) {
      w.on("message", (res: CombResult) => this.settle(w, res));
      w.on("error", (err) => this.failAll(err));
    }
  }

  /** k_i * base for every scalar; base is an affine LEM point of `group`. */
  async mulBase(group: GroupName, base: Uint8Array, scalars: readonly bigint[]): Promise<Uint8Array> {
    const sAff = group === "G1" ? 64 : 128;
    const out = new Uint8Array(scalars.length * sAff);
    const parts: Promise<void>[] = [];
    for (let start = 0; start < scalars.length; start += CHUNK) {
      const n = Math.min(CHUNK, scalars.length - start);
      const buf = new Uint8Array(n * 32);
      for (let i = 0; i < n; i++) writeLE(buf, i * 32, scalars[start + i]!);
      const job: CombJob = { id: this.nextId++, group, base, scalars: buf };
      parts.push(new Promise<Uint8Array>((resolve, reject) => this.submit({ job, resolve, reject })).then((p) => out.set(p, start * sAff)));
    }
    await Promise.all(parts);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private submit(item: { job: CombJob; resolve(p: Uint8Array): void; reject(e: Error): void }): void {
    const w = this.idle.pop();
    if (!w) {
      this.queue.push(item);
      return;
    }
    this.pending.set(item.job.id, item);
    w.postMessage(item.job, [item.job.scalars.buffer as ArrayBuffer]);
  }

  private settle(w: Worker, res: CombResult): void {
    const p = this.pending.get(res.id);
    this.pending.delete(res.id);
    this.idle.push(w);
    const next = this.queue.shift();
    if (next) this.submit(next);
    if (!p) return;
    if (res.points) p.resolve(res.points);
    else p.reject(new Error(`comb worker: ${res.error ?? "no result"}`));
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    for (const q of this.queue.splice(0)) q.reject(err);
    this.pending.clear();
  }
}

/** The generator of a group in LEM affine form. */
export function generator(curve: Bn128, group: GroupName): Uint8Array {
  const g = new Uint8Array(group === "G1" ? 64 : 128);
  curve[group].toRprLEM(g, 0, curve[group].g);
  return g;
}
