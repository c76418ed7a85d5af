/**
 * Crash recovery: the sequencer runs as its own process against a chain that outlives it (Hardhat's
 * in-process chain served on loopback by this test) and is killed with SIGKILL at the worst moments
 * -- while proving, after it recorded a submission but before sending it, after the chain accepted a
 * batch but before the database knew, and at an arbitrary moment while orders flow. After each
 * restart on the same database: no acknowledged order or fill is lost, resting orders are back in
 * the book in the same priority, the sequencer's root is the chain's, and batching goes on.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MARGIN_TEST_INSTANCE, MARGIN_TEST_SHAPE } from "../circuits/instances.js";
import { deploymentRecord, type DeployedSystem } from "../sequencer/chain/deploy.js";
import { Side } from "../sequencer/core/constants.js";
import { SolventClient, type BatchView } from "../sequencer/service/client.js";
import { coreKit, type CoreKit } from "./helpers/core.js";
import { deployMarginRollup, fundWallet, type Chain } from "./helpers/marginChain.js";
import { serveChain } from "./helpers/rpcServer.js";
import { startService, type ServiceProcess } from "./helpers/serviceProcess.js";

const circuit = inject("marginTest");
const SHAPE = MARGIN_TEST_SHAPE;
const USDC = 1_000_000n;
const P0 = 2_000_000n;

let kit: CoreKit;
let chain: Chain;
let system: DeployedSystem;
let rpc: { url: string; close(): Promise<void> };
let dir: string;
let deploymentFile: string;
let db: string;
let service: ServiceProcess | undefined;

beforeAll(async () => {
  kit = await coreKit(4);
  ({ chain, system } = await deployMarginRollup(kit.poseidon, circuit, SHAPE, [P0, 31_000n]));
  rpc = await serveChain(chain);
  dir = await mkdtemp(join(tmpdir(), "solvent-crash-"));
  deploymentFile = join(dir, "deployment.json");
  db = join(dir, "sequencer.db");
  await writeFile(deploymentFile, JSON.stringify(await deploymentRecord(system)));
  for (const [role, amount] of [[0, 5_000n], [1, 1_000n], [2, 5_000n], [3, 1_000n]] as const) await fundWallet(system, chain.signers[role + 1]!, amount * USDC);
}, 300_000);

afterAll(async () => {
  await service?.kill();
  await rpc?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const start = async (crashAt?: string): Promise<SolventClient> => {
  service = await startService({ rpc: rpc.url, deployment: deploymentFile, db, instance: MARGIN_TEST_INSTANCE, ...(crashAt === undefined ? {} : { crashAt }) });
  return new SolventClient(service.url, kit.poseidon);
};
const deposit = (role: number, amount: bigint) => system.client.connect(chain.signers[role + 1]!).deposit(kit.keys[role]!.pub, amount * USDC);
const expiry = BigInt(Math.floor(Date.now() / 1000)) + 86_400n;

async function agreeWithChain(api: SolventClient): Promise<void> {
  const h = await api.health();
  expect(h.verified.batch).toBe(await system.client.batchCount());
  expect(h.verified.root).toBe(await system.client.stateRoot());
  // health's own comparison uses the listener's last poll: give it one.
  await until(async () => ((await api.health()).rootsAgree === true ? true : undefined), "health: roots agree");
}

async function until<T>(f: () => Promise<T | undefined>, what: string, ms = 300_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}\n${service?.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe("crash recovery (kill -9, restart on the same database)", () => {
  it("killed while proving batch 1: the restart proves it again and the chain accepts it", async () => {
    // Queued before the sequencer starts, so its first poll puts both in batch 1.
    await deposit(0, 5_000n);
    await deposit(1, 1_000n);
    let api = await start("proving:1");
    expect(await service!.exited).toBe("SIGKILL");
    expect(await system.client.batchCount()).toBe(0n);
    api = await start();
    await api.waitForBatch(1n);
    await agreeWithChain(api);
    await until(async () => ((await api.health()).accounts === 2 ? true : undefined), "two accounts");
    await service!.kill();
  });

  it("killed after recording the submission of batch 2 but before sending it: sent after the restart", async () => {
    await deposit(2, 5_000n);
    await deposit(3, 1_000n);
    let api = await start("before-submit:2");
    expect(await service!.exited).toBe("SIGKILL");
    expect(await system.client.batchCount()).toBe(1n);
    api = await start();
    await api.waitForBatch(2n);
    await agreeWithChain(api);
    await service!.kill();
  });

  it("killed after the chain verified batch 3 but before the database knew: adopted on restart, with its fills and the book", async () => {
    let api = await start("after-submit:3");
    // Bob (index 2) rests two offers; Alice (index 1) takes part of the first: one fill, batch 3.
    const ask1 = await api.submitOrder(kit.keys[2]!, { accountIndex: 2n, market: 0n, side: Side.Sell, size: 500n, limitPrice: P0, expiry, orderId: 1n });
    const ask2 = await api.submitOrder(kit.keys[2]!, { accountIndex: 2n, market: 0n, side: Side.Sell, size: 300n, limitPrice: P0, expiry, orderId: 2n });
    const take = await api.submitOrder(kit.keys[1]!, { accountIndex: 1n, market: 0n, side: Side.Buy, size: 200n, limitPrice: P0, expiry, orderId: 1n }, { timeInForce: "IOC" });
    expect(ask1.status).toBe("open");
    expect(ask2.status).toBe("open");
    expect(take.fills).toHaveLength(1);
    expect(take.fills[0]!.batch).toBe(3n);
    expect(await service!.exited).toBe("SIGKILL");
    expect(await system.client.batchCount()).toBe(3n); // the chain has it; the database said "submitted"

    api = await start();
    await agreeWithChain(api);
    const b3 = await api.batch(3n);
    expect(b3.status).toBe("verified");
    const fill = (await api.fills()).find((f) => f.seq === take.fills[0]!.seq);
    expect(fill?.status).toBe("verified");
    // The book: ask1 with 300 left ahead of ask2 (time priority kept), both at P0.
    expect((await api.book(0)).asks).toEqual([[P0, 600n]]);
    expect((await api.order(2n, 1n)).filled).toBe(200n);
    const next = await api.submitOrder(kit.keys[3]!, { accountIndex: 3n, market: 0n, side: Side.Buy, size: 300n, limitPrice: P0, expiry, orderId: 1n }, { timeInForce: "IOC" });
    expect(next.fills.map((f) => [f.makerOrder, f.size])).toEqual([["2:1", 300n]]);
    await api.waitForBatch(next.fills[0]!.batch);
    await agreeWithChain(api);
    await service!.kill();
  });

  it("killed at an arbitrary moment while orders flow: every acknowledged order and fill survives", async () => {
    let api = await start();
    const acked: string[] = [];
    const fills: number[] = [];
    let id = 10n;
    let killAfter: () => void = () => undefined;
    const thirdAck = new Promise<void>((r) => (killAfter = r));
    const flow = (async () => {
      for (let i = 0; i < 8; i++) {
        id += 1n;
        try {
          const ack = await api.submitOrder(kit.keys[2]!, { accountIndex: 2n, market: 0n, side: Side.Sell, size: 5n, limitPrice: P0 + (id % 7n) * 1_000n, expiry, orderId: id });
          acked.push(ack.id);
          const take = await api.submitOrder(kit.keys[3]!, { accountIndex: 3n, market: 0n, side: Side.Buy, size: 2n, limitPrice: P0 + 10_000n, expiry, orderId: id }, { timeInForce: "IOC" });
          acked.push(take.id);
          fills.push(...take.fills.map((f) => f.seq));
          if (acked.length >= 6) killAfter();
        } catch {
          return; // the process is gone
        }
      }
    })();
    // Killed while the next requests are in flight.
    await thirdAck;
    await service!.kill();
    await flow;
    expect(acked.length).toBeGreaterThan(4);

    api = await start();
    for (const key of acked) {
      const [a, o] = key.split(":").map(BigInt) as [bigint, bigint];
      expect((await api.order(a, o)).id).toBe(key);
    }
    const stored = new Set((await api.fills(1000)).map((f) => f.seq));
    for (const f of fills) expect(stored.has(f)).toBe(true);
    const batches: BatchView[] = await api.batches(50);
    const pending = batches.filter((b) => b.status !== "verified").map((b) => b.number);
    if (pending.length > 0) await api.waitForBatch(pending.reduce((a, b) => (a > b ? a : b)));
    await until(async () => ((await api.health()).sealed.length === 0 ? true : undefined), "lane drained");
    await agreeWithChain(api);
  });
});
