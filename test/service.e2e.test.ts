/**
 * The sequencer service end to end, with real parts only: the real `margin_test` circuit
 * (MarginBatch(4, 2, 2, 2)) proving in the prover process, MarginRollup with its verifier on Hardhat's
 * in-process chain, an SQLite database on disk, the HTTP API on loopback and the typed client with
 * real EdDSA signatures. Traders deposit on L1; the chain listener credits them; a maker quotes
 * through the API and takers hit it; the oracle crashes; the risk engine finds the broken account
 * through the certificate tree and the next batch liquidates it. Every batch is verified on chain,
 * and the contract's root is the sequencer's after each.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MARGIN_TEST_SHAPE } from "../circuits/instances.js";
import type { DeployedSystem } from "../sequencer/chain/deploy.js";
import { Side } from "../sequencer/core/constants.js";
import { SolventClient, SolventApiError, type StreamEvent } from "../sequencer/service/client.js";
import { ApiServer } from "../sequencer/service/http/server.js";
import { Sequencer, type SequencerEvent } from "../sequencer/service/sequencer.js";
import { coreKit, type CoreKit } from "./helpers/core.js";
import { deployMarginRollup, fundWallet, MARKETS, type Chain } from "./helpers/marginChain.js";

const circuit = inject("marginTest");
const SHAPE = MARGIN_TEST_SHAPE;
const USDC = 1_000_000n;
const P0 = 2_000_000n;
const P1 = 31_000n;

const OPERATOR = 0;
const ALICE = 1;
const BOB = 2;
const CAROL = 3;

let kit: CoreKit;
let chain: Chain;
let system: DeployedSystem;
let seq: Sequencer;
let server: ApiServer;
let api: SolventClient;
let dir: string;
const events: SequencerEvent[] = [];
const streamed: StreamEvent[] = [];
let closeStream: (() => void) | undefined;

beforeAll(async () => {
  kit = await coreKit(4);
  ({ chain, system } = await deployMarginRollup(kit.poseidon, circuit, SHAPE, [P0, P1]));
  dir = await mkdtemp(join(tmpdir(), "solvent-service-"));
  seq = new Sequencer({
    client: system.client,
    circuit: { wasm: circuit.paths.wasm, zkey: circuit.paths.zkey, constraints: circuit.constraints },
    shape: SHAPE,
    poseidon: kit.poseidon,
    eddsa: kit.eddsa,
    dbPath: join(dir, "sequencer.db"),
    deployment: `hardhat:${await system.rollup.getAddress()}`,
    policy: { maxAgeMs: 400, pollMs: 100 },
    log: (line) => console.log(`[sequencer] ${line}`),
  });
  seq.events.on("event", (e: SequencerEvent) => events.push(e));
  await seq.start();
  server = new ApiServer(seq, { port: 0 });
  api = new SolventClient(await server.listen(), kit.poseidon);
  closeStream = api.stream((e) => streamed.push(e));
}, 300_000);

afterAll(async () => {
  closeStream?.();
  await server?.close();
  await seq?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const deposit = (role: number, amount: bigint) => system.client.connect(chain.signers[role + 1]!).deposit(kit.keys[role]!.pub, amount);
const expiry = () => BigInt(Math.floor(Date.now() / 1000)) + 86_400n;

async function waitFor(pred: () => boolean | Promise<boolean>, what: string, ms = 300_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("sequencer service, end to end", () => {
  it("credits L1 deposits through the chain listener in a proven batch", async () => {
    for (const [role, amount] of [[OPERATOR, 5_000n], [ALICE, 100n], [BOB, 5_000n], [CAROL, 1_000n]] as const) {
      await fundWallet(system, chain.signers[role + 1]!, amount * USDC);
      await deposit(role, amount * USDC);
    }
    await waitFor(async () => (await api.health()).accounts === 4, "four accounts credited");
    await waitFor(async () => (await system.client.depositsConsumed()) === 4n, "deposits consumed on chain");
    await seq.waitForBatch(await system.client.batchCount());
    expect(await system.client.stateRoot()).toBe(seq.verifiedState.root);
    // /health compares with the listener's last poll: one more poll and it agrees too.
    await waitFor(async () => (await api.health()).rootsAgree === true, "health: roots agree");
  });

  it("matches signed orders through the API and proves the fills", async () => {
    const e = expiry();
    // Bob quotes both sides of market 0 (post-only), Alice lifts his offer with leverage.
    const ask = await api.submitOrder(kit.keys[BOB]!, { accountIndex: BigInt(BOB), market: 0n, side: Side.Sell, size: 2_000n, limitPrice: P0, expiry: e, orderId: 1n }, { timeInForce: "POST_ONLY" });
    expect(ask.status).toBe("open");
    const bid = await api.submitOrder(kit.keys[BOB]!, { accountIndex: BigInt(BOB), market: 0n, side: Side.Buy, size: 400n, limitPrice: P0 - 20_000n, expiry: e, orderId: 2n }, { timeInForce: "POST_ONLY" });
    expect(bid.status).toBe("open");
    const book = await api.book(0);
    expect(book.asks[0]).toEqual([P0, 2_000n]);
    expect(book.bids[0]).toEqual([P0 - 20_000n, 400n]);

    // A post-only that would cross is refused whole and changes nothing.
    await expect(api.submitOrder(kit.keys[CAROL]!, { accountIndex: BigInt(CAROL), market: 0n, side: Side.Buy, size: 10n, limitPrice: P0, expiry: e, orderId: 1n }, { timeInForce: "POST_ONLY" })).rejects.toThrow(SolventApiError);

    const take = await api.submitOrder(kit.keys[ALICE]!, { accountIndex: BigInt(ALICE), market: 0n, side: Side.Buy, size: 300n, limitPrice: P0 + 10_000n, expiry: e, orderId: 1n }, { type: "market" });
    expect(take.status).toBe("filled");
    expect(take.fills).toHaveLength(1);
    expect(take.fills[0]!.price).toBe(P0);
    // Alice (100 USDC, now 6x long) cannot add 1,500 lots: the builder's initial-margin check refuses the fill.
    await expect(
      api.submitOrder(kit.keys[ALICE]!, { accountIndex: BigInt(ALICE), market: 0n, side: Side.Buy, size: 1_500n, limitPrice: P0, expiry: e, orderId: 2n }, { timeInForce: "IOC" }),
    ).rejects.toMatchObject({ status: 422, code: "InsufficientMargin" });
    expect((await api.book(0)).asks[0]).toEqual([P0, 1_700n]);

    const batch = take.fills[0]!.batch;
    await api.waitForBatch(batch);
    const fills = await api.fills();
    expect(fills.find((f) => f.seq === take.fills[0]!.seq)?.status).toBe("verified");
    expect(await system.client.stateRoot()).toBe(seq.verifiedState.root);
    expect(seq.verifiedState.account(BigInt(ALICE)).size[0]).toBe(300n);
  });

  it("liquidates the account a price crash breaks, found by the risk engine", async () => {
    // Before the crash Alice sees how far she is from liquidation: less than the coming 14% move.
    const view = await api.account(kit.keys[ALICE]!, BigInt(ALICE));
    const distance = view.positions[0]!.distanceToLiquidationPpm!;
    expect(view.positions[0]!.liquidation?.direction).toBe("below");
    expect(distance).toBeGreaterThan(0n);
    expect(distance).toBeLessThan(140_000n);
    const before = events.length;
    await system.client.pushPrice(0, (P0 * 86n) / 100n); // -14%: Alice's 6x long is below maintenance, not bankrupt
    await waitFor(() => events.slice(before).some((e) => e.type === "risk"), "the risk engine's verdict");
    const risk = events.slice(before).find((e) => e.type === "risk") as Extract<SequencerEvent, { type: "risk" }>;
    expect(risk.liquidations).toContain(BigInt(ALICE));
    const number = seq.nextBatch;
    await api.waitForBatch(number);
    const after = seq.verifiedState;
    expect(after.account(BigInt(ALICE)).size[0]).toBe(0n);
    expect(await system.client.stateRoot()).toBe(after.root);
    expect(await system.client.batchCount()).toBeGreaterThanOrEqual(3n);
    // The same story reached a client through the Server-Sent Events stream, in order.
    const risk2 = streamed.find((x) => x.type === "risk");
    expect(risk2?.data.liquidations).toEqual([BigInt(ALICE)]);
    const verifiedOnStream = streamed.filter((x) => x.type === "batch" && x.data.status === "verified").map((x) => x.data.number);
    expect(verifiedOnStream).toContain(number);
    expect(verifiedOnStream).toEqual([...verifiedOnStream].sort((a, b) => (BigInt(a as bigint) < BigInt(b as bigint) ? -1 : 1)));
    expect(streamed.some((x) => x.type === "fill" && x.data.fill !== undefined)).toBe(true);
    const alice = await api.account(kit.keys[ALICE]!, BigInt(ALICE));
    expect(alice.positions[0]!.size).toBe(0n);
    expect(alice.proven.root).toBe(after.root);
  });

  it("rebuilds and proves again a batch the chain refuses, and never skips it", async () => {
    // The owner changes a market's fee while a batch is being proved: the contract now builds the
    // public inputs with the new parameter hash, so the proof in hand is refused (InvalidProof).
    const e = expiry();
    const ack = await api.submitOrder(kit.keys[CAROL]!, { accountIndex: BigInt(CAROL), market: 0n, side: Side.Buy, size: 50n, limitPrice: P0, expiry: e, orderId: 2n }, { type: "market" });
    expect(ack.fills).toHaveLength(1);
    const number = ack.fills[0]!.batch;
    await waitFor(async () => (await api.batch(number)).status === "proving", `batch ${number} proving`);
    await system.client.setMarketParams(0, { ...MARKETS[0]!, fee: MARKETS[0]!.fee + 100n });
    const done = await api.waitForBatch(number);
    expect(done.generation).toBe(1); // rebuilt once, at the chain's new parameters
    expect(done.detail.attempts).toBeGreaterThanOrEqual(1);
    expect(done.context.params[0]!.fee).toBe(MARKETS[0]!.fee + 100n);
    expect(await system.client.stateRoot()).toBe(seq.verifiedState.root);
    const fill = (await api.fills()).find((f) => f.seq === ack.fills[0]!.seq);
    expect(fill?.status).toBe("verified");
  });

  it("shows an account only to its owner", async () => {
    await expect(api.account(kit.keys[BOB]!, BigInt(ALICE))).rejects.toMatchObject({ status: 401, code: "BadSignature" });
    await expect(api.account(kit.keys[ALICE]!, BigInt(ALICE), 1_000n)).rejects.toMatchObject({ status: 401, code: "StaleAuth" });
    const bob = await api.account(kit.keys[BOB]!, BigInt(BOB));
    expect(bob.openOrders.length).toBeGreaterThan(0);
  });
});
