/**
 * Witness and proving time of full margin batches, and proving time against how many accounts
 * hold positions (it should not move: the circuit's size depends on D and T only).
 *
 *   npm run bench:prove -- [--shapes 8,2,4,3;16,2,8,3] [--accounts 2,256] [--runs 1]
 *
 * For each shape (D,M,T,K) it builds the circuit (or finds it in build/), fills the state with
 * `accounts` positioned accounts in the TypeScript mirror, then proves a batch of T trades and
 * verifies it. Figures are single runs unless --runs is given (then medians).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { INSTANCES, shapeParams } from "../circuits/instances.js";
import { ensureBuilt } from "../prover/build.js";
import { prove, shutdownProver, verify, type VerificationKey } from "../prover/prove.js";
import { BatchBuilder, encodeInputs, type CircuitShape, type Op } from "../sequencer/core/batch/index.js";
import { publicSignalNames, Side } from "../sequencer/core/constants.js";
import type { MarketParams } from "../sequencer/core/market.js";
import { signOrder, type SignedOrder } from "../sequencer/core/order.js";
import { CoreState } from "../sequencer/core/state.js";
import { getEddsa, type KeyPair } from "../sequencer/crypto/babyjub.js";
import { getPoseidon } from "../sequencer/crypto/poseidon.js";

const { values } = parseArgs({
  options: { shapes: { type: "string", default: "8,2,4,3;16,2,8,3" }, accounts: { type: "string", default: "2,256" }, runs: { type: "string", default: "1" } },
});
const shapes: CircuitShape[] = values.shapes.split(";").map((s) => {
  const [depth, markets, opsPerBatch, slotDepth] = s.split(",").map(Number) as [number, number, number, number];
  return { depth, markets, opsPerBatch, slotDepth };
});
const populations = values.accounts.split(",").map(BigInt);
const runs = Number(values.runs);

const PARAMS: MarketParams[] = [
  { mmr: 50_000n, imr: 100_000n, penalty: 10_000n, fee: 500n, maxFunding: 10_000n },
  { mmr: 30_000n, imr: 60_000n, penalty: 15_000n, fee: 1_000n, maxFunding: 20_000n },
  { mmr: 30_000n, imr: 60_000n, penalty: 15_000n, fee: 1_000n, maxFunding: 20_000n },
];
const PRICES = [1_000n, 50n, 20n];
const poseidon = await getPoseidon();
const eddsa = await getEddsa();
const keys: KeyPair[] = Array.from({ length: 4 }, (_, i) => eddsa.keyPair(createHash("sha256").update(`bench key ${i}`).digest()));
const keyOf = (i: bigint) => keys[Number(i % 4n)]!;
let salt = 1n;
const deps = { poseidon, eddsa, salt: () => salt++ };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function runMirror(shape: CircuitShape, state: CoreState, ops: Op[]): CoreState {
  const context = {
    batchNumber: state.ledger.batchCount + 1n,
    timestamp: 1_000n,
    params: PARAMS.slice(0, shape.markets),
    prices: PRICES.slice(0, shape.markets),
    funding: state.ledger.funding,
  };
  const b = new BatchBuilder({ shape, state, context, deps });
  for (const op of ops) {
    const r = b.add(op);
    if (!r.ok) throw new Error(`${op.kind} refused: ${r.reason} ${r.detail}`);
  }
  return b.seal().state;
}

const order = (account: bigint, side: Side, size: bigint, id: bigint): SignedOrder =>
  signOrder(poseidon, keyOf(account), { accountIndex: account, market: 0n, side, size, limitPrice: 1_000n, expiry: 10n ** 9n, orderId: id });

/** Genesis, the backstop and `n` accounts funded, paired off into positions (mirror only). */
function populate(shape: CircuitShape, n: bigint): CoreState {
  const setup: CircuitShape = { ...shape, opsPerBatch: 64 };
  let state = CoreState.genesis({ poseidon, depth: shape.depth, markets: shape.markets, slotDepth: shape.slotDepth });
  const deposits: Op[] = [];
  for (let i = 0n; i <= n; i++) deposits.push({ kind: "deposit", index: i, pkX: keyOf(i).pub.x, pkY: keyOf(i).pub.y, amount: 10n ** 9n });
  for (let i = 0; i < deposits.length; i += 64) state = runMirror(setup, state, deposits.slice(i, i + 64));
  const trades: Op[] = [];
  for (let i = 1n; i + 1n <= n; i += 2n) trades.push({ kind: "trade", taker: order(i, Side.Buy, 10n, 1n), maker: order(i + 1n, Side.Sell, 10n, 1n), fill: 10n, price: 1_000n });
  for (let i = 0; i < trades.length; i += 64) state = runMirror(setup, state, trades.slice(i, i + 64));
  return state;
}

interface Row {
  shape: string;
  constraints: number;
  setupSeconds: number | null;
  accounts: string;
  witnessMs: number;
  proveMs: number;
  msPerTrade: number;
  peakRssMiB: number;
}
const rows: Row[] = [];

for (const shape of shapes) {
  const name = `margin_bench_d${shape.depth}_m${shape.markets}_t${shape.opsPerBatch}_k${shape.slotDepth}`;
  const instance = { name, template: "MarginBatch", file: "circuits/core/margin_batch.circom", params: shapeParams(shape), publicSignals: [...new Set(publicSignalNames(1).map((x) => x.replace(/\[\d+\]$/, "")))] };
  const t0 = performance.now();
  const report = await ensureBuilt([name], { instances: [...INSTANCES, instance], contracts: false, log: (l) => console.log(`  [setup] ${l}`) });
  const built = report.entries[0]!;
  const setupSeconds = report.rebuilt.length > 0 ? (performance.now() - t0) / 1000 : null;
  const vkey = JSON.parse(await readFile(built.paths.vkey, "utf8")) as VerificationKey;
  const capacity = 2n ** BigInt(shape.depth) - 1n; // account 0 is the backstop
  for (const n of [...new Set(populations.map((p) => (p < capacity ? p : capacity)))]) {
    const state = populate(shape, n);
    // The measured batch: T one-lot trades between accounts 1 and 2 on standing orders.
    const ops: Op[] = Array.from({ length: shape.opsPerBatch }, () => ({ kind: "trade", taker: order(1n, Side.Buy, 1_000n, 7n), maker: order(2n, Side.Sell, 1_000n, 7n), fill: 1n, price: 1_000n }));
    const context = { batchNumber: state.ledger.batchCount + 1n, timestamp: 1_000n, params: PARAMS.slice(0, shape.markets), prices: PRICES.slice(0, shape.markets), funding: state.ledger.funding };
    const b = new BatchBuilder({ shape, state, context, deps });
    for (const op of ops) {
      const r = b.add(op);
      if (!r.ok) throw new Error(`trade refused: ${r.reason} ${r.detail}`);
    }
    const sealed = b.seal();
    const w: number[] = [];
    const p: number[] = [];
    for (let r = 0; r < runs; r++) {
      const res = await prove(built.paths.wasm, built.paths.zkey, encodeInputs(sealed.inputs));
      if (!(await verify(vkey, res.publicSignals, res.proof))) throw new Error("proof does not verify");
      if (res.publicSignals.some((v, i) => v !== sealed.publicSignals[i])) throw new Error("circuit and mirror disagree");
      w.push(res.witnessMs);
      p.push(res.proveMs);
    }
    const row: Row = {
      shape: `D=${shape.depth} M=${shape.markets} T=${shape.opsPerBatch} K=${shape.slotDepth}`,
      constraints: built.constraints,
      setupSeconds,
      accounts: `${n} positioned of ${2n ** BigInt(shape.depth)}`,
      witnessMs: median(w),
      proveMs: median(p),
      msPerTrade: median(p) / shape.opsPerBatch,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
console.log("\n| shape | constraints | first setup (s) | accounts holding positions | witness (s) | prove (s) | prove per trade (s) | peak RSS (MiB) |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(`| ${r.shape} | ${r.constraints.toLocaleString("en-US")} | ${r.setupSeconds?.toFixed(1) ?? "cached"} | ${r.accounts} | ${(r.witnessMs / 1000).toFixed(2)} | ${(r.proveMs / 1000).toFixed(1)} | ${(r.msPerTrade / 1000).toFixed(2)} | ${r.peakRssMiB.toFixed(0)} |`);
}
await shutdownProver();
