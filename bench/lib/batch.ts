/**
 * Real margin batches to prove: a state with positioned accounts (built in the TypeScript mirror),
 * then a batch of T one-lot trades between accounts 1 and 2, proved in a child process
 * (bench/lib/proveChild.ts) so its peak memory can be read. The same construction as
 * scripts/bench-prove.ts.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchBuilder, encodeInputs, type CircuitShape, type Op, type SealedBatch } from "../../sequencer/core/batch/index.js";
import { Side } from "../../sequencer/core/constants.js";
import type { MarketParams } from "../../sequencer/core/market.js";
import { signOrder, type SignedOrder } from "../../sequencer/core/order.js";
import { CoreState } from "../../sequencer/core/state.js";
import { getEddsa, type KeyPair } from "../../sequencer/crypto/babyjub.js";
import { getPoseidon, type Poseidon } from "../../sequencer/crypto/poseidon.js";
import type { BuiltShape } from "./shapes.js";
import { jsonSafe, median, runTsChild } from "./common.js";
import type { ProveChildResult, ProveJob } from "./proveChild.js";

export const PARAMS: readonly MarketParams[] = [
  { mmr: 50_000n, imr: 100_000n, penalty: 10_000n, fee: 500n, maxFunding: 10_000n },
  { mmr: 30_000n, imr: 60_000n, penalty: 15_000n, fee: 1_000n, maxFunding: 20_000n },
  { mmr: 30_000n, imr: 60_000n, penalty: 15_000n, fee: 1_000n, maxFunding: 20_000n },
];
const PRICES = [1_000n, 50n, 20n];

interface Kit {
  poseidon: Poseidon;
  keys: KeyPair[];
  deps: { poseidon: Poseidon; eddsa: Awaited<ReturnType<typeof getEddsa>>; salt: () => bigint };
}
let kit: Promise<Kit> | undefined;
function getKit(): Promise<Kit> {
  kit ??= (async () => {
    const poseidon = await getPoseidon();
    const eddsa = await getEddsa();
    const keys = Array.from({ length: 4 }, (_, i) => eddsa.keyPair(createHash("sha256").update(`bench key ${i}`).digest()));
    let salt = 1n;
    return { poseidon, keys, deps: { poseidon, eddsa, salt: () => salt++ } };
  })();
  return kit;
}

function contextOf(shape: CircuitShape, state: CoreState) {
  return {
    batchNumber: state.ledger.batchCount + 1n,
    timestamp: 1_000n,
    params: PARAMS.slice(0, shape.markets),
    prices: PRICES.slice(0, shape.markets),
    funding: state.ledger.funding,
  };
}

function runMirror(k: Kit, shape: CircuitShape, state: CoreState, ops: readonly Op[]): SealedBatch {
  const b = new BatchBuilder({ shape, state, context: contextOf(shape, state), deps: k.deps });
  for (const op of ops) {
    const r = b.add(op);
    if (!r.ok) throw new Error(`${op.kind} refused: ${r.reason} ${r.detail}`);
  }
  return b.seal();
}

const order = (k: Kit, account: bigint, side: Side, size: bigint, id: bigint): SignedOrder =>
  signOrder(k.poseidon, k.keys[Number(account % 4n)]!, { accountIndex: account, market: 0n, side, size, limitPrice: 1_000n, expiry: 10n ** 9n, orderId: id });

/** The largest number of accounts `populate` can position in a tree of depth D (account 0 is the backstop). */
export const maxPositioned = (depth: number): number => 2 ** depth - 2;

/** Genesis, the backstop and `n` funded accounts, paired off into positions (mirror only). */
export async function populate(shape: CircuitShape, n: number): Promise<CoreState> {
  const k = await getKit();
  if (n > maxPositioned(shape.depth)) throw new RangeError(`${n} accounts do not fit depth ${shape.depth}`);
  const setup: CircuitShape = { ...shape, opsPerBatch: 64 };
  let state = CoreState.genesis({ poseidon: k.poseidon, depth: shape.depth, markets: shape.markets, slotDepth: shape.slotDepth });
  const deposits: Op[] = [];
  for (let i = 0n; i <= BigInt(n); i++) {
    const key = k.keys[Number(i % 4n)]!;
    deposits.push({ kind: "deposit", index: i, pkX: key.pub.x, pkY: key.pub.y, amount: 10n ** 9n });
  }
  for (let i = 0; i < deposits.length; i += 64) state = runMirror(k, setup, state, deposits.slice(i, i + 64)).state;
  const trades: Op[] = [];
  for (let i = 1n; i + 1n <= BigInt(n); i += 2n) {
    trades.push({ kind: "trade", taker: order(k, i, Side.Buy, 10n, 1n), maker: order(k, i + 1n, Side.Sell, 10n, 1n), fill: 10n, price: 1_000n });
  }
  for (let i = 0; i < trades.length; i += 64) state = runMirror(k, setup, state, trades.slice(i, i + 64)).state;
  return state;
}

/** The measured batch: T one-lot trades between accounts 1 and 2 on standing orders. */
export async function tradeBatch(shape: CircuitShape, state: CoreState): Promise<SealedBatch> {
  const k = await getKit();
  const ops: Op[] = Array.from({ length: shape.opsPerBatch }, () => ({
    kind: "trade",
    taker: order(k, 1n, Side.Buy, 1_000n, 7n),
    maker: order(k, 2n, Side.Sell, 1_000n, 7n),
    fill: 1n,
    price: 1_000n,
  }));
  return runMirror(k, shape, state, ops);
}

export interface ProofMeasurement {
  readonly runs: number;
  readonly witnessMs: number;
  readonly proveMs: number;
  readonly witnessMsRuns: number[];
  readonly proveMsRuns: number[];
  readonly peakRssMiB: number;
}

/** Proves a sealed batch `runs` times in a fresh child process: medians and the child's peak RSS. */
export async function proveInChild(built: BuiltShape, sealed: SealedBatch, runs: number): Promise<ProofMeasurement> {
  const dir = await mkdtemp(join(tmpdir(), "solvent-bench-prove-"));
  try {
    const inputs = join(dir, "inputs.json");
    await writeFile(inputs, JSON.stringify(jsonSafe(encodeInputs(sealed.inputs))));
    const p = built.built.paths;
    const job: ProveJob = { wasm: p.wasm, zkey: p.zkey, vkey: p.vkey, inputs, expectedPublic: sealed.publicSignals.map(String), runs };
    const jobPath = join(dir, "job.json");
    await writeFile(jobPath, JSON.stringify(job));
    const out = await runTsChild("bench/lib/proveChild.ts", [jobPath]);
    const res = JSON.parse(out.trim().split("\n").pop()!) as ProveChildResult;
    return {
      runs,
      witnessMs: median(res.witnessMs),
      proveMs: median(res.proveMs),
      witnessMsRuns: res.witnessMs,
      proveMsRuns: res.proveMs,
      peakRssMiB: res.peakRssBytes / 2 ** 20,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
