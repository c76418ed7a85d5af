/**
 * The walking skeleton end to end: TypeScript mirror -> real Groth16 proof under keys from the
 * development ceremony -> the exported Solidity verifier behind Rollup.sol on Hardhat's in-process
 * chain. Everything is built from the current sources into a temporary directory.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ContractFactory, type BaseContract } from "ethers";
import { network } from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, type BuiltInstance } from "../prover/build.js";
import { prove, shutdownProver, toSolidityCalldata, verify, type SolidityCalldata, type VerificationKey } from "../prover/prove.js";
import type { PublicKey } from "../sequencer/crypto/babyjub.js";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import type { Deposit } from "../sequencer/skeleton/account.js";
import { DEPOSIT_BATCH_PUBLIC_SIGNALS, SKELETON_INSTANCE, SKELETON_PARAMS } from "../sequencer/skeleton/constants.js";
import { buildDepositBatch, type DepositBatch } from "../sequencer/skeleton/depositBatch.js";
import { nameDepositBatchSignals, orderDepositBatchSignals } from "../sequencer/skeleton/publicSignals.js";
import { RollupClient, RollupRevertError } from "../sequencer/skeleton/rollupClient.js";
import { SkeletonState } from "../sequencer/skeleton/state.js";
import { compileSolidity } from "./helpers/contracts.js";
import { testKeys } from "./helpers/skeleton.js";

const ROOT = resolve(import.meta.dirname, "..");

let work: string;
let circuit: BuiltInstance;
let vkey: VerificationKey;
let poseidon: Poseidon;
let keys: PublicKey[];
let rollupContract: BaseContract;
let rollup: RollupClient;
/** The sequencer's state: advanced only after the contract accepted a batch. */
let state: SkeletonState;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "solvent-skeleton-e2e-"));
  const report = await ensureBuilt([SKELETON_INSTANCE], { buildDir: work, log: () => {} });
  circuit = report.entries[0]!;
  vkey = JSON.parse(await readFile(circuit.paths.vkey, "utf8")) as VerificationKey;
  poseidon = await getPoseidon();
  keys = await testKeys(3);
  state = SkeletonState.empty(poseidon, SKELETON_PARAMS.depth);

  const compiled = await compileSolidity(ROOT, [
    join(ROOT, "contracts/Rollup.sol"),
    join(ROOT, "contracts/IDepositBatchVerifier.sol"),
    circuit.paths.verifier,
  ]);
  const { ethers } = await network.create();
  const [signer] = await ethers.getSigners();
  const deploy = async (name: string, args: unknown[]): Promise<BaseContract> => {
    const c = compiled.get(name);
    if (c === undefined) throw new Error(`no contract ${name} compiled`);
    const contract = await new ContractFactory(c.abi, c.bytecode, signer).deploy(...args);
    await contract.waitForDeployment();
    return contract;
  };
  const verifier = await deploy(circuit.contract, []);
  rollupContract = await deploy("Rollup", [await verifier.getAddress(), state.root]);
  rollup = new RollupClient(rollupContract);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await shutdownProver();
});

interface ProvenBatch {
  batch: DepositBatch;
  calldata: SolidityCalldata;
}

async function proveBatch(deposits: readonly Deposit[], batchNumber: bigint): Promise<ProvenBatch> {
  const batch = buildDepositBatch({ poseidon, params: SKELETON_PARAMS }, state, deposits, batchNumber);
  const proof = await prove(circuit.paths.wasm, circuit.paths.zkey, batch.inputs);
  // The circuit's outputs are the mirror's expectation, and snarkjs accepts the proof.
  expect(proof.publicSignals).toEqual(batch.publicSignals);
  expect(await verify(vkey, proof.publicSignals, proof.proof)).toBe(true);
  return { batch, calldata: toSolidityCalldata(proof.proof, proof.publicSignals) };
}

/** Submits and checks contract root == TypeScript root == circuit output, then adopts the state. */
async function submitAndCheck({ batch, calldata }: ProvenBatch): Promise<void> {
  const submitted = await rollup.submitBatch(calldata);
  const circuitRoot = nameDepositBatchSignals(calldata.input).newRoot;
  expect(submitted.batchNumber).toBe(nameDepositBatchSignals(batch.publicSignals).batchNumber);
  expect(await rollup.stateRoot()).toBe(batch.state.root);
  expect(circuitRoot).toBe(batch.state.root);
  state = batch.state;
}

/** Expects `Rollup.submitBatch` to revert with `errorName`, leaving root and batch count alone. */
async function expectRefused(calldata: SolidityCalldata, errorName: string): Promise<void> {
  const [root, count] = [await rollup.stateRoot(), await rollup.batchCount()];
  const err = await rollup.submitBatch(calldata).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof RollupRevertError)) throw new Error(`expected ${errorName}, got ${String(err)}`);
  expect(err.errorName).toBe(errorName);
  expect(await rollup.stateRoot()).toBe(root);
  expect(await rollup.batchCount()).toBe(count);
}

/** `calldata` with one public input replaced; the proof itself is untouched. */
function withSignal(calldata: SolidityCalldata, name: "newRoot" | "depositsHash", value: bigint): SolidityCalldata {
  const named = nameDepositBatchSignals(calldata.input);
  return { ...calldata, input: orderDepositBatchSignals({ ...named, [name]: value }) };
}

describe("skeleton rollup, end to end", () => {
  let batch1: ProvenBatch;
  let batch2: ProvenBatch;

  it("the contract builds its verifier input in DEPOSIT_BATCH_PUBLIC_SIGNALS order", async () => {
    expect(BigInt(await rollupContract.getFunction("NUM_PUBLIC_INPUTS")())).toBe(BigInt(DEPOSIT_BATCH_PUBLIC_SIGNALS.length));
    expect(vkey.nPublic).toBe(DEPOSIT_BATCH_PUBLIC_SIGNALS.length);
    const named = { oldRoot: 11n, newRoot: 22n, depositsHash: 33n, batchNumber: 44n };
    expect(await rollup.publicInputs(11n, 22n, 33n, 44n)).toEqual(orderDepositBatchSignals(named));
  });

  it("accepts batch 1 and advances the root: contract == TypeScript == circuit", async () => {
    const genesis = await rollup.stateRoot();
    batch1 = await proveBatch(
      [
        { index: 0n, pubKey: keys[0]!, amount: 1_000n },
        { index: 1n, pubKey: keys[1]!, amount: 250n },
        { index: 0n, pubKey: keys[0]!, amount: 500n },
      ],
      1n,
    );
    await submitAndCheck(batch1);
    expect(await rollup.stateRoot()).not.toBe(genesis);
    expect(await rollup.batchCount()).toBe(1n);
  });

  it("refuses batch 2 with a tampered newRoot or depositsHash, and the root does not move", async () => {
    batch2 = await proveBatch(
      [
        { index: 1n, pubKey: keys[1]!, amount: 750n },
        { index: 200n, pubKey: keys[2]!, amount: 42n },
      ],
      2n,
    );
    const { newRoot, depositsHash } = nameDepositBatchSignals(batch2.calldata.input);
    await expectRefused(withSignal(batch2.calldata, "newRoot", newRoot + 1n), "InvalidProof");
    await expectRefused(withSignal(batch2.calldata, "depositsHash", depositsHash + 1n), "InvalidProof");
    await expectRefused(withSignal(batch2.calldata, "newRoot", batch1.batch.state.root), "InvalidProof");
    await expectRefused(withSignal(batch2.calldata, "newRoot", SNARK_FIELD_SIZE + newRoot), "NotAFieldElement");
  });

  it("refuses a tampered proof point", async () => {
    const [x, y] = batch2.calldata.c;
    await expectRefused({ ...batch2.calldata, c: [x, (y + 1n) % SNARK_FIELD_SIZE] }, "InvalidProof");
    await expectRefused({ ...batch2.calldata, a: batch1.calldata.a }, "InvalidProof");
  });

  it("accepts the untampered batch 2: contract == TypeScript == circuit", async () => {
    await submitAndCheck(batch2);
    expect(await rollup.batchCount()).toBe(2n);
  });

  it("rejects a replay of an applied batch", async () => {
    await expectRefused(batch2.calldata, "InvalidProof");
    await expectRefused(batch1.calldata, "InvalidProof");
  });

  it("rejects a valid proof made for another batch number", async () => {
    const skipped = await proveBatch([{ index: 2n, pubKey: keys[2]!, amount: 1n }], 4n);
    await expectRefused(skipped.calldata, "InvalidProof");
  });
});
