/**
 * MarginRollup.submitBatch with real Groth16 proofs (the PublicEcho stand-in for the margin batch
 * circuit, M = 2) on Hardhat's in-process chain: the contract builds the verifier input from its own
 * state in publicSignalNames order; a valid batch moves every piece of state; a proof made for any
 * other input, a tampered submission, a changed parameter set or a replay is refused and moves
 * nothing; withdrawals are credited and paid exactly once, and a token that refuses one recipient
 * stops neither the batch nor the other claims.
 */
import { readFile } from "node:fs/promises";
import type { Contract, Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VerificationKey } from "../prover/prove.js";
import { publicSignalNames } from "../sequencer/core/constants.js";
import { getPoseidon } from "../sequencer/crypto/poseidon.js";
import type { DeployedSystem } from "../sequencer/chain/deploy.js";
import { namePublicInputs } from "../sequencer/chain/publicInputs.js";
import type { BatchSubmission, WithdrawalRequest } from "../sequencer/chain/types.js";
import { defaultBatch, expectRefused, proveAltered, proveBatch, snapshot, type BatchContext, type ProvenBatch } from "./helpers/batches.js";
import { ERRORS_REACHED_BY } from "./helpers/errorCoverage.js";
import {
  MARKETS,
  buildEchoCircuits,
  deployEchoSystem,
  expectRevert,
  newChain,
  proveEcho,
  reachedErrors,
  transact,
  type Chain,
  type EchoCircuits,
} from "./helpers/marginChain.js";
import { testKeys } from "./helpers/core.js";

const M = 2;
let circuits: EchoCircuits;
let chain: Chain;
let system: DeployedSystem;
let ctx: BatchContext;
let users: Signer[];
let addr: string[];

beforeAll(async () => {
  circuits = await buildEchoCircuits([M]);
  chain = await newChain();
  system = await deployEchoSystem(circuits, chain, M);
  ctx = { client: system.client, poseidon: await getPoseidon(), circuit: circuits.byMarkets.get(M)!, markets: M, now: chain.now };
  users = chain.signers.slice(1, 5);
  addr = await Promise.all(users.map((u) => u.getAddress()));
  const keys = await testKeys(2);
  for (const [i, u] of users.slice(0, 2).entries()) {
    await transact(system.token, "mint", [addr[i], 10_000_000n], []);
    await system.client.connect(u).deposit(keys[i]!, 4_000_000n);
  }
  await system.client.pushPrice(0, 2_000_000n);
  await system.client.pushPrice(1, 31_000n);
});

afterAll(() => circuits.cleanup());

const tokenBalance = async (who: string): Promise<bigint> => BigInt(await system.token.getFunction("balanceOf")(who));

describe("public inputs", () => {
  it("13 + 3M of them: the contract's count, publicSignalNames(M) and the verifying key agree", async () => {
    const vkey = JSON.parse(await readFile(ctx.circuit.paths.vkey, "utf8")) as VerificationKey;
    expect(BigInt(await system.rollup.getFunction("publicInputCount")())).toBe(BigInt(publicSignalNames(M).length));
    expect(vkey.nPublic).toBe(13 + 3 * M);
  });
});

describe("submitBatch with real proofs", () => {
  let batch1: ProvenBatch;
  let batch2: ProvenBatch;

  it("accepts batch 1 and moves every piece of state", async () => {
    batch1 = await proveBatch(ctx, await defaultBatch(ctx, { funding: [-7n, 12n], depositsThrough: 1n }));
    const submitted = await system.client.submitBatch(batch1.batch, batch1.proof);
    expect(submitted.batchNumber).toBe(1n);
    expect([submitted.newRoot, submitted.withdrawHash]).toEqual([batch1.batch.newRoot, 0n]);
    const [verified] = await system.rollup.queryFilter(system.rollup.filters.BatchVerified!(1n));
    const args = (verified as unknown as { args: unknown[] }).args;
    expect([...args]).toEqual([1n, batch1.batch.newRoot, 0n]); // batch number, new root, withdrawHash
    const b = batch1.batch;
    expect(await snapshot(system.client, M)).toEqual([
      b.newRoot,
      1n,
      b.timestamp,
      1n,
      b.insuranceNew,
      b.feesNew,
      batch1.named.paramsHash,
      -7n,
      b.roundIds[0],
      12n,
      b.roundIds[1],
    ]);
    expect(batch1.named.depositHashOld).toBe(0n);
    expect(batch1.named.depositHashNew).toBe(await system.client.depositChainAt(1n));
  });

  it("builds batch 2's inputs from state: distinct values, each in its publicSignalNames place", async () => {
    await system.client.pushPrice(0, 2_100_000n);
    await chain.advance(30n);
    const withdrawals: WithdrawalRequest[] = [
      { account: addr[0]!, amount: 1_000n },
      { account: addr[1]!, amount: 2_000n },
      { account: addr[0]!, amount: 500n },
      { account: addr[2]!, amount: 700n },
    ];
    batch2 = await proveBatch(ctx, await defaultBatch(ctx, { withdrawals, liquidations: 3n }));
    expect(new Set(batch2.ordered).size).toBe(batch2.ordered.length);
    const named = namePublicInputs(batch2.ordered, M);
    expect(named).toEqual(batch2.named);
    expect(named.oldRoot).toBe(batch1.batch.newRoot);
    expect(named.batchNumber).toBe(2n);
    expect(named.price).toEqual([2_100_000n, 31_000n]);
    expect(named.fundingOld).toEqual([-7n, 12n]);
    expect(named.depositHashOld).toBe(batch1.named.depositHashNew);
    expect(named.insuranceOld).toBe(batch1.batch.insuranceNew);
    expect(named.feesOld).toBe(batch1.batch.feesNew);
  });

  it("refuses proofs made for any other public input: every one of the 13 + 3M positions", async () => {
    for (let i = 0; i < batch2.ordered.length; i++) {
      await expectRefused(ctx, batch2.batch, await proveAltered(ctx, batch2.ordered, i), "InvalidProof");
    }
  });

  it("refuses the proof with any submitted value tampered", async () => {
    const b = batch2.batch;
    const w = b.withdrawals;
    const otherRound = b.roundIds[0]! - 1n; // an older but valid round with another price
    const variants: Array<[string, Partial<BatchSubmission>]> = [
      ["newRoot", { newRoot: b.newRoot + 1n }],
      ["timestamp", { timestamp: b.timestamp - 1n }],
      ["roundIds", { roundIds: [otherRound, b.roundIds[1]!] }],
      ["funding", { funding: [b.funding[0]!, b.funding[1]! + 1n] }],
      ["depositsThrough", { depositsThrough: b.depositsThrough - 1n }],
      ["withdrawal amount", { withdrawals: [{ ...w[0]!, amount: w[0]!.amount + 1n }, ...w.slice(1)] }],
      ["withdrawal account", { withdrawals: [{ ...w[0]!, account: addr[3]! }, ...w.slice(1)] }],
      ["withdrawal order", { withdrawals: [w[1]!, w[0]!, ...w.slice(2)] }],
      ["withdrawal dropped", { withdrawals: w.slice(0, -1) }],
      ["withdrawal added", { withdrawals: [...w, w[0]!] }],
      ["insuranceNew", { insuranceNew: b.insuranceNew + 1n }],
      ["feesNew", { feesNew: b.feesNew - 1n }],
      ["liquidations", { liquidations: 0n }],
    ];
    for (const [what, patch] of variants) {
      const tampered = { ...b, ...patch };
      expect(await system.client.publicInputs(tampered), what).not.toEqual(batch2.ordered);
      await expectRefused(ctx, tampered, batch2.proof, "InvalidProof");
    }
    const [x, y] = batch2.proof.c;
    await expectRefused(ctx, b, { ...batch2.proof, c: [y, x] }, "InvalidProof");
    await expectRefused(ctx, b, { ...batch2.proof, a: batch1.proof.a }, "InvalidProof");
  });

  it("refuses a proof made before a parameter change: new parameters bind the next batch", async () => {
    await system.client.setMarketParams(0, { ...MARKETS[0]!, fee: 999n });
    await expectRefused(ctx, batch2.batch, batch2.proof, "InvalidProof");
    await system.client.setMarketParams(0, MARKETS[0]!);
    expect(await system.client.publicInputs(batch2.batch)).toEqual(batch2.ordered);
  });

  it("accepts batch 2 although the token blocks one recipient, and credits the withdrawals", async () => {
    await transact(system.token, "setBlocked", [addr[2], true], []);
    await system.client.submitBatch(batch2.batch, batch2.proof);
    expect(await system.client.stateRoot()).toBe(batch2.batch.newRoot);
    expect(await system.client.batchCount()).toBe(2n);
    expect(await system.client.claimable(addr[0]!)).toBe(1_500n);
    expect(await system.client.claimable(addr[1]!)).toBe(2_000n);
    expect(await system.client.claimable(addr[2]!)).toBe(700n);
    const credited = await system.rollup.queryFilter(system.rollup.filters.WithdrawalCredited!(2n));
    const args = credited.map((e) => (e as unknown as { args: { account: string; amount: bigint } }).args);
    expect(args.map((a) => [a.account, a.amount])).toEqual(batch2.batch.withdrawals.map((x) => [x.account, x.amount]));
  });

  it("rejects replays of applied batches", async () => {
    await expectRefused(ctx, batch2.batch, batch2.proof, "InvalidProof");
    await expectRefused(ctx, batch1.batch, batch1.proof, "BatchTimestampBeforePrevious");
    // Batch 1 at batch 2's time: every check but the proof passes, and the proof fails.
    await expectRefused(ctx, { ...batch1.batch, timestamp: batch2.batch.timestamp, roundIds: batch2.batch.roundIds, depositsThrough: batch2.batch.depositsThrough }, batch1.proof, "InvalidProof");
  });

  it("rejects a valid proof made for another batch number", async () => {
    const next = await defaultBatch(ctx);
    const named = await proveBatch(ctx, next);
    const index = publicSignalNames(M).indexOf("batchNumber");
    const altered = [...named.ordered];
    altered[index] = 4n; // batch 3 is next
    await expectRefused(ctx, next, await proveEcho(ctx.circuit, M, altered), "InvalidProof");
    await system.client.submitBatch(next, named.proof);
    expect(await system.client.batchCount()).toBe(3n);
  });
});

describe("claims", () => {
  it("pay each credit exactly once, to the withdrawal's L1 address", async () => {
    const [a, b] = [addr[0]!, addr[1]!];
    const before = await tokenBalance(a);
    await system.client.connect(users[3]!).claim(a); // anyone may trigger the payment to `a`
    expect((await tokenBalance(a)) - before).toBe(1_500n);
    expect(await system.client.claimable(a)).toBe(0n);
    await expectRevert(system.client.claim(a), "NothingToClaim");
    await expectRevert(system.client.connect(users[0]!).claimWithdrawal(), "NothingToClaim");

    const beforeB = await tokenBalance(b);
    await system.client.connect(users[1]!).claimWithdrawal();
    expect((await tokenBalance(b)) - beforeB).toBe(2_000n);
    await expectRevert(system.client.connect(users[1]!).claimWithdrawal(), "NothingToClaim");
  });

  it("a recipient the token refuses keeps its credit and can redirect it; nobody else is stopped", async () => {
    const [c, d] = [addr[2]!, addr[3]!];
    const refused = await expectRevert(system.client.claim(c), "TokenTransferFailed");
    expect(refused.inner?.errorName).toBe("ERC20Blocked");
    expect(await system.client.claimable(c)).toBe(700n);
    const before = await tokenBalance(d);
    await system.client.connect(users[2]!).claimWithdrawal(d);
    expect((await tokenBalance(d)) - before).toBe(700n);
    await expectRevert(system.client.claim(c), "NothingToClaim");
    const claimed = await system.rollup.queryFilter(system.rollup.filters.WithdrawalClaimed!());
    const args = claimed.map((e) => (e as unknown as { args: { account: string; recipient: string; amount: bigint } }).args);
    expect(args.map((x) => [x.account, x.recipient, x.amount])).toEqual([
      [addr[0], addr[0], 1_500n],
      [addr[1], addr[1], 2_000n],
      [c, d, 700n],
    ]);
    await transact(system.token as Contract, "setBlocked", [c, false], []);
  });

  it("reached every error on this suite's list", () => {
    expect(ERRORS_REACHED_BY.batch.filter((e) => !reachedErrors.has(e))).toEqual([]);
  });
});
