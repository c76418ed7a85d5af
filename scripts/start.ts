/**
 * `npm start`: the margin rollup end to end on a local chain. Builds (or reuses) the `margin_demo`
 * circuit, MarginBatch(5, 2, 4, 2), and its development keys; starts Hardhat's in-process chain and
 * deploys MockUSDC, two PriceFeeds, the Poseidon contracts, the exported verifier and MarginRollup;
 * then simulated traders deposit USDC on L1, a market maker and leveraged takers trade, a price
 * crash forces liquidations (one by a signing liquidator, one into the backstop), and withdrawals
 * are paid out on L1. Every batch goes through the sequencer's pipeline (sequencer/pipeline/): the
 * mirror builds it, the contract's public-input view is checked, the circuit proves it, and the
 * contract verifies the proof; contract, TypeScript and circuit roots agree after each.
 */
import hre, { network } from "hardhat";
import type { Contract } from "ethers";
import { MARGIN_DEMO_INSTANCE, MARGIN_DEMO_SHAPE } from "../circuits/instances.js";
import { ensureBuilt } from "../prover/build.js";
import { shutdownProver } from "../prover/prove.js";
import { deploySystem, type ContractArtifact } from "../sequencer/chain/deploy.js";
import { accountsPastBounds, type Op } from "../sequencer/core/batch/index.js";
import { Side } from "../sequencer/core/constants.js";
import { maintenanceHealth } from "../sequencer/core/margin.js";
import { marketContexts } from "../sequencer/core/market.js";
import { CoreState } from "../sequencer/core/state.js";
import { getEddsa } from "../sequencer/crypto/babyjub.js";
import { getPoseidon } from "../sequencer/crypto/poseidon.js";
import { BatchPipeline, type BatchReport, type BatchRequest } from "../sequencer/pipeline/index.js";
import { describeOp, Desk, makeTraders, MARKETS, usd, USDC, type Trader } from "./demo/cast.js";

const started = performance.now();
const fmt = (n: number | bigint): string => n.toLocaleString("en-US");
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;
const short = (x: bigint): string => {
  const hex = x.toString(16).padStart(64, "0");
  return `0x${hex.slice(0, 6)}…${hex.slice(-4)}`;
};

/** Prints one step, prefixed with the time since start. */
function say(line: string): void {
  const at = ((performance.now() - started) / 1000).toFixed(2).padStart(6);
  console.log(`[${at}s] ${line}`);
}

const SHAPE = MARGIN_DEMO_SHAPE;
const MAX_PRICE_AGE = 3_600n;

async function main(): Promise<void> {
  const accounts = 2 ** SHAPE.depth;
  say(`Solvent: MarginBatch(D=${SHAPE.depth}, M=${SHAPE.markets}, T=${SHAPE.opsPerBatch}, K=${SHAPE.slotDepth}), ${accounts} accounts, ${SHAPE.opsPerBatch} operations per batch`);

  say("circuit and development keys: building unless cached (the first run adds about 70 s here)");
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
  let state = CoreState.genesis({ poseidon, depth: SHAPE.depth, markets: SHAPE.markets, slotDepth: SHAPE.slotDepth });
  const { ethers } = await network.create();
  const signers = await ethers.getSigners();
  const source = (name: string) => hre.artifacts.readArtifact(name) as Promise<ContractArtifact>;
  const system = await deploySystem(signers[0]!, source, {
    markets: MARKETS.map((m) => m.params),
    genesisRoot: state.root,
    maxPriceAge: MAX_PRICE_AGE,
    verifier: circuit.contract,
  });
  const client = system.client;
  say(`deployed MockUSDC, 2 PriceFeeds, Poseidon, ${circuit.contract} and MarginRollup on Hardhat's in-process chain (${secs(performance.now() - t0)})`);

  const traders = await makeTraders(eddsa, signers.slice(1), [
    ["operator", "backstop account 0"],
    ["maker", "market maker"],
    ["alice", "8x long ETH"],
    ["bob", "5x long BTC"],
    ["carol", "2x short ETH"],
    ["dave", "liquidator"],
  ]);
  const [operator, maker, alice, bob, carol, dave] = traders as [Trader, Trader, Trader, Trader, Trader, Trader];
  const nameOf = (index: bigint) => traders.find((t) => t.index === index)?.name ?? `#${index}`;
  const desk = new Desk(poseidon, () => BigInt(Math.floor(Date.now() / 1000)) + 86_400n);
  const pipeline = new BatchPipeline({
    client,
    poseidon,
    eddsa,
    circuit: { wasm: circuit.paths.wasm, zkey: circuit.paths.zkey, constraints: circuit.constraints },
    shape: SHAPE,
  });

  const setPrices = async (prices: readonly bigint[], why: string): Promise<void> => {
    for (const [m, p] of prices.entries()) await client.pushPrice(m, p);
    say(`oracle: ${prices.map((p, m) => `${MARKETS[m]!.name} ${usd(p)}`).join(", ")} USDC per lot (${why})`);
  };

  const reports: BatchReport[] = [];
  let accountBatchesChecked = 0;
  const batch = async (title: string, request: BatchRequest = {}): Promise<BatchReport> => {
    const t = performance.now();
    const r = await pipeline.run(state, request, {
      assembled: (b) => {
        const ops = b.included.map(({ op }) => describeOp(op, nameOf));
        const rejected = b.rejected.map((x) => `refused: ${describeOp(x.op, nameOf)} (${x.reason})`);
        say(`batch ${b.view.batchNumber} (${title}): ${[...ops, ...rejected].join("; ")}`);
      },
      proved: (b) => say(`  proved: witness ${secs(b.proof.witnessMs)}, prove ${secs(b.proof.proveMs)} (${fmt(circuit.constraints)} constraints)`),
      submitted: (_, receipt) => say(`  MarginRollup verified the proof and moved its root: gas ${fmt(receipt.gasUsed)}`),
    });
    for (const c of r.claims) say(`  claimed on L1: ${usd(c.amount)} USDC to ${nameOf(traders.find((x) => x.address === c.account)?.index ?? -1n)} (${c.error ?? `gas ${fmt(c.gasUsed ?? 0n)}`})`);
    state = r.state;
    for (const t of traders) {
      const a = state.account(t.index);
      if (!a.isEmpty && (a.pkX !== t.key.pub.x || a.pkY !== t.key.pub.y)) throw new Error(`account ${t.index} is not ${t.name}'s`);
    }
    accountBatchesChecked += everyAccountHealthy(state, r);
    say(`  roots agree: contract == TypeScript == circuit == ${short(r.root)}; insurance ${usd(r.insurance)} USDC, fees ${usd(r.fees)} USDC (${secs(performance.now() - t)})`);
    reports.push(r);
    return r;
  };

  // L1: the traders get mock USDC and deposit it into the rollup's queue.
  t0 = performance.now();
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
    const queued = await client.connect(t.wallet).deposit(t.key.pub, amount * USDC);
    t.index = queued.position - 1n; // the pipeline gives new keys the lowest empty index, in queue order
  }
  say(`L1: ${funding.length} traders deposited ${funding.map(([t, a]) => `${t.name} ${fmt(a)}`).join(", ")} USDC into the queue (${secs(performance.now() - t0)})`);
  await setPrices([3_000_000n, 6_000_000n], "ETH 3,000, BTC 60,000");

  await batch("deposits");

  const ethAsk = desk.order(maker, 0, Side.Sell, 5_000n, 3_000_000n);
  const btcAsk = desk.order(maker, 1, Side.Sell, 2_000n, 6_000_000n);
  await batch("deposits, leveraged longs", {
    ops: [desk.trade(desk.order(alice, 0, Side.Buy, 1_300n, 3_000_000n), ethAsk, 1_300n), desk.trade(desk.order(bob, 1, Side.Buy, 420n, 6_000_000n), btcAsk, 420n)],
  });

  await setPrices([3_030_000n, 6_060_000n], "+1%");
  const ethBid = desk.order(maker, 0, Side.Buy, 2_000n, 3_030_000n);
  await batch("a short, a withdrawal, funding: longs pay", {
    funding: [900n, 1_800n],
    ops: [
      desk.trade(desk.order(carol, 0, Side.Sell, 600n, 3_030_000n), ethBid, 600n),
      desk.withdrawal(state, maker, 2_000n * USDC),
      // Alice wants to double up: 3,030 USDC more notional needs 303 of initial margin she lacks.
      desk.trade(desk.order(alice, 0, Side.Buy, 1_000n, 3_030_000n), desk.order(maker, 0, Side.Sell, 1_000n, 3_030_000n), 1_000n),
    ],
  });

  const crash = [2_700_000n, 5_200_000n];
  await setPrices(crash, "crash: ETH -11%, BTC -14%");
  const params = MARKETS.map((m) => m.params);
  const past = accountsPastBounds(state, params, crash, state.ledger.funding);
  say(`  accounts past their certificate bounds at these prices: ${past.map(nameOf).join(", ")}; the next proof cannot exist unless the batch deals with them`);
  await batch("liquidations", { ops: [desk.liquidation(state, dave, bob)] });

  await setPrices([2_750_000n, 5_250_000n], "rebound");
  const ethAsk2 = desk.order(maker, 0, Side.Sell, 1_000n, 2_750_000n);
  await batch("carol takes profit and withdraws", {
    funding: [1_200n, 1_800n],
    ops: [desk.trade(desk.order(carol, 0, Side.Buy, 600n, 2_750_000n), ethAsk2, 600n), desk.withdrawal(state, carol, 1_100n * USDC)],
  });

  summary(reports, traders, state, accountBatchesChecked);
}

/** The mirror's own check of what each proof's root check guarantees: every account at or above
 * maintenance margin at the batch's prices. Returns the number of accounts checked. */
function everyAccountHealthy(state: CoreState, r: BatchReport): number {
  const markets = marketContexts(
    MARKETS.map((m) => m.params),
    r.prices.map((price, m) => ({ price, fundingOld: state.ledger.funding[m]!, funding: state.ledger.funding[m]! })),
  );
  let n = 0;
  for (const [index, account] of state.entries()) {
    if (maintenanceHealth(account, markets) < 0n) throw new Error(`account ${index} is below maintenance margin after batch ${r.batchNumber}`);
    n += 1;
  }
  return n;
}

function summary(reports: readonly BatchReport[], traders: readonly Trader[], state: CoreState, checked: number): void {
  const total = (k: keyof BatchReport["ops"]) => reports.reduce((n, r) => n + r.ops[k], 0);
  console.log("");
  console.log("summary");
  for (const r of reports) {
    const kinds = ["deposit", "trade", "withdrawal", "liquidation", "recertify"] as const;
    const ops = kinds.filter((k) => r.ops[k] > 0).map((k) => `${r.ops[k]} ${k}${r.ops[k] > 1 ? "s" : ""}`);
    if (r.rejected.length > 0) ops.push(`${r.rejected.length} refused`);
    console.log(`  batch ${r.batchNumber}: ${ops.join(", ").padEnd(36)} witness ${secs(r.witnessMs)}  prove ${secs(r.proveMs)}  gas ${fmt(r.gasUsed)}`);
  }
  const avg = (f: (r: BatchReport) => number) => reports.reduce((s, r) => s + f(r), 0) / reports.length;
  console.log(
    `  ${reports.length} batches verified on chain: ${total("deposit")} deposits, ${total("trade")} trades, ${total("withdrawal")} withdrawals paid on L1, ` +
      `${total("liquidation")} liquidations; per batch: prove ${secs(avg((r) => r.proveMs))}, gas ${fmt(Math.round(avg((r) => Number(r.gasUsed))))} on average`,
  );
  const last = reports[reports.length - 1]!;
  console.log(`  insurance fund ${usd(last.insurance)} USDC, fee pool ${usd(last.fees)} USDC, final root ${short(last.root)}`);
  console.log(`  accounts: ${traders.map((t) => `${t.name} ${usd(state.account(t.index).collateral)}`).join(", ")} USDC collateral`);
  const claim =
    `every account was above maintenance margin or liquidated at every batch: each of the ${reports.length} proofs includes the circuit's ` +
    `global root check (YL >= the tree's highest long floor, YS <= its lowest short ceiling: all ${2 ** SHAPE.depth} accounts at once), ` +
    `and MarginRollup verified every one; the TypeScript mirror agrees (${checked} account-batches checked)`;
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
  console.error(`error: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  exitCode = 1;
} finally {
  await shutdownProver();
}
process.exit(exitCode);
