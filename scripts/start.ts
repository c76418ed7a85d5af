/**
 * `npm start`: the sequencer service end to end on a local chain.
 *
 * Builds (or reuses) the `margin_demo` circuit, MarginBatch(5, 2, 4, 2), and its development keys;
 * starts Hardhat's in-process chain and deploys MockUSDC, two PriceFeeds, the Poseidon contracts,
 * the batch verifier and MarginRollup; starts the sequencer (SQLite store, matching engine, risk
 * engine, prover process, L1 publisher) with its HTTP API on 127.0.0.1. Then simulated traders use
 * it as anyone would -- L1 deposits, signed orders through the typed API client (a market maker's
 * post-only quotes, leveraged market orders), a signed withdrawal -- while a price feeder plays a
 * path with a crash. Funding follows the book's premium over the oracle (sequencer/service/funding.ts). The risk engine finds the accounts the crash breaks and the next batch
 * liquidates them. Every batch is proved and verified by the contract.
 *
 *   npm start                      # the demo, then a summary
 *   npm start -- --keep-running    # and leave the API up for other clients (Ctrl-C stops)
 *   npm start -- --port 8080       # API port (default 8080; a free one if that is taken)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import hre, { network } from "hardhat";
import type { Contract } from "ethers";
import { MARGIN_DEMO_INSTANCE, MARGIN_DEMO_SHAPE } from "../circuits/instances.js";
import { ensureBuilt } from "../prover/build.js";
import { shutdownProver } from "../prover/prove.js";
import { deploySystem, type ContractArtifact } from "../sequencer/chain/deploy.js";
import { Side } from "../sequencer/core/constants.js";
import { accountValue, maintenanceHealth } from "../sequencer/core/margin.js";
import { CoreState } from "../sequencer/core/state.js";
import { getEddsa } from "../sequencer/crypto/babyjub.js";
import { getPoseidon } from "../sequencer/crypto/poseidon.js";
import { SolventClient, SolventApiError } from "../sequencer/service/client.js";
import { ApiServer } from "../sequencer/service/http/server.js";
import { contextMarkets } from "../sequencer/service/lane.js";
import { Sequencer, type SequencerEvent } from "../sequencer/service/sequencer.js";
import type { BatchRecord } from "../sequencer/service/types.js";
import { makeTraders, MARKETS, usd, USDC, type Trader } from "./demo/cast.js";

const { values: args } = parseArgs({ options: { "keep-running": { type: "boolean", default: false }, port: { type: "string", default: "8080" } } });

const started = performance.now();
const fmt = (n: number | bigint): string => n.toLocaleString("en-US");
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;
const short = (x: bigint): string => {
  const hex = x.toString(16).padStart(64, "0");
  return `0x${hex.slice(0, 6)}…${hex.slice(-4)}`;
};

function say(line: string): void {
  const at = ((performance.now() - started) / 1000).toFixed(2).padStart(6);
  console.log(`[${at}s] ${line}`);
}

const SHAPE = MARGIN_DEMO_SHAPE;
const MAX_PRICE_AGE = 3_600n;

async function main(): Promise<void> {
  say(`Solvent: MarginBatch(D=${SHAPE.depth}, M=${SHAPE.markets}, T=${SHAPE.opsPerBatch}, K=${SHAPE.slotDepth}), ${2 ** SHAPE.depth} accounts, ${SHAPE.opsPerBatch} operations per batch`);
  say("circuit and development keys: building unless cached (the first run adds about a minute here)");
  let t0 = performance.now();
  const built = await ensureBuilt([MARGIN_DEMO_INSTANCE], { log: (line) => say(`  setup: ${line}`) });
  const circuit = built.entries[0]!;
  say(`circuit ready: ${fmt(circuit.constraints)} constraints (${built.rebuilt.length > 0 ? "built" : "cached"}, ${secs(performance.now() - t0)})`);
  t0 = performance.now();
  await hre.tasks.getTask("build").run({ quiet: true });
  say(`contracts compiled (${secs(performance.now() - t0)})`);

  // The chain and the system on it.
  t0 = performance.now();
  const [poseidon, eddsa] = await Promise.all([getPoseidon(), getEddsa()]);
  const genesis = CoreState.genesis({ poseidon, depth: SHAPE.depth, markets: SHAPE.markets, slotDepth: SHAPE.slotDepth });
  const { ethers } = await network.create();
  const signers = await ethers.getSigners();
  const source = (name: string) => hre.artifacts.readArtifact(name) as Promise<ContractArtifact>;
  const system = await deploySystem(signers[0]!, source, { markets: MARKETS.map((m) => m.params), genesisRoot: genesis.root, maxPriceAge: MAX_PRICE_AGE, verifier: circuit.contract });
  const chain = system.client;
  say(`deployed MockUSDC, 2 PriceFeeds, Poseidon, ${circuit.contract} and MarginRollup on Hardhat's in-process chain (${secs(performance.now() - t0)})`);

  // The sequencer and its API.
  const dir = await mkdtemp(join(tmpdir(), "solvent-demo-"));
  const seq = new Sequencer({
    client: chain,
    circuit: { wasm: circuit.paths.wasm, zkey: circuit.paths.zkey, constraints: circuit.constraints },
    shape: SHAPE,
    poseidon,
    eddsa,
    dbPath: join(dir, "sequencer.db"),
    deployment: `demo:${await system.rollup.getAddress()}`,
    policy: { maxAgeMs: 1_500, pollMs: 200 },
    log: (line) => say(`  sequencer: ${line}`),
  });
  const traders = await makeTraders(eddsa, signers.slice(1), [
    ["operator", "backstop account 0"],
    ["maker", "market maker"],
    ["alice", "8x long ETH"],
    ["bob", "6x long BTC"],
    ["carol", "short ETH"],
    ["dave", "spectator"],
  ]);
  const [operator, maker, alice, bob, carol, dave] = traders as [Trader, Trader, Trader, Trader, Trader, Trader];
  const nameOf = (index: bigint) => traders.find((t) => t.index === index)?.name ?? `#${index}`;

  // What the proofs guarantee, checked again by the mirror at every verified batch.
  const verified: BatchRecord[] = [];
  let accountBatches = 0;
  let liquidated: bigint[] = [];
  seq.events.on("event", (e: SequencerEvent) => {
    if (e.type === "risk") liquidated = [...liquidated, ...e.liquidations];
    if (e.type !== "batch" || e.status !== "verified") return;
    const record = seq.store.batch(e.number)!;
    verified.push(record);
    const state = seq.verifiedState;
    const markets = contextMarkets(record.context, state);
    for (const [index, account] of state.entries()) {
      if (maintenanceHealth(account, markets) < 0n) throw new Error(`account ${index} is below maintenance margin after batch ${e.number}`);
      accountBatches += 1;
    }
  });
  await seq.start();
  let server = new ApiServer(seq, { port: Number(args.port) });
  const url = await server.listen().catch(async () => {
    server = new ApiServer(seq, { port: 0 });
    return server.listen();
  });
  const api = new SolventClient(url, poseidon);
  say(`sequencer up: API on ${url} (docs/API.md), SQLite store in ${dir}`);

  const ids = new Map<string, bigint>();
  const expiry = BigInt(Math.floor(Date.now() / 1000)) + 86_400n;
  const order = async (t: Trader, market: number, side: Side, size: bigint, limitPrice: bigint, how: { type?: "limit" | "market"; timeInForce?: "GTC" | "IOC" | "POST_ONLY" } = {}) => {
    const id = (ids.get(t.name) ?? 0n) + 1n;
    ids.set(t.name, id);
    const what = `${t.name} ${side === Side.Buy ? "buys" : "sells"} ${fmt(size)} ${MARKETS[market]!.name} lots ${how.type === "market" ? "at market" : `@ ${usd(limitPrice)}`}${how.timeInForce === "POST_ONLY" ? " (post-only)" : ""}`;
    try {
      const ack = await api.submitOrder(t.key, { accountIndex: t.index, market: BigInt(market), side, size, limitPrice, expiry, orderId: id }, how);
      const fills = ack.fills.map((f) => `${fmt(f.size)} @ ${usd(f.price)} from ${nameOf(f.makerAccount)}`);
      say(`API: ${what}: ${ack.status}${fills.length > 0 ? `, filled ${fills.join(", ")} (batch ${ack.fills[0]!.batch})` : ""}`);
      return ack;
    } catch (err) {
      if (!(err instanceof SolventApiError)) throw err;
      say(`API: ${what}: refused, ${err.status} ${err.code} (${err.message.split(": ").slice(1).join(": ")})`);
      return undefined;
    }
  };
  const setPrices = async (prices: readonly bigint[], why: string): Promise<void> => {
    for (const [m, p] of prices.entries()) await chain.pushPrice(m, p);
    say(`oracle: ${prices.map((p, m) => `${MARKETS[m]!.name} ${usd(p)}`).join(", ")} USDC per lot (${why})`);
  };
  const settle = async (): Promise<void> => {
    // Everything cut so far proven and verified on chain.
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const h = await api.health();
      if (h.status === "degraded") throw new Error(`sequencer: ${h.error}`);
      if (h.sealed.length === 0 && (h.open === undefined || h.open.ops === 0)) return;
    }
  };

  // L1: the traders get mock USDC and deposit it; the chain listener credits them in queue order.
  const funding: Array<[Trader, bigint]> = [
    [operator, 5_000n],
    [maker, 20_000n],
    [alice, 500n],
    [bob, 400n],
    [carol, 1_000n],
    [dave, 3_000n],
  ];
  for (const [t, amount] of funding) {
    await (await (system.token as Contract).getFunction("mint")(t.address, amount * USDC)).wait();
    await (await (system.token.connect(t.wallet) as Contract).getFunction("approve")(await system.rollup.getAddress(), amount * USDC)).wait();
    const queued = await chain.connect(t.wallet).deposit(t.key.pub, amount * USDC);
    t.index = queued.position - 1n; // new keys get the lowest empty index, in queue order
  }
  say(`L1: ${funding.length} traders deposited ${funding.map(([t, a]) => `${t.name} ${fmt(a)}`).join(", ")} USDC into the rollup's queue`);
  await setPrices([3_000_000n, 6_000_000n], "ETH 3,000, BTC 60,000");
  await settle();
  say(`deposits credited: ${(await api.health()).accounts} accounts, every one proven on chain`);

  // The market maker quotes; leveraged takers lift the offers with market orders.
  await order(maker, 0, Side.Sell, 3_000n, 3_000_000n, { timeInForce: "POST_ONLY" });
  await order(maker, 1, Side.Sell, 2_000n, 6_000_000n, { timeInForce: "POST_ONLY" });
  const book = await api.book(0, 3);
  say(`book ETH-PERP: asks ${book.asks.map(([p, s]) => `${fmt(s)} @ ${usd(p)}`).join(", ")}`);
  await order(alice, 0, Side.Buy, 1_300n, 3_050_000n, { type: "market" });
  await order(bob, 1, Side.Buy, 420n, 6_100_000n, { type: "market" });
  await settle();

  await setPrices([3_030_000n, 6_060_000n], "+1%");
  const pulled = await api.cancelOrder(maker.key, maker.index, 1n);
  say(`API: maker cancels the rest of its ETH offer (${fmt(pulled.remaining)} lots) and bids instead`);
  await order(maker, 0, Side.Buy, 2_000n, 3_030_000n, { timeInForce: "POST_ONLY" });
  await order(carol, 0, Side.Sell, 600n, 3_000_000n, { type: "market" });
  await order(maker, 0, Side.Sell, 2_000n, 3_040_000n, { timeInForce: "POST_ONLY" });
  // Alice wants to double up: 3,040 USDC more notional needs initial margin she lacks.
  await order(alice, 0, Side.Buy, 1_000n, 3_050_000n, { type: "market" });
  const makerNonce = (await api.account(maker.key, maker.index)).nonce;
  const w = await api.withdraw(maker.key, { accountIndex: maker.index, amount: 2_000n * USDC, l1Address: maker.address, nonce: makerNonce });
  say(`API: maker withdraws 2,000.00 USDC to ${maker.address} (batch ${w.batch})`);
  await settle();
  await claim(maker);

  const crash = [2_700_000n, 5_200_000n];
  const aliceView = await api.account(alice.key, alice.index);
  const liq = aliceView.positions[0]!.liquidation;
  say(`alice's own view (signed read): equity ${usd(aliceView.value)} USDC, ETH ${fmt(aliceView.positions[0]!.size)} lots long, liquidated ${liq?.direction} ${usd(liq?.price ?? 0n)} (${(Number(aliceView.positions[0]!.distanceToLiquidationPpm ?? 0n) / 10_000).toFixed(1)}% away), her leaf and Merkle witness at batch ${aliceView.proven.batch}`);
  await setPrices(crash, "crash: ETH -11%, BTC -14%");
  await settle();
  say(`liquidated: ${liquidated.map(nameOf).join(", ")} (into the backstop, account 0); insurance fund ${usd((await api.health()).insurance)} USDC`);

  await setPrices([2_750_000n, 5_250_000n], "rebound");
  const bid = await api.cancelOrder(maker.key, maker.index, 3n);
  say(`API: maker pulls its ETH bid (${fmt(bid.remaining)} lots left) and offers at the new price`);
  await order(maker, 0, Side.Sell, 1_000n, 2_750_000n, { timeInForce: "POST_ONLY" });
  await order(carol, 0, Side.Buy, 600n, 2_800_000n, { type: "market" });
  const carolNonce = (await api.account(carol.key, carol.index)).nonce;
  const cw = await api.withdraw(carol.key, { accountIndex: carol.index, amount: 1_100n * USDC, l1Address: carol.address, nonce: carolNonce });
  say(`API: carol takes profit and withdraws 1,100.00 USDC (batch ${cw.batch})`);
  await settle();
  await claim(carol);

  await summary(api, seq, verified, accountBatches, nameOf, traders);

  if (args["keep-running"]) {
    say(`--keep-running: the API stays up on ${url} (Ctrl-C stops)`);
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  }
  await server.close();
  await seq.stop();
  await rm(dir, { recursive: true, force: true });

  async function claim(t: Trader): Promise<void> {
    const amount = await chain.claimable(t.address);
    if (amount === 0n) return;
    const receipt = await chain.claim(t.address);
    say(`L1: ${usd(amount)} USDC paid out to ${t.name} (claim, gas ${fmt(receipt.gasUsed)})`);
  }
}

async function summary(api: SolventClient, seq: Sequencer, verified: readonly BatchRecord[], accountBatches: number, nameOf: (i: bigint) => string, traders: readonly Trader[]): Promise<void> {
  // /health compares with the chain listener's last poll: wait for the poll after the last batch.
  let h = await api.health();
  for (let i = 0; i < 50 && h.rootsAgree !== true; i++) {
    await new Promise((r) => setTimeout(r, 100));
    h = await api.health();
  }
  const rows = verified.map((b) => seq.store.batch(b.number)!);
  const sum = (f: (b: BatchRecord) => number) => rows.reduce((s, b) => s + f(b), 0);
  console.log("");
  console.log("summary (funding: each market's index after the batch, micro-USDC per lot)");
  for (const b of rows) {
    const d = b.detail;
    const kinds = ([["deposit", d.deposits], ["trade", d.trades], ["withdrawal", d.withdrawals], ["liquidation", d.liquidations]] as const).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}${n > 1 ? "s" : ""}`);
    const funding = b.context.funding.map((f) => fmt(f)).join(" / ");
    console.log(`  batch ${b.number}: ${(kinds.join(", ") || "maintenance").padEnd(32)} funding ${funding.padEnd(12)}  prove ${secs(d.proveMs ?? 0)}  gas ${fmt(d.gasUsed ?? 0n)}`);
  }
  const avg = (f: (b: BatchRecord) => number) => sum(f) / Math.max(1, rows.length);
  console.log(
    `  ${rows.length} batches verified on chain: ${sum((b) => b.detail.deposits)} deposits, ${sum((b) => b.detail.trades)} trades, ${sum((b) => b.detail.withdrawals)} withdrawals, ` +
      `${sum((b) => b.detail.liquidations)} liquidations; per batch: prove ${secs(avg((b) => b.detail.proveMs ?? 0))}, gas ${fmt(Math.round(avg((b) => Number(b.detail.gasUsed ?? 0n))))} on average`,
  );
  console.log(`  insurance fund ${usd(h.insurance)} USDC, fee pool ${usd(h.fees)} USDC, final root ${short(h.verified.root)} (chain and sequencer agree: ${String(h.rootsAgree)})`);
  const state = seq.verifiedState;
  const last = rows[rows.length - 1]!;
  const markets = contextMarkets(last.context, state);
  console.log(`  equity at the last batch's prices: ${traders.map((t) => `${t.name} ${usd(accountValue(state.account(t.index), markets))}`).join(", ")} USDC`);
  void nameOf;
  const claim =
    `every account was above maintenance margin or liquidated at every batch: each of the ${rows.length} proofs includes the circuit's ` +
    `global root check (YL >= the tree's highest long floor, YS <= its lowest short ceiling: all ${2 ** SHAPE.depth} accounts at once), ` +
    `and MarginRollup verified every one; the TypeScript mirror agrees (${accountBatches} account-batches checked)`;
  for (const line of wrap(claim, 98)) console.log(`  ${line}`);
  console.log(`  ${secs(performance.now() - started)} total`);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  return line.length > 0 ? [...lines, line] : lines;
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  console.error(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  exitCode = 1;
} finally {
  await shutdownProver();
}
process.exit(exitCode);
