/**
 * Matching throughput of the in-memory engine (no signatures, no persistence, no check callback
 * unless asked), on a seeded random flow: resting limits near a drifting mid, post-only quotes,
 * crossing IOC and market takers, and cancels of recent orders, over 2 markets and 1,000 accounts;
 * the clock advances and a few orders are short-lived, so makers also expire during matching.
 *
 *   npx tsx bench/matching.ts [--orders 200000] [--seed 1] [--repeats 7] [--check]
 *
 * Each repeat replays the same pre-generated flow into a fresh engine; figures are medians.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { Side } from "../sequencer/core/constants.js";
import { MatchingEngine, type EngineOrder, type FillCheck } from "../sequencer/engine/index.js";
import { xorshift32 } from "./lib/rng.js";

export interface BenchOptions {
  /** operations per run (submits and cancels), default 200,000 */
  orders?: number;
  seed?: number;
  /** runs timed (after one warm-up), default 7 */
  repeats?: number;
  /** pass a trivial accepting check callback, to see its cost */
  check?: boolean;
}

export interface BenchResult {
  ops: number;
  submits: number;
  cancels: number;
  fills: number;
  restingAtEnd: number;
  repeats: number;
  /** median wall time of one run */
  medianMs: number;
  /** submits per second (median run) */
  ordersPerSec: number;
  /** submits + cancels per second (median run) */
  opsPerSec: number;
  fillsPerSec: number;
}

type Op = { kind: "submit"; order: EngineOrder; opts: { now: bigint } } | { kind: "cancel"; id: string };

const rng = xorshift32;

export function generateFlow(n: number, seed: number): Op[] {
  const rand = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const markets = 2;
  const mids = [100_000, 2_500];
  const ops: Op[] = [];
  const recent: string[] = [];
  for (let i = 0; i < n; i++) {
    const market = int(0, markets - 1);
    if (i % 64 === 0) for (let m = 0; m < markets; m++) mids[m]! += int(-2, 2);
    const mid = mids[market]!;
    const r = rand();
    if (r < 0.2 && recent.length > 0) {
      ops.push({ kind: "cancel", id: recent[int(0, recent.length - 1)]! });
      continue;
    }
    const side = rand() < 0.5 ? Side.Buy : Side.Sell;
    const sign = side === Side.Buy ? -1 : 1;
    const id = `o${i}`;
    const account = BigInt(int(1, 1000));
    // time advances one second per 100 ops; 3% of orders live only a few seconds
    const now = BigInt(Math.floor(i / 100));
    const expiry = now + (rand() < 0.03 ? BigInt(int(0, 5)) : 1_000_000n);
    let order: EngineOrder;
    if (r < 0.65) {
      // resting limit near mid, sometimes a little through it
      const offset = Math.floor(-Math.log(1 - rand()) * 6) - (rand() < 0.05 ? 3 : 0);
      order = { id, account, market, side, price: BigInt(mid + sign * (1 + offset)), size: BigInt(int(1, 100)), expiry, type: "limit", tif: "GTC" };
      recent.push(id);
    } else if (r < 0.75) {
      order = { id, account, market, side, price: BigInt(mid + sign * int(0, 5)), size: BigInt(int(1, 100)), expiry, type: "limit", tif: "POST_ONLY" };
      recent.push(id);
    } else if (r < 0.93) {
      order = { id, account, market, side, price: BigInt(mid - sign * int(1, 8)), size: BigInt(int(1, 250)), expiry, type: "limit", tif: "IOC" };
    } else {
      order = { id, account, market, side, price: BigInt(mid - sign * 40), size: BigInt(int(1, 300)), expiry, type: "market", tif: "IOC" };
    }
    ops.push({ kind: "submit", order, opts: { now } });
    if (recent.length > 4096) recent.splice(0, 2048);
  }
  return ops;
}

function runOnce(ops: Op[], check: FillCheck | undefined): { ms: number; fills: number; resting: number } {
  const engine = new MatchingEngine({ markets: 2 });
  let fills = 0;
  const t0 = performance.now();
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.kind === "submit") fills += engine.submit(op.order, check, op.opts).fills.length;
    else engine.cancel(op.id);
  }
  const ms = performance.now() - t0;
  return { ms, fills, resting: engine.size };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function benchMatching(opts: BenchOptions = {}): BenchResult {
  const n = opts.orders ?? 200_000;
  const repeats = Math.max(1, opts.repeats ?? 7);
  const ops = generateFlow(n, opts.seed ?? 1);
  const check: FillCheck | undefined = opts.check ? () => ({ ok: true }) : undefined;
  const submits = ops.filter((o) => o.kind === "submit").length;
  runOnce(ops, check); // warm-up
  const runs = Array.from({ length: repeats }, () => runOnce(ops, check));
  const medianMs = median(runs.map((r) => r.ms));
  const first = runs[0]!;
  return {
    ops: n,
    submits,
    cancels: n - submits,
    fills: first.fills,
    restingAtEnd: first.resting,
    repeats,
    medianMs,
    ordersPerSec: submits / (medianMs / 1000),
    opsPerSec: n / (medianMs / 1000),
    fillsPerSec: first.fills / (medianMs / 1000),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      orders: { type: "string", default: "200000" },
      seed: { type: "string", default: "1" },
      repeats: { type: "string", default: "7" },
      check: { type: "boolean", default: false },
    },
  });
  const r = benchMatching({ orders: Number(values.orders), seed: Number(values.seed), repeats: Number(values.repeats), check: values.check });
  const f = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(`matching engine, ${f(r.ops)} ops (${f(r.submits)} submits, ${f(r.cancels)} cancels), seed ${values.seed}${values.check ? ", with check callback" : ""}`);
  console.log(`  fills per run      ${f(r.fills)}   resting at end ${f(r.restingAtEnd)}`);
  console.log(`  median of ${r.repeats} runs   ${r.medianMs.toFixed(1)} ms`);
  console.log(`  orders/s           ${f(r.ordersPerSec)}`);
  console.log(`  ops/s (w/ cancels) ${f(r.opsPerSec)}`);
  console.log(`  fills/s            ${f(r.fillsPerSec)}`);
}
