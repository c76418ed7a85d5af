/**
 * The checks MarginRollup makes before it verifies a batch (timestamps, oracle rounds, funding and
 * amount ranges, deposit positions, market count), each at its edge: the value just inside is
 * accepted by the contract's input builder, the value just outside is refused with its named error
 * and moves nothing. Also: the same contract works for M = 1, 2, 3, and a verifier for another
 * circuit is refused.
 */
import { readFile } from "node:fs/promises";
import type { Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SolidityCalldata, VerificationKey } from "../prover/prove.js";
import { SNARK_Q as BASE_FIELD, verifyingKeyWords } from "../prover/verifierGen.js";
import { FUNDING_BITS, publicSignalNames } from "../sequencer/core/constants.js";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { deployContract, rollupConfigToContract, type DeployedSystem } from "../sequencer/chain/deploy.js";
import type { BatchSubmission } from "../sequencer/chain/types.js";
import { defaultBatch, expectRefused, proveAltered, proveBatch, type BatchContext } from "./helpers/batches.js";
import { ERRORS_REACHED_BY } from "./helpers/errorCoverage.js";
import {
  MAX_PRICE_AGE,
  buildEchoCircuits,
  deployEchoSystem,
  expectRevert,
  newChain,
  proveEcho,
  reachedErrors,
  transact,
  tryDeploy,
  type Chain,
  type EchoCircuits,
} from "./helpers/marginChain.js";
import { testKeys } from "./helpers/core.js";

let circuits: EchoCircuits;
let chain: Chain;
let poseidon: Poseidon;

beforeAll(async () => {
  circuits = await buildEchoCircuits([1, 2, 3]);
  chain = await newChain();
  poseidon = await getPoseidon();
});

afterAll(() => circuits.cleanup());

async function setUp(markets: number): Promise<{ system: DeployedSystem; ctx: BatchContext }> {
  const system = await deployEchoSystem(circuits, chain, markets);
  const ctx = { client: system.client, poseidon, circuit: circuits.byMarkets.get(markets)!, markets, now: chain.now };
  const depositor = chain.signers[1] as Signer;
  await transact(system.token, "mint", [await depositor.getAddress(), 1_000_000n], []);
  for (const key of await testKeys(2)) await system.client.connect(depositor).deposit(key, 100_000n);
  for (let m = 0; m < markets; m++) {
    await system.client.pushPrice(m, 1_000n * BigInt(m + 1));
    await system.client.pushPrice(m, 1_100n * BigInt(m + 1));
  }
  return { system, ctx };
}

describe("the same contract for M = 1, 2, 3", () => {
  for (const markets of [1, 2, 3]) {
    it(`M = ${markets}: ${13 + 3 * markets} public inputs, a real batch accepted`, async () => {
      const { system, ctx } = await setUp(markets);
      const proven = await proveBatch(ctx, await defaultBatch(ctx, { withdrawals: [{ account: await chain.signers[2]!.getAddress(), amount: 9n }] }));
      expect(proven.ordered.length).toBe(13 + 3 * markets);
      const submitted = await system.client.submitBatch(proven.batch, proven.proof);
      expect(submitted.withdrawHash).toBe(proven.named.withdrawHash);
      expect(await system.client.stateRoot()).toBe(proven.batch.newRoot);
    });
  }

  it("a verifier for another circuit (other number of public inputs) gives no usable key: refused at deployment", async () => {
    const { system } = await setUp(2);
    const wrong = await deployContract(chain.signers[0]!, circuits.source, circuits.byMarkets.get(1)!.contract);
    const config = { ...system.config, verifier: await wrong.getAddress() };
    await expectRevert(tryDeploy(circuits, chain.signers[0]!, "MarginRollup", [rollupConfigToContract(config)]), "VerifierCallFailed");
    // A contract without verifyingKey() (the token) is refused the same way.
    const noKey = { ...system.config, verifier: await system.token.getAddress() };
    await expectRevert(tryDeploy(circuits, chain.signers[0]!, "MarginRollup", [rollupConfigToContract(noKey)]), "VerifierCallFailed");
  });
});

describe("the inline verifier (M = 2)", () => {
  let system: DeployedSystem;
  let ctx: BatchContext;
  let proven: Awaited<ReturnType<typeof proveBatch>>;
  let other: EchoCircuits;

  beforeAll(async () => {
    ({ system, ctx } = await setUp(2));
    proven = await proveBatch(ctx, await defaultBatch(ctx, { withdrawals: [{ account: await chain.signers[2]!.getAddress(), amount: 5n }] }));
    other = await buildEchoCircuits([2]); // the same circuit, keys from another (random) setup
  });

  afterAll(() => other?.cleanup());

  it("holds the key of the verifier it was deployed with", async () => {
    const words = (await system.verifier.getFunction("verifyingKey")()) as bigint[];
    const vkey = JSON.parse(await readFile(ctx.circuit.paths.vkey, "utf8")) as VerificationKey;
    expect(words.map(BigInt)).toEqual(verifyingKeyWords(vkey));
    expect(await system.rollup.getFunction("verifier")()).toBe(await system.verifier.getAddress());
  });

  it("refuses a proof of the same inputs made under another key", async () => {
    const foreign = await proveEcho(other.byMarkets.get(2)!, 2, proven.ordered);
    await expectRefused(ctx, proven.batch, foreign, "InvalidProof");
  });

  it("refuses a proof made for a tampered public input, and a tampered submission", async () => {
    const index = publicSignalNames(2).indexOf("withdrawHash");
    await expectRefused(ctx, proven.batch, await proveAltered(ctx, proven.ordered, index), "InvalidProof");
    await expectRefused(ctx, { ...proven.batch, liquidations: proven.batch.liquidations + 1n }, proven.proof, "InvalidProof");
  });

  it("refuses malformed points: off the curve, coordinates outside the base field, B not in G2", async () => {
    const { a, b, c } = proven.proof;
    const variants: SolidityCalldata[] = [
      { ...proven.proof, a: [1n, 3n] }, // not on y^2 = x^3 + 3
      { ...proven.proof, c: [c[0], c[1] + 1n] },
      { ...proven.proof, a: [a[0], a[1] + BASE_FIELD] }, // the same point, its y not reduced
      { ...proven.proof, a: [a[0] + BASE_FIELD, a[1]] },
      { ...proven.proof, c: [c[0], c[1] + BASE_FIELD] },
      { ...proven.proof, b: [b[1], b[0]] }, // not on the twist
      { ...proven.proof, b: [[b[0][1], b[0][0]], b[1]] },
      { ...proven.proof, a: [0n, 0n] }, // the point at infinity
    ];
    for (const v of variants) await expectRefused(ctx, proven.batch, v, "InvalidProof");
  });

  it("accepts the genuine proof", async () => {
    await system.client.submitBatch(proven.batch, proven.proof);
    expect(await system.client.stateRoot()).toBe(proven.batch.newRoot);
  });

  it("the exported verifier agrees: valid, another key, a tampered or non-field input, a malformed point", async () => {
    const verify = (p: SolidityCalldata, input: readonly bigint[]) =>
      system.verifier.getFunction("verifyProof")(p.a, p.b, p.c, [...input]) as Promise<boolean>;
    expect(await verify(proven.proof, proven.ordered)).toBe(true);
    expect(await verify(await proveEcho(other.byMarkets.get(2)!, 2, proven.ordered), proven.ordered)).toBe(false);
    const tampered = [...proven.ordered];
    tampered[0] = tampered[0]! + 1n;
    expect(await verify(proven.proof, tampered)).toBe(false);
    const unreduced = [...proven.ordered];
    unreduced[1] = unreduced[1]! + SNARK_FIELD_SIZE; // the same input mod r, not a field element
    expect(await verify(proven.proof, unreduced)).toBe(false);
    expect(await verify({ ...proven.proof, a: [1n, 3n] }, proven.ordered)).toBe(false);
  });
});

describe("checks before verification (M = 2)", () => {
  let system: DeployedSystem;
  let ctx: BatchContext;
  /** A valid proof of some batch: a refusal below comes from the check, not from the proof. */
  let proof: SolidityCalldata;

  beforeAll(async () => {
    ({ system, ctx } = await setUp(2));
    const first = await proveBatch(ctx, await defaultBatch(ctx, { depositsThrough: 2n }));
    await system.client.submitBatch(first.batch, first.proof);
    await system.client.pushPrice(0, 1_200n);
    await system.client.pushPrice(1, 2_300n);
    proof = (await proveBatch(ctx, await defaultBatch(ctx))).proof;
  });

  /** `patch` applied to a valid batch: accepted by the input builder, or refused with `name`. */
  async function accepts(patch: Partial<BatchSubmission>): Promise<bigint[]> {
    return system.client.publicInputs(await defaultBatch(ctx, patch));
  }
  async function refuses(patch: Partial<BatchSubmission>, name: Parameters<typeof expectRevert>[1]): Promise<void> {
    await expectRefused(ctx, await defaultBatch(ctx, patch), proof, name);
  }

  it("timestamp: not after the block, not before the previous batch", async () => {
    const last = await system.client.lastBatchTimestamp();
    await accepts({ timestamp: last, roundIds: [2n, 2n] }); // the rounds of that batch
    await refuses({ timestamp: (await chain.now()) + 60n }, "BatchTimestampInFuture");
    await refuses({ timestamp: last - 1n }, "BatchTimestampBeforePrevious");
  });

  it("oracle round: must exist", async () => {
    for (const id of [4n, (1n << 80n) - 1n]) await refuses({ roundIds: [id, 3n] }, "UnknownPriceRound");
  });

  it("oracle round: may not go back to before the previous batch's", async () => {
    expect(await system.client.lastRoundId(0)).toBe(2n);
    await accepts({ roundIds: [2n, 3n] });
    await refuses({ roundIds: [1n, 3n] }, "PriceRoundRegressed");
  });

  it("oracle round: recorded no later than the batch timestamp", async () => {
    const round = await system.client.latestPriceRound(1);
    await accepts({ timestamp: round.updatedAt });
    await chain.advance(5n);
    const next = await system.client.pushPrice(1, 2_400n);
    await refuses({ timestamp: next.updatedAt - 1n, roundIds: [3n, next.roundId] }, "PriceRoundAfterBatch");
  });

  it("oracle round: no older than maxPriceAge at the batch timestamp", async () => {
    const round = await system.client.latestPriceRound(0);
    await chain.advance(MAX_PRICE_AGE + 10n);
    const roundIds = [round.roundId, (await system.client.latestPriceRound(1)).roundId];
    await accepts({ timestamp: round.updatedAt + MAX_PRICE_AGE, roundIds });
    await refuses({ timestamp: round.updatedAt + MAX_PRICE_AGE + 1n, roundIds }, "StalePriceRound");
    await refuses({}, "StalePriceRound");
    await system.client.pushPrice(0, 1_300n);
    await system.client.pushPrice(1, 2_500n);
    await accepts({});
  });

  it("price: in [1, 2^48)", async () => {
    const limit = 1n << 48n;
    for (const bad of [0n, -5n, limit]) {
      await system.client.pushPrice(0, bad);
      await refuses({}, "InvalidPrice");
    }
    await system.client.pushPrice(0, limit - 1n);
    expect((await accepts({}))[4]).toBe(limit - 1n);
    await system.client.pushPrice(0, 1n);
    expect((await accepts({}))[4]).toBe(1n);
  });

  it("funding index: signed FUNDING_BITS, negative values as p - |x|", async () => {
    const half = 1n << BigInt(FUNDING_BITS - 1);
    const inputs = await accepts({ funding: [-half, half - 1n] });
    expect(inputs.slice(8, 10)).toEqual([SNARK_FIELD_SIZE - half, half - 1n]);
    await refuses({ funding: [half, 0n] }, "FundingOutOfRange");
    await refuses({ funding: [0n, -half - 1n] }, "FundingOutOfRange");
  });

  it("market count: one round and one funding index per market", async () => {
    await refuses({ roundIds: [1n] }, "WrongMarketCount");
    await refuses({ funding: [0n, 0n, 0n] }, "WrongMarketCount");
  });

  it("deposit position: between the last consumed and the queue length", async () => {
    const consumed = await system.client.depositsConsumed();
    const count = await system.client.depositCount();
    expect([consumed, count]).toEqual([2n, 2n]);
    await accepts({ depositsThrough: consumed });
    await refuses({ depositsThrough: count + 1n }, "DepositPositionBeyondQueue");
    await refuses({ depositsThrough: consumed - 1n }, "DepositPositionBehind");
  });

  it("withdrawal amounts in [1, 2^62); the new root a field element", async () => {
    const account = await chain.signers[3]!.getAddress();
    await accepts({ withdrawals: [{ account, amount: (1n << 62n) - 1n }] });
    await refuses({ withdrawals: [{ account, amount: 5n }, { account, amount: 0n }] }, "InvalidWithdrawalAmount");
    await refuses({ withdrawals: [{ account, amount: 1n << 62n }] }, "InvalidWithdrawalAmount");
    await accepts({ newRoot: SNARK_FIELD_SIZE - 1n });
    await refuses({ newRoot: SNARK_FIELD_SIZE }, "NotAFieldElement");
  });

  it("reached every error on this suite's list", () => {
    expect(ERRORS_REACHED_BY.rules.filter((e) => !reachedErrors.has(e))).toEqual([]);
  });
});
