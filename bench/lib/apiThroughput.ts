/**
 * Orders per second through the sequencer's HTTP API: a real Sequencer (SQLite on disk, matching
 * engine, the batch builder as pre-trade check) behind the real ApiServer on loopback, on Hardhat's
 * in-process chain, driven by concurrent typed clients sending pre-signed orders. Every order is
 * validated, its signature checked, matched, and committed to SQLite before its acknowledgement.
 *
 * Two flows: resting orders only (intake and persistence), and crossing orders, each filling one
 * resting order (a trade operation through the batch builder: both signatures, the margin rules,
 * the account and order-slot trees). Batches are wide (T = 1,024) and old enough never to seal
 * here, so no proof competes for the cores: this measures intake, not proving.
 *
 *   npx tsx bench/lib/apiThroughput.ts [--orders 400] [--concurrency 8]    (prints JSON last)
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import hre, { network } from "hardhat";
import type { Contract } from "ethers";
import { MARGIN_TEST_INSTANCE } from "../../circuits/instances.js";
import { ensureBuilt } from "../../prover/build.js";
import { deploySystem, type ContractArtifact } from "../../sequencer/chain/deploy.js";
import type { CircuitShape } from "../../sequencer/core/batch/index.js";
import { Side } from "../../sequencer/core/constants.js";
import { signOrder, type Order } from "../../sequencer/core/order.js";
import { CoreState } from "../../sequencer/core/state.js";
import { getEddsa } from "../../sequencer/crypto/babyjub.js";
import { getPoseidon } from "../../sequencer/crypto/poseidon.js";
import { SolventClient } from "../../sequencer/service/client.js";
import { ApiServer } from "../../sequencer/service/http/server.js";
import { Sequencer } from "../../sequencer/service/sequencer.js";

const { values } = parseArgs({ options: { orders: { type: "string", default: "400" }, concurrency: { type: "string", default: "8" } } });
const N = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
const SHAPE: CircuitShape = { depth: 10, markets: 2, opsPerBatch: 1_024, slotDepth: 10 };
const PARAMS = [
  { mmr: 50_000n, imr: 100_000n, penalty: 20_000n, fee: 500n, maxFunding: 1_000n },
  { mmr: 40_000n, imr: 80_000n, penalty: 15_000n, fee: 400n, maxFunding: 1_000n },
];
const TRADERS = 8;
const P = 1_000_000n;

async function main(): Promise<void> {
  const built = (await ensureBuilt([MARGIN_TEST_INSTANCE], { log: () => {} })).entries[0]!;
  await hre.tasks.getTask("build").run({ quiet: true });
  const [poseidon, eddsa] = await Promise.all([getPoseidon(), getEddsa()]);
  const genesis = CoreState.genesis({ poseidon, depth: SHAPE.depth, markets: SHAPE.markets, slotDepth: SHAPE.slotDepth });
  const { ethers } = await network.create();
  const signers = await ethers.getSigners();
  const source = (name: string) => hre.artifacts.readArtifact(name) as Promise<ContractArtifact>;
  // The verifier is margin_test's; no batch is proved here, so only the public-input count matters.
  const system = await deploySystem(signers[0]!, source, { markets: PARAMS, genesisRoot: genesis.root, maxPriceAge: 3_600n, verifier: built.contract });
  await system.client.pushPrice(0, P);
  await system.client.pushPrice(1, P);
  const keys = Array.from({ length: TRADERS }, (_, i) => eddsa.keyPair(createHash("sha256").update(`api bench ${i}`).digest()));
  for (const [i, key] of keys.entries()) {
    const wallet = signers[1 + i]!;
    const amount = 1_000_000n * 1_000_000n;
    await (await (system.token as Contract).getFunction("mint")(await wallet.getAddress(), amount)).wait();
    await (await (system.token.connect(wallet) as Contract).getFunction("approve")(await system.rollup.getAddress(), amount)).wait();
    await system.client.connect(wallet).deposit(key.pub, amount);
  }
  const dir = await mkdtemp(join(tmpdir(), "solvent-api-bench-"));
  const seq = new Sequencer({
    client: system.client,
    circuit: { wasm: built.paths.wasm, zkey: built.paths.zkey, constraints: built.constraints },
    shape: SHAPE,
    poseidon,
    eddsa,
    dbPath: join(dir, "sequencer.db"),
    deployment: "api-bench",
    policy: { maxAgeMs: 3_600_000, pollMs: 200 },
  });
  await seq.start();
  const server = new ApiServer(seq, { port: 0, rateLimit: 0 });
  const api = new SolventClient(await server.listen(), poseidon);
  while ((await api.health()).accounts < TRADERS) await new Promise((r) => setTimeout(r, 100));

  // Pre-signed (signing is the client's cost, not the sequencer's).
  const expiry = BigInt(Math.floor(Date.now() / 1000)) + 86_400n;
  let nextId = 1n;
  const make = (trader: number, side: Side, price: bigint): { order: Order; sig: ReturnType<typeof signOrder>["sig"] } => {
    const order: Order = { accountIndex: BigInt(trader), market: 0n, side, size: 1n, limitPrice: price, expiry, orderId: nextId++ };
    return { order, sig: signOrder(poseidon, keys[trader]!, order).sig };
  };
  const resting = Array.from({ length: N }, (_, i) => make(i % TRADERS, Side.Buy, P - 1_000n - BigInt(i % 50)));
  // Crossing: trader t offers at P, trader t+1 lifts it (different accounts: no self-trade).
  const makers = Array.from({ length: N }, (_, i) => make(i % TRADERS, Side.Sell, P));
  const takers = Array.from({ length: N }, (_, i) => make((i + 1) % TRADERS, Side.Buy, P));

  const drive = async (items: readonly { order: Order; sig: ReturnType<typeof signOrder>["sig"] }[], opts: { timeInForce?: "GTC" | "IOC" } = {}): Promise<{ perSec: number; ms: number; latencies: number[] }> => {
    let i = 0;
    const latencies: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (;;) {
          const k = i++;
          if (k >= items.length) return;
          const s = performance.now();
          await api.submitSignedOrder(items[k]!.order, items[k]!.sig, opts);
          latencies.push(performance.now() - s);
        }
      }),
    );
    const ms = performance.now() - t0;
    return { perSec: items.length / (ms / 1000), ms, latencies };
  };
  const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

  const rest = await drive(resting);
  await drive(makers);
  const cross = await drive(takers, { timeInForce: "IOC" });
  const fills = seq.fingerprint().fills;
  await server.close();
  await seq.stop();
  await rm(dir, { recursive: true, force: true });
  const result = {
    orders: N,
    concurrency: CONCURRENCY,
    restingOrdersPerSec: Math.round(rest.perSec),
    restingLatencyMs: { p50: +pct(rest.latencies, 0.5).toFixed(2), p99: +pct(rest.latencies, 0.99).toFixed(2) },
    crossingOrdersPerSec: Math.round(cross.perSec),
    crossingLatencyMs: { p50: +pct(cross.latencies, 0.5).toFixed(2), p99: +pct(cross.latencies, 0.99).toFixed(2) },
    fills,
    note: "HTTP on loopback, each order validated, signature-checked, matched and committed to SQLite (WAL, synchronous=NORMAL) before its acknowledgement; crossing orders each add a trade through the batch builder",
  };
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
