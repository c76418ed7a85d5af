/**
 * `npm start`: the walking skeleton, one thin slice through every layer. Builds (or reuses) the
 * DepositBatch circuit and its development keys, mirrors two deposit batches in TypeScript, proves
 * them with Groth16, verifies them with snarkjs, then has the Rollup contract on Hardhat's
 * in-process chain verify them and advance its root, checking after each batch that the contract's
 * root, the TypeScript root and the circuit's public output agree.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import hre, { network } from "hardhat";
import { ensureBuilt } from "../prover/build.js";
import { prove, shutdownProver, toSolidityCalldata, verify, type VerificationKey } from "../prover/prove.js";
import { derivePublicKey, type PublicKey } from "../sequencer/crypto/babyjub.js";
import { getPoseidon } from "../sequencer/crypto/poseidon.js";
import type { Deposit } from "../sequencer/skeleton/account.js";
import { SKELETON_INSTANCE, SKELETON_PARAMS } from "../sequencer/skeleton/constants.js";
import { buildDepositBatch } from "../sequencer/skeleton/depositBatch.js";
import { nameDepositBatchSignals } from "../sequencer/skeleton/publicSignals.js";
import { RollupClient } from "../sequencer/skeleton/rollupClient.js";
import { SkeletonState } from "../sequencer/skeleton/state.js";

const started = performance.now();
const fmtInt = (n: number | bigint): string => n.toLocaleString("en-US");
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

/** Runs `fn` and reports how long it took, in the line `describe` builds from its result. */
async function step<T>(fn: () => Promise<T>, describe: (result: T, ms: number) => string): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  say(describe(result, performance.now() - t0));
  return result;
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

interface BatchReport {
  readonly number: bigint;
  readonly included: number;
  readonly rejected: number;
  readonly witnessMs: number;
  readonly proveMs: number;
  readonly gasUsed: bigint;
}

async function main(): Promise<void> {
  const { depth, maxDeposits } = SKELETON_PARAMS;
  say(`Solvent walking skeleton: DepositBatch(D=${depth}, T=${maxDeposits}) on a ${fmtInt(2 ** depth)}-account tree`);

  const report = await step(
    () => ensureBuilt([SKELETON_INSTANCE], { log: (line) => say(`  ${line}`) }),
    (r, ms) => `circuit ready: ${fmtInt(r.entries[0]!.constraints)} constraints (${r.rebuilt.length > 0 ? "built" : "cached"}, ${secs(ms)})`,
  );
  const circuit = report.entries[0]!;
  const vkey = JSON.parse(await readFile(circuit.paths.vkey, "utf8")) as VerificationKey;
  await step(() => hre.tasks.getTask("build").run({ quiet: true }), (_, ms) => `contracts compiled (${secs(ms)})`);

  const poseidon = await getPoseidon();
  const keys = await step(
    () => Promise.all(Array.from({ length: 4 }, () => derivePublicKey(randomBytes(32)))),
    (k, ms) => `generated ${k.length} BabyJubJub keys (${secs(ms)})`,
  );
  let state = SkeletonState.empty(poseidon, depth);

  const { ethers } = await network.create();
  const { rollup } = await step(
    async () => {
      const verifier = await ethers.deployContract(circuit.contract);
      const contract = await ethers.deployContract("Rollup", [await verifier.getAddress(), state.root]);
      return { rollup: new RollupClient(contract), address: await contract.getAddress() };
    },
    (r, ms) => `deployed ${circuit.contract} + Rollup at ${r.address} on Hardhat's in-process chain, genesis root ${short(state.root)} (${secs(ms)})`,
  );

  const batches: BatchReport[] = [];
  for (const deposits of depositScript(keys)) {
    const number = (await rollup.batchCount()) + 1n;
    const batch = await step(
      async () => buildDepositBatch({ poseidon, params: SKELETON_PARAMS }, state, deposits, number),
      (b, ms) =>
        `built batch ${number}: ${b.included.length} deposits, ${maxDeposits - b.included.length} padding` +
        (b.rejected.length > 0 ? `, rejected ${b.rejected.map((r) => `#${r.deposit.index} ${r.reason}`).join(", ")}` : "") +
        `; root ${short(state.root)} -> ${short(b.state.root)} (${secs(ms)})`,
    );
    const proof = await step(
      () => prove(circuit.paths.wasm, circuit.paths.zkey, batch.inputs),
      (p) => `proved batch ${number}: ${fmtInt(circuit.constraints)} constraints, witness ${secs(p.witnessMs)}, prove ${secs(p.proveMs)}`,
    );
    const expected = batch.publicSignals.join(",");
    check(proof.publicSignals.join(",") === expected, "circuit public signals == TypeScript mirror's");
    const ok = await step(() => verify(vkey, proof.publicSignals, proof.proof), (v, ms) => `snarkjs verify: ${v ? "valid" : "INVALID"} (${secs(ms)})`);
    check(ok, "snarkjs accepts the proof");

    const submitted = await step(
      () => rollup.submitBatch(toSolidityCalldata(proof.proof, proof.publicSignals)),
      (s, ms) => `Rollup accepted batch ${s.batchNumber}: gas ${fmtInt(s.gasUsed)} (${secs(ms)})`,
    );
    const onChain = await rollup.stateRoot();
    const circuitRoot = nameDepositBatchSignals(proof.publicSignals).newRoot;
    check(onChain === batch.state.root && circuitRoot === batch.state.root, "contract root == TS root == circuit output");
    say(`roots agree: contract == TypeScript == circuit == ${short(onChain)}`);
    state = batch.state;
    batches.push({
      number,
      included: batch.included.length,
      rejected: batch.rejected.length,
      witnessMs: proof.witnessMs,
      proveMs: proof.proveMs,
      gasUsed: submitted.gasUsed,
    });
  }

  console.log("");
  console.log("summary");
  for (const b of batches) {
    console.log(
      `  batch ${b.number}: ${b.included} deposits (${b.rejected} rejected)  witness ${secs(b.witnessMs)}  prove ${secs(b.proveMs)}  gas ${fmtInt(b.gasUsed)}`,
    );
  }
  const balances = [0n, 1n, 37n, 200n].map((i) => `#${i}=${state.account(i)?.balance ?? 0n}`).join(" ");
  console.log(`  accounts: ${balances}`);
  console.log(`  final root ${short(state.root)} after ${batches.length} batches, ${secs(performance.now() - started)} total`);
}

/**
 * Two batches: the first creates three accounts and tops one up within the same batch; the second
 * tops up, creates one more, and carries two deposits the mirror refuses (shown, not proven).
 */
function depositScript(keys: readonly PublicKey[]): Deposit[][] {
  const [k0, k1, k2, k3] = keys;
  if (k0 === undefined || k1 === undefined || k2 === undefined || k3 === undefined) throw new Error("need 4 keys");
  return [
    [
      { index: 0n, pubKey: k0, amount: 1_000n },
      { index: 1n, pubKey: k1, amount: 250n },
      { index: 37n, pubKey: k2, amount: 5_000n },
      { index: 0n, pubKey: k0, amount: 500n },
    ],
    [
      { index: 1n, pubKey: k1, amount: 750n },
      { index: 0n, pubKey: k3, amount: 1n },
      { index: 200n, pubKey: k3, amount: 42n },
      { index: 37n, pubKey: k2, amount: 2n ** 64n - 1n },
    ],
  ];
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  await shutdownProver();
}
process.exit(exitCode);
