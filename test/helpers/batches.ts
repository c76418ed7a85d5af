/**
 * Batches for the chain-side tests: a submission with sensible defaults read from the chain, its
 * expected public inputs (from chain state, in publicSignalNames order), a real PublicEcho proof of
 * them, and a snapshot of every piece of rollup state, to show a refused batch moved nothing.
 */
import { expect } from "vitest";
import type { BuiltInstance } from "../../prover/build.js";
import type { SolidityCalldata } from "../../prover/prove.js";
import { SNARK_FIELD_SIZE } from "../../sequencer/crypto/field.js";
import type { Poseidon } from "../../sequencer/crypto/poseidon.js";
import type { MarginRollupClient } from "../../sequencer/chain/client.js";
import type { ChainErrorName } from "../../sequencer/chain/errors.js";
import { expectedPublicInputs, orderPublicInputs, type MarginPublicInputs } from "../../sequencer/chain/publicInputs.js";
import type { BatchSubmission } from "../../sequencer/chain/types.js";
import { expectRevert, proveEcho } from "./marginChain.js";

export interface BatchContext {
  readonly client: MarginRollupClient;
  readonly poseidon: Poseidon;
  readonly circuit: BuiltInstance;
  readonly markets: number;
  now(): Promise<bigint>;
}

let rootCounter = 0n;

/** A batch at the latest block time on the latest rounds, consuming the whole queue. */
export async function defaultBatch(ctx: BatchContext, patch: Partial<BatchSubmission> = {}): Promise<BatchSubmission> {
  const { client, markets } = ctx;
  const perMarket = <T>(f: (m: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: markets }, (_, m) => f(m)));
  rootCounter += 1n;
  return {
    newRoot: 0xabcdef00n + rootCounter,
    timestamp: await ctx.now(),
    roundIds: await perMarket(async (m) => (await client.latestPriceRound(m)).roundId),
    funding: await perMarket(async (m) => (await client.fundingIndex(m)) - 3n * BigInt(m + 1)),
    depositsThrough: await client.depositCount(),
    withdrawals: [],
    insuranceNew: (await client.insuranceFund()) + 11n,
    feesNew: (await client.feePool()) + 5n,
    liquidations: 1n,
    ...patch,
  };
}

export interface ProvenBatch {
  readonly batch: BatchSubmission;
  readonly named: MarginPublicInputs;
  readonly ordered: bigint[];
  readonly proof: SolidityCalldata;
}

/** The expected public inputs from chain state, checked against the contract's own builder, and
 * a real proof of them. */
export async function proveBatch(ctx: BatchContext, batch: BatchSubmission): Promise<ProvenBatch> {
  const named = await expectedPublicInputs(ctx.client, ctx.poseidon, batch);
  const ordered = orderPublicInputs(named);
  expect(await ctx.client.publicInputs(batch)).toEqual(ordered);
  return { batch, named, ordered, proof: await proveEcho(ctx.circuit, ctx.markets, ordered) };
}

/** A proof of `ordered` with position `index` changed: made for other public inputs. */
export async function proveAltered(ctx: BatchContext, ordered: readonly bigint[], index: number): Promise<SolidityCalldata> {
  const altered = [...ordered];
  altered[index] = (altered[index]! + 1n) % SNARK_FIELD_SIZE;
  return proveEcho(ctx.circuit, ctx.markets, altered);
}

/** Every piece of rollup state a batch may move. */
export async function snapshot(client: MarginRollupClient, markets: number): Promise<bigint[]> {
  const per = await Promise.all(
    Array.from({ length: markets }, async (_, m) => [await client.fundingIndex(m), await client.lastRoundId(m)]),
  );
  return [
    await client.stateRoot(),
    await client.batchCount(),
    await client.lastBatchTimestamp(),
    await client.depositsConsumed(),
    await client.insuranceFund(),
    await client.feePool(),
    await client.paramsHash(),
    ...per.flat(),
  ];
}

/** Expects `submitBatch(batch, proof)` to fail with `name`, and the state not to move. */
export async function expectRefused(
  ctx: BatchContext,
  batch: BatchSubmission,
  proof: SolidityCalldata,
  name: ChainErrorName,
): Promise<void> {
  const before = await snapshot(ctx.client, ctx.markets);
  await expectRevert(ctx.client.submitBatch(batch, proof), name);
  expect(await snapshot(ctx.client, ctx.markets)).toEqual(before);
}
