/**
 * Fixture of the chain-side tests: the PublicEcho stand-in circuit (the margin batch circuit's
 * public inputs, built into a temporary directory), every contract under contracts/ compiled in
 * memory, and the whole system deployed on a fresh in-process Hardhat chain. Also: a helper that
 * expects a named custom error and records it, so each suite can check it reached every error.
 */
import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ContractFactory, type Contract, type ContractTransactionReceipt, type Interface, type JsonRpcProvider, type Signer } from "ethers";
import { network } from "hardhat";
import { expect } from "vitest";
import { publicEchoInputs, publicEchoInstance } from "../../circuits/test/publicEcho.js";
import { ensureBuilt, type BuiltInstance } from "../../prover/build.js";
import { prove, toSolidityCalldata, type SolidityCalldata } from "../../prover/prove.js";
import { deploySystem, type ContractSource, type DeployedSystem } from "../../sequencer/chain/deploy.js";
import { ChainRevertError, decodeRevert, type ChainErrorName } from "../../sequencer/chain/errors.js";
import type { MarketParams } from "../../sequencer/chain/types.js";
import type { CircuitShape } from "../../sequencer/core/batch/index.js";
import { CoreState } from "../../sequencer/core/state.js";
import type { Poseidon } from "../../sequencer/crypto/poseidon.js";
import { compileSolidity, type CompiledContract } from "./contracts.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** Every .sol file under contracts/. */
export function contractFiles(): string[] {
  const dir = join(ROOT, "contracts");
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".sol"))
    .map((f) => join(dir, f));
}

export const MARKETS: readonly MarketParams[] = [
  { mmr: 50_000n, imr: 100_000n, penalty: 20_000n, fee: 500n, maxFunding: 10_000n },
  { mmr: 30_000n, imr: 60_000n, penalty: 15_000n, fee: 300n, maxFunding: 5_000n },
  { mmr: 80_000n, imr: 160_000n, penalty: 40_000n, fee: 1_000n, maxFunding: 20_000n },
];

export const MAX_PRICE_AGE = 3_600n;
export const GENESIS_ROOT = 0x1234_5678n;

export interface EchoCircuits {
  readonly work: string;
  readonly byMarkets: ReadonlyMap<number, BuiltInstance>;
  readonly compiled: ReadonlyMap<string, CompiledContract>;
  readonly source: ContractSource;
  cleanup(): Promise<void>;
}

/** Builds PublicEcho(M) for each M asked for and compiles contracts/ with their verifiers. */
export async function buildEchoCircuits(markets: readonly number[]): Promise<EchoCircuits> {
  const work = await mkdtemp(join(tmpdir(), "solvent-contracts-"));
  const instances = markets.map(publicEchoInstance);
  const report = await ensureBuilt(
    instances.map((i) => i.name),
    { buildDir: work, instances, contracts: false, log: () => {} },
  );
  const byMarkets = new Map(report.entries.map((e, i) => [markets[i]!, e]));
  const { compiled, source } = await compileRollupContracts(report.entries.map((e) => e.paths.verifier));
  return { work, byMarkets, compiled, source, cleanup: () => rm(work, { recursive: true, force: true }) };
}

/** Every contract under contracts/ and the given exported verifiers, compiled in memory. */
export async function compileRollupContracts(verifiers: readonly string[]): Promise<{ compiled: ReadonlyMap<string, CompiledContract>; source: ContractSource }> {
  const compiled = await compileSolidity(ROOT, [...contractFiles(), ...verifiers]);
  const source: ContractSource = (name) => {
    const c = compiled.get(name);
    if (c === undefined) throw new Error(`no contract ${name} compiled`);
    return c;
  };
  return { compiled, source };
}

export interface Chain {
  readonly ethers: Awaited<ReturnType<typeof network.create>>["ethers"];
  readonly signers: Signer[];
  readonly provider: JsonRpcProvider;
  /** Timestamp of the latest block. */
  now(): Promise<bigint>;
  /** Moves the chain's clock forward and mines a block. */
  advance(seconds: bigint): Promise<void>;
}

export async function newChain(): Promise<Chain> {
  const { ethers } = await network.create();
  const provider = ethers.provider as unknown as JsonRpcProvider;
  const now = async (): Promise<bigint> => BigInt((await provider.getBlock("latest"))!.timestamp);
  const advance = async (seconds: bigint): Promise<void> => {
    await provider.send("evm_increaseTime", [Number(seconds)]);
    await provider.send("evm_mine", []);
  };
  return { ethers, signers: await ethers.getSigners(), provider, now, advance };
}

/** Deploys the system for M markets (MARKETS[0..M)) with the PublicEcho(M) verifier. */
export async function deployEchoSystem(circuits: EchoCircuits, chain: Chain, markets: number): Promise<DeployedSystem> {
  const circuit = circuits.byMarkets.get(markets);
  if (circuit === undefined) throw new Error(`PublicEcho(${markets}) was not built`);
  return deploySystem(chain.signers[0]!, circuits.source, {
    markets: MARKETS.slice(0, markets),
    genesisRoot: GENESIS_ROOT,
    maxPriceAge: MAX_PRICE_AGE,
    verifier: circuit.contract,
  });
}

/** A real Groth16 proof whose public signals are `ordered` (publicSignalNames(M) order). */
export async function proveEcho(circuit: BuiltInstance, markets: number, ordered: readonly bigint[]): Promise<SolidityCalldata> {
  const result = await prove(circuit.paths.wasm, circuit.paths.zkey, publicEchoInputs(markets, ordered));
  expect(result.publicSignals).toEqual([...ordered]);
  return toSolidityCalldata(result.proof, result.publicSignals);
}

/** Custom errors the tests of this process have seen. */
export const reachedErrors = new Set<string>();

/** Expects `action` to fail with the custom error `name`; returns the decoded error. */
export async function expectRevert(action: Promise<unknown>, name: ChainErrorName): Promise<ChainRevertError> {
  const err = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ChainRevertError)) throw new Error(`expected ${name}, got ${err === undefined ? "success" : String(err)}`);
  expect(err.errorName).toBe(name);
  reachedErrors.add(err.errorName);
  if (err.inner !== undefined) reachedErrors.add(err.inner.errorName);
  return err;
}

/** Simulates, then sends `contract.name(args)`, decoding a revert against `interfaces`. */
export async function transact(
  contract: Contract,
  name: string,
  args: unknown[],
  interfaces: readonly Interface[],
): Promise<ContractTransactionReceipt> {
  const fn = contract.getFunction(name);
  try {
    await fn.staticCall(...args);
    const receipt = await (await fn.send(...args)).wait();
    if (receipt === null) throw new Error(`${name}: no receipt`);
    return receipt;
  } catch (err) {
    throw decodeRevert(err, interfaces);
  }
}

/** Deploys `name` with `args`, decoding a constructor revert against its own interface. */
export async function tryDeploy(circuits: EchoCircuits, signer: Signer, name: string, args: unknown[]): Promise<Contract> {
  const { abi, bytecode } = await circuits.source(name);
  const factory = new ContractFactory(abi, bytecode, signer);
  try {
    const contract = await factory.deploy(...args);
    await contract.waitForDeployment();
    return contract as Contract;
  } catch (err) {
    throw decodeRevert(err, [factory.interface]);
  }
}

/**
 * A rollup for a real margin circuit (`circuit`, of shape `shape`) on a fresh in-process chain: the
 * genesis root of that shape, MARKETS' first M parameter sets, and one price round per market.
 */
export async function deployMarginRollup(
  poseidon: Poseidon,
  circuit: BuiltInstance,
  shape: CircuitShape,
  prices: readonly bigint[],
): Promise<{ chain: Chain; system: DeployedSystem }> {
  const { source } = await compileRollupContracts([circuit.paths.verifier]);
  const chain = await newChain();
  const genesis = CoreState.genesis({ poseidon, depth: shape.depth, markets: shape.markets, slotDepth: shape.slotDepth });
  const system = await deploySystem(chain.signers[0]!, source, { markets: MARKETS.slice(0, shape.markets), genesisRoot: genesis.root, maxPriceAge: MAX_PRICE_AGE, verifier: circuit.contract });
  for (const [m, p] of prices.entries()) await system.client.pushPrice(m, p);
  return { chain, system };
}

/** Mints `amount` of the collateral token to `wallet` and lets the rollup pull it (a deposit's L1 side). */
export async function fundWallet(system: DeployedSystem, wallet: Signer, amount: bigint): Promise<void> {
  await transact(system.token, "mint", [await wallet.getAddress(), amount], []);
  await (await system.token.connect(wallet).getFunction("approve")(await system.rollup.getAddress(), amount)).wait();
}
