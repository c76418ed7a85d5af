/**
 * The sequencer as a process: `npx solvent serve` (or `tsx sequencer/service/main.ts`).
 *
 *   --rpc URL           the chain's JSON-RPC endpoint (default http://127.0.0.1:8545)
 *   --deployment FILE   the deployment record (sequencer/chain/deploy.ts DeploymentRecord)
 *   --db FILE           the SQLite database (created if absent; bound to that deployment)
 *   --instance NAME     the circuit instance (circuits/instances.ts), built or found in build/
 *   --signer N          the node's unlocked account that submits batches (default 0)
 *   --host H --port P   where the API listens (default 127.0.0.1:8080; 0 picks a free port)
 *   --max-age-ms MS     seal a non-empty batch this long after it opened (default 3000)
 *   --poll-ms MS        chain poll interval (default 250)
 *   --durability full   fsync every commit (default: survive a killed process, not a power cut)
 *
 * Prints `listening <url>` once the API is up. SOLVENT_CRASH_AT=<point>:<batch> (point: proving,
 * before-submit, after-submit) makes the process kill itself there: the crash-recovery tests use it.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { JsonRpcProvider } from "ethers";
import { INSTANCES } from "../../circuits/instances.js";
import { ensureBuilt } from "../../prover/build.js";
import { connectDeployment, type DeploymentRecord } from "../chain/deploy.js";
import type { CircuitShape } from "../core/batch/index.js";
import { getEddsa } from "../crypto/babyjub.js";
import { getPoseidon } from "../crypto/poseidon.js";
import { ApiServer } from "./http/server.js";
import { Sequencer } from "./sequencer.js";

const { values } = parseArgs({
  options: {
    rpc: { type: "string", default: "http://127.0.0.1:8545" },
    deployment: { type: "string" },
    db: { type: "string", default: "solvent.db" },
    instance: { type: "string", default: "margin_demo" },
    signer: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8080" },
    "max-age-ms": { type: "string", default: "3000" },
    "poll-ms": { type: "string", default: "250" },
    durability: { type: "string", default: "normal" },
    "rate-limit": { type: "string", default: "2000" },
  },
});

/** MarginBatch(D, M, T, K) params back to a shape. */
function shapeOf(params: readonly number[]): CircuitShape {
  const [depth, markets, opsPerBatch, slotDepth] = params;
  if (params.length !== 4) throw new Error("not a MarginBatch instance");
  return { depth: depth!, markets: markets!, opsPerBatch: opsPerBatch!, slotDepth: slotDepth! };
}

const log = (line: string): void => console.log(`[${new Date().toISOString()}] ${line}`);

async function main(): Promise<void> {
  if (values.deployment === undefined) throw new Error("--deployment FILE is required");
  const record = JSON.parse(await readFile(values.deployment, "utf8")) as DeploymentRecord;
  const instance = INSTANCES.find((i) => i.name === values.instance);
  if (instance === undefined) throw new Error(`unknown circuit instance ${values.instance}`);
  const built = (await ensureBuilt([instance.name], { contracts: false, log })).entries[0]!;
  const provider = new JsonRpcProvider(values.rpc, undefined, { staticNetwork: true, pollingInterval: 100 });
  const signer = await provider.getSigner(Number(values.signer));
  const crash = process.env.SOLVENT_CRASH_AT;
  const [point, batch] = crash === undefined ? [] : crash.split(":");
  const seq = new Sequencer({
    client: connectDeployment(record, signer),
    circuit: { wasm: built.paths.wasm, zkey: built.paths.zkey, constraints: built.constraints },
    shape: shapeOf(instance.params),
    poseidon: await getPoseidon(),
    eddsa: await getEddsa(),
    dbPath: values.db,
    durability: values.durability === "full" ? "full" : "normal",
    deployment: `${record.chainId}:${record.rollup.address}`,
    policy: { maxAgeMs: Number(values["max-age-ms"]), pollMs: Number(values["poll-ms"]) },
    log,
    ...(point === undefined ? {} : { crashAt: { point: point as "proving" | "before-submit" | "after-submit", batch: BigInt(batch!) } }),
  });
  await seq.start();
  const server = new ApiServer(seq, { host: values.host, port: Number(values.port), rateLimit: Number(values["rate-limit"]), log });
  const url = await server.listen();
  console.log(`listening ${url}`);
  const stop = async (): Promise<void> => {
    log("stopping");
    await server.close();
    await seq.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
