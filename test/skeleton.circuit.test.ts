/**
 * DepositBatch (circuits/skeleton) against its TypeScript mirror: the mirror's input object must be
 * accepted with exactly the public signals the mirror expects, and every rule must stop a cheating
 * prover. Witnesses only (no proving): the circuit is compiled into a temporary directory.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INSTANCES } from "../circuits/instances.js";
import { compileCircuit, mainSource, type CompiledCircuit } from "../prover/circom.js";
import { shutdownProver } from "../prover/prove.js";
import type { PublicKey } from "../sequencer/crypto/babyjub.js";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import type { Deposit } from "../sequencer/skeleton/account.js";
import { DEPOSIT_BATCH_PUBLIC_SIGNALS, SKELETON_INSTANCE, SKELETON_PARAMS } from "../sequencer/skeleton/constants.js";
import { buildDepositBatch, type DepositBatchInputs } from "../sequencer/skeleton/depositBatch.js";
import { SkeletonState } from "../sequencer/skeleton/state.js";
import { seededRandom } from "./helpers/random.js";
import { failedAt, lineOf, tampered, testKeys } from "./helpers/skeleton.js";
import {
  computeWitness,
  constraintFailure,
  editWitness,
  readSymbols,
  satisfiesR1cs,
  witnessValues,
} from "./helpers/witness.js";

const ROOT = resolve(import.meta.dirname, "..");
const DEPOSIT_FILE = join(ROOT, "circuits/skeleton/deposit.circom");
const BATCH_FILE = join(ROOT, "circuits/skeleton/deposit_batch.circom");
/** Pinned so that a change which grows the circuit shows up in review. */
const EXPECTED_CONSTRAINTS = 19_526;
const U64_MAX = 2n ** 64n - 1n;
const { depth, maxDeposits } = SKELETON_PARAMS;

let work: string;
let circuit: CompiledCircuit;
let poseidon: Poseidon;
let keys: PublicKey[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "solvent-skeleton-circuit-"));
  const instance = INSTANCES.find((i) => i.name === SKELETON_INSTANCE);
  if (instance === undefined) throw new Error(`instance ${SKELETON_INSTANCE} is not registered`);
  const mainPath = join(work, "main.circom");
  await writeFile(mainPath, mainSource(instance, join(ROOT, instance.file), work));
  circuit = await compileCircuit({ mainPath, outDir: work, libDirs: [join(ROOT, "node_modules")], label: instance.name });
  poseidon = await getPoseidon();
  keys = await testKeys(3);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await shutdownProver();
});

const deps = (): { poseidon: Poseidon; params: typeof SKELETON_PARAMS } => ({ poseidon, params: SKELETON_PARAMS });

/** Public signals the circuit computed: witness positions 1..n (0 is the constant 1). */
async function circuitPublicSignals(inputs: DepositBatchInputs): Promise<bigint[]> {
  const values = await witnessValues(await computeWitness(circuit.wasmPath, inputs));
  return values.slice(1, 1 + DEPOSIT_BATCH_PUBLIC_SIGNALS.length);
}

async function expectAccepted(inputs: DepositBatchInputs, expected: readonly bigint[]): Promise<void> {
  const w = await computeWitness(circuit.wasmPath, inputs);
  expect((await witnessValues(w)).slice(1, 1 + expected.length)).toEqual(expected);
  expect(await satisfiesR1cs(circuit.r1csPath, w)).toBe(true);
}

/** Expects the witness generator to stop at the constraint on the line containing `snippet`. */
async function expectFailsAt(inputs: DepositBatchInputs, file: string, template: string, snippet: string): Promise<void> {
  const trace = await constraintFailure(circuit.wasmPath, inputs);
  const line = await lineOf(file, snippet);
  expect(failedAt(trace, template, line), `expected ${template} line ${line} (${snippet}) in:\n${trace}`).toBe(true);
}

describe("DepositBatch circuit vs TypeScript mirror", () => {
  it("has the pinned constraint count", () => {
    expect(circuit.constraints).toBe(EXPECTED_CONSTRAINTS);
  });

  it("declares its public signals in DEPOSIT_BATCH_PUBLIC_SIGNALS order", async () => {
    const symbols = await readSymbols(circuit.symPath);
    DEPOSIT_BATCH_PUBLIC_SIGNALS.forEach((name, i) => expect(symbols.get(`main.${name}`), name).toBe(i + 1));
  });

  it("agrees with the mirror on random batches, carrying state across them", async () => {
    const rand = seededRandom("skeleton circuit vs mirror");
    const amounts = [0n, 1n, 1_000n, U64_MAX / 2n, U64_MAX - 50n];
    const indices = [0n, 1n, 2n, 2n ** BigInt(depth) - 1n];
    let state = SkeletonState.empty(poseidon, depth);
    const rejected = new Set<string>();
    for (let b = 1n; b <= 6n; b++) {
      const deposits: Deposit[] = Array.from({ length: 2 + rand(maxDeposits + 3) }, () => {
        const index = rand(3) === 0 ? BigInt(rand(2 ** depth)) : indices[rand(indices.length)]!;
        // Mostly the slot's usual owner, so that balances build up and some overflow.
        const pubKey = rand(4) === 0 ? keys[rand(keys.length)]! : keys[Number(index % BigInt(keys.length))]!;
        return { index, pubKey, amount: amounts[rand(amounts.length)]! + BigInt(rand(100)) };
      });
      const batch = buildDepositBatch(deps(), state, deposits, b);
      batch.rejected.forEach((r) => rejected.add(r.reason));
      await expectAccepted(batch.inputs, batch.publicSignals);
      state = batch.state;
    }
    // The run must have exercised the mirror's refusals too, or it proves less than it claims.
    expect([...rejected].sort()).toEqual(expect.arrayContaining(["AmountOutOfRange", "BalanceOverflow", "BatchFull", "KeyMismatch"]));
  });

  it("accepts the edges: U64_MAX into an empty leaf, a balance reaching exactly U64_MAX, the last index", async () => {
    const state = SkeletonState.empty(poseidon, depth);
    const last = 2n ** BigInt(depth) - 1n;
    const batch = buildDepositBatch(deps(), state, [
      { index: last, pubKey: keys[0]!, amount: U64_MAX },
      { index: 3n, pubKey: keys[1]!, amount: U64_MAX - 7n },
      { index: 3n, pubKey: keys[1]!, amount: 7n },
    ], 1n);
    expect(batch.rejected).toEqual([]);
    expect(batch.state.account(3n)?.balance).toBe(U64_MAX);
    await expectAccepted(batch.inputs, batch.publicSignals);
  });

  it("accepts an all-padding batch, which leaves the root unchanged and the hash at 0", async () => {
    const state = SkeletonState.empty(poseidon, depth);
    const batch = buildDepositBatch(deps(), state, [], 7n);
    expect(batch.publicSignals).toEqual([state.root, state.root, 0n, 7n]);
    expect(await circuitPublicSignals(batch.inputs)).toEqual(batch.publicSignals);
  });
});

describe("a cheating prover fails", () => {
  /** State: account #5 of keys[0] holding 1,000. Batch: +10 to #5, then a new account #9. */
  let base: DepositBatchInputs;
  let baseState: SkeletonState;

  beforeAll(() => {
    const genesis = buildDepositBatch(deps(), SkeletonState.empty(poseidon, depth), [
      { index: 5n, pubKey: keys[0]!, amount: 1_000n },
    ], 1n);
    baseState = genesis.state;
    const batch = buildDepositBatch(deps(), baseState, [
      { index: 5n, pubKey: keys[0]!, amount: 10n },
      { index: 9n, pubKey: keys[1]!, amount: 20n },
    ], 2n);
    expect(batch.included).toHaveLength(2);
    base = batch.inputs;
  });

  const cheat = (tamper: (i: DepositBatchInputs) => void): DepositBatchInputs => tampered(poseidon, base, tamper);

  it("the untampered batch passes (so each failure below is the tamper's doing)", async () => {
    await expectAccepted(base, [base.oldRoot, base.newRoot, base.depositsHash, base.batchNumber]);
    await expectAccepted(cheat(() => {}), [base.oldRoot, base.newRoot, base.depositsHash, base.batchNumber]);
  });

  it("an amount of 2^64 fails the amount range check", async () => {
    await expectFailsAt(cheat((i) => (i.amount[1] = 2n ** 64n)), DEPOSIT_FILE, "Deposit", "amountBits.in <== amount");
  });

  it("a negative amount (p - 1) fails the amount range check, though the new balance would fit", async () => {
    const inputs = cheat((i) => (i.amount[0] = SNARK_FIELD_SIZE - 1n));
    await expectFailsAt(inputs, DEPOSIT_FILE, "Deposit", "amountBits.in <== amount");
  });

  it("a balance pushed past 2^64 - 1 fails the new-balance range check", async () => {
    const rich = buildDepositBatch(deps(), SkeletonState.empty(poseidon, depth), [
      { index: 5n, pubKey: keys[0]!, amount: U64_MAX - 4n },
    ], 1n).state;
    const batch = buildDepositBatch(deps(), rich, [{ index: 5n, pubKey: keys[0]!, amount: 4n }], 2n);
    expect(batch.rejected).toEqual([]);
    const inputs = tampered(poseidon, batch.inputs, (i) => (i.amount[0] = 5n));
    await expectFailsAt(inputs, DEPOSIT_FILE, "Deposit", "newBalanceBits.in <== newBalance");
  });

  it("a wrong old balance fails the old-path check", async () => {
    await expectFailsAt(cheat((i) => (i.oldBalance[0] = 1_000_000n)), DEPOSIT_FILE, "Deposit", "enabled * (oldPath.root - rootIn) === 0");
  });

  it("a wrong sibling fails the old-path check", async () => {
    const inputs = cheat((i) => (i.siblings[0]![depth - 1] = i.siblings[0]![depth - 1]! + 1n));
    await expectFailsAt(inputs, DEPOSIT_FILE, "Deposit", "enabled * (oldPath.root - rootIn) === 0");
  });

  it("the right leaf at the wrong index fails the old-path check", async () => {
    await expectFailsAt(cheat((i) => (i.index[0] = 4n)), DEPOSIT_FILE, "Deposit", "enabled * (oldPath.root - rootIn) === 0");
  });

  it("crediting an existing account under another key fails, whether it is claimed full or empty", async () => {
    const other = keys[2]!;
    const asFull = cheat((i) => {
      i.pubKeyX[0] = other.x;
      i.pubKeyY[0] = other.y;
    });
    await expectFailsAt(asFull, DEPOSIT_FILE, "Deposit", "enabled * (oldPath.root - rootIn) === 0");
    const asEmpty = cheat((i) => {
      i.pubKeyX[0] = other.x;
      i.pubKeyY[0] = other.y;
      i.isEmpty[0] = 1n;
      i.oldBalance[0] = 0n;
    });
    await expectFailsAt(asEmpty, DEPOSIT_FILE, "Deposit", "enabled * (oldPath.root - rootIn) === 0");
  });

  it("claiming a balance in an empty leaf (minting) fails", async () => {
    await expectFailsAt(cheat((i) => (i.oldBalance[1] = 500n)), DEPOSIT_FILE, "Deposit", "isEmpty * oldBalance === 0");
  });

  it("non-boolean flags fail", async () => {
    await expectFailsAt(cheat((i) => (i.enabled[2] = 2n)), DEPOSIT_FILE, "Deposit", "enabled * (enabled - 1) === 0");
    await expectFailsAt(cheat((i) => (i.isEmpty[1] = 2n)), DEPOSIT_FILE, "Deposit", "isEmpty * (isEmpty - 1) === 0");
  });

  it("an index outside the tree fails the index range check", async () => {
    const inputs = structuredClone(base);
    inputs.index[1] = 2n ** BigInt(depth) + 9n;
    await expectFailsAt(inputs, DEPOSIT_FILE, "Deposit", "indexBits.in <== index");
  });

  it("a padding slot cannot change the root or the hash", async () => {
    // Slot 1's real deposit, marked disabled, with the outputs an enabled slot would produce.
    const inputs = structuredClone(base);
    inputs.enabled[1] = 0n;
    await expectFailsAt(inputs, BATCH_FILE, "DepositBatch", "newRoot === slots[T - 1].rootOut");
  });

  it("a wrong newRoot or depositsHash public input fails", async () => {
    const badRoot = { ...base, newRoot: base.newRoot + 1n };
    await expectFailsAt(badRoot, BATCH_FILE, "DepositBatch", "newRoot === slots[T - 1].rootOut");
    // Committing to the first deposit only, as if the second had never been queued.
    const partial = buildDepositBatch(deps(), baseState, [{ index: 5n, pubKey: keys[0]!, amount: 10n }], 2n);
    const badHash = { ...base, depositsHash: partial.inputs.depositsHash };
    await expectFailsAt(badHash, BATCH_FILE, "DepositBatch", "depositsHash === slots[T - 1].hashOut");
  });

  it("editing any public signal of an honest witness breaks the R1CS, batchNumber included", async () => {
    const honest = await computeWitness(circuit.wasmPath, base);
    expect(await satisfiesR1cs(circuit.r1csPath, honest)).toBe(true);
    const values = await witnessValues(honest);
    for (let i = 1; i <= DEPOSIT_BATCH_PUBLIC_SIGNALS.length; i++) {
      const edited = await editWitness(honest, i, values[i]! + 1n);
      expect(await satisfiesR1cs(circuit.r1csPath, edited), DEPOSIT_BATCH_PUBLIC_SIGNALS[i - 1]).toBe(false);
    }
  });

  it("lying in a range check's hint bits breaks the R1CS", async () => {
    const honest = await computeWitness(circuit.wasmPath, base);
    const symbols = await readSymbols(circuit.symPath);
    const bit = symbols.get("main.slots[0].amountBits.out[0]");
    expect(bit).toBeDefined();
    const values = await witnessValues(honest);
    const edited = await editWitness(honest, bit!, 1n - values[bit!]!);
    expect(await satisfiesR1cs(circuit.r1csPath, edited)).toBe(false);
  });
});
