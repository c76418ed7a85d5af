/**
 * The margin rollup end to end with the real `margin_test` circuit (MarginBatch(4, 2, 2, 2)), its
 * development-ceremony keys and exported verifier, behind MarginRollup with MockUSDC, two PriceFeeds
 * and the circomlibjs Poseidon contracts on Hardhat's in-process chain, driven by the sequencer's
 * batch pipeline: L1 deposits consumed from the chain's queue in order, trades, a withdrawal paid
 * out on L1, a price crash whose liquidation the batch is forced to include. After every batch the
 * contract's root, the TypeScript root and the circuit's public output agree, and so do the funds.
 * Then the real proof against the contract's other defences: a stale oracle round, a deposit
 * position off by one either way, a replay.
 */
import { getAddress, type Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MARGIN_TEST_SHAPE } from "../circuits/instances.js";
import { shutdownProver } from "../prover/prove.js";
import type { DeployedSystem } from "../sequencer/chain/deploy.js";
import { deploySystem } from "../sequencer/chain/deploy.js";
import { publicSignalNames, Side } from "../sequencer/core/constants.js";
import { maintenanceHealth } from "../sequencer/core/margin.js";
import { marketContexts } from "../sequencer/core/market.js";
import { signWithdrawal, type Order } from "../sequencer/core/order.js";
import { CoreState } from "../sequencer/core/state.js";
import { BatchPipeline, type BatchReport, type BatchRequest, type ProvenBatch } from "../sequencer/pipeline/index.js";
import { coreKit, counterSalt, signed, type CoreKit } from "./helpers/core.js";
import { compileRollupContracts, expectRevert, MARKETS, MAX_PRICE_AGE, newChain, transact, type Chain } from "./helpers/marginChain.js";

const circuit = inject("marginTest");
const SHAPE = MARGIN_TEST_SHAPE;
const M = SHAPE.markets;
const PARAMS = MARKETS.slice(0, M);
const USDC = 1_000_000n;
/** Prices in quote micro-units per lot: 2 USDC and 0.031 USDC. */
const P0 = 2_000_000n;
const P1 = 31_000n;
const SIGNALS = publicSignalNames(M);
const signal = (signals: readonly bigint[], name: string): bigint => signals[SIGNALS.indexOf(name)]!;

/** Roles: key index = account index the default deposit policy gives them (first come, lowest index). */
const OPERATOR = 0; // the backstop account 0
const ALICE = 1; // leveraged taker
const BOB = 2; // market maker
const CAROL = 3;
const DAVE = 4;

let kit: CoreKit;
let chain: Chain;
let system: DeployedSystem;
let pipeline: BatchPipeline;
let l1: Signer[]; // L1 wallets by role
let l1Addr: string[];
let state: CoreState;

beforeAll(async () => {
  kit = await coreKit(5);
  const { source } = await compileRollupContracts([circuit.paths.verifier]);
  chain = await newChain();
  state = CoreState.genesis({ poseidon: kit.poseidon, depth: SHAPE.depth, markets: M, slotDepth: SHAPE.slotDepth });
  system = await deploySystem(chain.signers[0]!, source, { markets: PARAMS, genesisRoot: state.root, maxPriceAge: MAX_PRICE_AGE, verifier: circuit.contract });
  pipeline = new BatchPipeline({
    client: system.client,
    poseidon: kit.poseidon,
    eddsa: kit.eddsa,
    circuit: { wasm: circuit.paths.wasm, zkey: circuit.paths.zkey, constraints: circuit.constraints },
    shape: SHAPE,
    salt: counterSalt(),
  });
  l1 = chain.signers.slice(1, 6);
  l1Addr = await Promise.all(l1.map((s) => s.getAddress()));
  for (const a of l1Addr) await transact(system.token, "mint", [a, 10_000n * USDC], []);
  await system.client.pushPrice(0, P0);
  await system.client.pushPrice(1, P1);
});

afterAll(async () => {
  await shutdownProver();
});

const tokenBalance = async (who: string): Promise<bigint> => BigInt(await system.token.getFunction("balanceOf")(who));
const depositFrom = (role: number, amount: bigint) => system.client.connect(l1[role]!).deposit(kit.keys[role]!.pub, amount);

async function order(role: number, market: bigint, side: Side, size: bigint, limitPrice: bigint, orderId: bigint) {
  const o: Order = { accountIndex: BigInt(role), market, side, size, limitPrice, expiry: (await chain.now()) + 86_400n, orderId };
  return signed(kit, role, o);
}

/** Runs one batch through the pipeline and checks, independently of it, contract == TypeScript == circuit. */
async function batch(request: BatchRequest = {}): Promise<BatchReport> {
  const report = await pipeline.run(state, request);
  state = report.state;
  expect(await system.client.stateRoot()).toBe(state.root);
  expect(signal(report.publicSignals, "newRoot")).toBe(state.root);
  expect(await system.client.batchCount()).toBe(state.ledger.batchCount);
  expect(signal(report.publicSignals, "batchNumber")).toBe(state.ledger.batchCount);
  expect(await system.client.insuranceFund()).toBe(state.ledger.insurance);
  expect(await system.client.feePool()).toBe(state.ledger.fees);
  expect(await system.client.depositsConsumed()).toBe(state.ledger.depositCount);
  return report;
}

describe("the margin rollup with real proofs on chain", () => {
  it("batch 1 consumes the L1 deposit queue in order, as far as the batch has slots", async () => {
    await depositFrom(OPERATOR, 1_000n * USDC);
    await depositFrom(ALICE, 100n * USDC);
    await depositFrom(BOB, 100n * USDC); // T = 2: waits for batch 2
    const r = await batch();
    expect(r.ops).toMatchObject({ deposit: 2, noop: 0 });
    expect(r.depositsThrough).toBe(2n);
    expect(r.included.map(({ op }) => (op.kind === "deposit" ? op.index : -1n))).toEqual([0n, 1n]);
    expect(state.account(0n).collateral).toBe(1_000n * USDC);
    expect(state.account(1n).pkX).toBe(kit.keys[ALICE]!.pub.x);
    expect(await system.client.depositCount()).toBe(3n);
  });

  it("refuses to build on a state the chain does not hold", async () => {
    const stale = CoreState.genesis({ poseidon: kit.poseidon, depth: SHAPE.depth, markets: M, slotDepth: SHAPE.slotDepth });
    await expect(pipeline.assemble(stale)).rejects.toMatchObject({ name: "PipelineError", code: "OutOfSync" });
  });

  it("batch 2 credits the next deposit and fills a leveraged trade between two signed orders", async () => {
    const taker = await order(ALICE, 0n, Side.Buy, 400n, P0, 1n);
    const maker = await order(BOB, 0n, Side.Sell, 1_000n, P0, 1n);
    const r = await batch({ ops: [{ kind: "trade", taker, maker, fill: 400n, price: P0 }] });
    expect(r.ops).toMatchObject({ deposit: 1, trade: 1 });
    expect(r.rejected).toEqual([]);
    expect(state.account(1n).size).toEqual([400n, 0n]);
    expect(state.account(2n).size).toEqual([-400n, 0n]);
    const fee = (400n * P0 * PARAMS[0]!.fee) / 1_000_000n; // exact here: 0.4 USDC per side
    expect(r.fees).toBe(2n * fee);
    expect(state.account(1n).collateral).toBe(100n * USDC - 400n * P0 - fee);
  });

  it("batch 3 moves funding, pays a signed withdrawal out on L1 exactly once, and refuses an over-leveraged trade", async () => {
    const bob = state.account(2n);
    const amount = 10n * USDC;
    const sig = signWithdrawal(kit.poseidon, kit.keys[BOB]!, { accountIndex: 2n, amount, l1Address: BigInt(l1Addr[BOB]!), nonce: bob.nonce });
    const greedy = {
      kind: "trade" as const,
      // 620 USDC of notional needs 37.2 USDC of initial margin; Alice has about 19 USDC to spare.
      taker: await order(ALICE, 1n, Side.Buy, 20_000n, P1, 2n),
      maker: await order(BOB, 1n, Side.Sell, 20_000n, P1, 2n),
      fill: 20_000n,
      price: P1,
    };
    const before = await tokenBalance(l1Addr[BOB]!);
    const r = await batch({
      funding: [1_000n, 0n], // longs pay 1,000 micro-units per lot
      ops: [{ kind: "withdrawal", index: 2n, amount, l1Address: BigInt(l1Addr[BOB]!), nonce: bob.nonce, sig }, greedy],
    });
    expect(r.ops).toMatchObject({ withdrawal: 1, trade: 0, noop: 1 });
    expect(r.rejected.map((x) => x.reason)).toEqual(["InsufficientMargin"]);
    expect(signal(r.publicSignals, "funding[0]")).toBe(1_000n);
    expect(state.account(1n).funding).toEqual([0n, 0n]); // untouched: settles when next touched
    expect(r.claims).toEqual([{ account: getAddress(l1Addr[BOB]!), amount, gasUsed: r.claims[0]!.gasUsed }]);
    expect((await tokenBalance(l1Addr[BOB]!)) - before).toBe(amount);
    expect(await system.client.claimable(l1Addr[BOB]!)).toBe(0n);
    await expectRevert(system.client.claim(l1Addr[BOB]!), "NothingToClaim");
    expect(state.account(2n).nonce).toBe(bob.nonce + 1n);
  });

  it("batch 4: a price crash puts the taker below maintenance; the batch must liquidate it into the backstop", async () => {
    await system.client.pushPrice(0, 1_800_000n); // -10%
    await depositFrom(CAROL, 50n * USDC);
    const insuranceBefore = state.ledger.insurance;
    const r = await batch();
    expect(r.ops).toMatchObject({ deposit: 1, liquidation: 1 });
    expect(r.included.map((x) => x.origin)).toEqual(["queue", "maintenance"]);
    expect(r.liquidations).toEqual([{ liquidated: 1n, receiver: 0n }]);
    expect(signal(r.publicSignals, "liquidations")).toBe(1n);
    // The penalty, 2% of the 720 USDC notional, went to the insurance fund.
    const penalty = (400n * 1_800_000n * PARAMS[0]!.penalty) / 1_000_000n;
    expect(r.insurance - insuranceBefore).toBe(penalty);
    expect(state.account(1n).size).toEqual([0n, 0n]);
    expect(state.account(0n).size).toEqual([400n, 0n]);
    // Every account is above maintenance at the batch's prices: the proof's root check says so.
    const markets = marketContexts(PARAMS, [
      { price: 1_800_000n, fundingOld: 1_000n, funding: 1_000n },
      { price: P1, fundingOld: 0n, funding: 0n },
    ]);
    for (const [, account] of state.entries()) expect(maintenanceHealth(account, markets) >= 0n).toBe(true);
  });

  it("the real proof is refused when its oracle round is stale at the batch time", async () => {
    await chain.advance(MAX_PRICE_AGE + 10n);
    await depositFrom(DAVE, 20n * USDC);
    await depositFrom(CAROL, 5n * USDC);
    const assembled = await pipeline.assemble(state);
    await expectRevert(pipeline.checkAgainstContract(assembled), "StalePriceRound");
    const proven = await pipeline.prove(assembled); // the circuit itself has no notion of time
    await expectRevert(system.client.submitBatch(proven.submission, proven.calldata), "StalePriceRound");
    expect(await system.client.stateRoot()).toBe(state.root);
  });

  let batch5: ProvenBatch;

  it("the real proof is refused when its deposit position is off by one either way, and accepted as made", async () => {
    await system.client.pushPrice(0, 1_800_000n);
    await system.client.pushPrice(1, P1);
    batch5 = await pipeline.prove(await pipeline.assemble(state));
    expect(batch5.submission.depositsThrough).toBe(6n);
    await depositFrom(DAVE, 1n * USDC); // position 7 exists, so "through 7" is a valid position
    const { submission, calldata } = batch5;
    await expectRevert(system.client.submitBatch({ ...submission, depositsThrough: 5n }, calldata), "InvalidProof");
    await expectRevert(system.client.submitBatch({ ...submission, depositsThrough: 7n }, calldata), "InvalidProof");
    const receipt = await pipeline.submit(batch5);
    state = batch5.sealed.state;
    expect(receipt.gasUsed).toBeGreaterThan(0n);
    expect(await system.client.stateRoot()).toBe(state.root);
    expect(signal(batch5.proof.publicSignals, "newRoot")).toBe(state.root);
    expect(state.account(4n).collateral).toBe(20n * USDC);
    expect(state.account(3n).collateral).toBe(55n * USDC);
  });

  it("the real proof is refused when replayed", async () => {
    await expectRevert(system.client.submitBatch(batch5.submission, batch5.calldata), "InvalidProof");
    expect(await system.client.batchCount()).toBe(5n);
  });
});
