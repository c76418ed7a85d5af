/**
 * Deploys the whole chain side: collateral token (MockUSDC unless one is given), the circomlibjs
 * Poseidon contracts, one PriceFeed per market, the batch verifier, and MarginRollup (which copies
 * the verifier's key into its own code at construction and verifies inline). Contract
 * code comes from a ContractSource, so the demo can deploy Hardhat's artifacts and tests their
 * in-memory compilation.
 */
import { Contract, ContractFactory, type InterfaceAbi, type Signer } from "ethers";
import { poseidonContract } from "circomlibjs";
import { MarginRollupClient } from "./client.js";
import { marketParamsToContract, type MarketParams } from "./types.js";

export interface ContractArtifact {
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
}

/** Looks a compiled contract up by name: `(name) => hre.artifacts.readArtifact(name)` after
 * `hardhat build`, or an in-memory compilation (test/helpers/contracts.ts). */
export type ContractSource = (name: string) => ContractArtifact | Promise<ContractArtifact>;

export interface SystemConfig {
  /** One entry per market: M = markets.length (1..3). */
  readonly markets: readonly MarketParams[];
  /** Root of the empty state tree. */
  readonly genesisRoot: bigint;
  /** Oldest a price round may be at the batch timestamp, seconds. */
  readonly maxPriceAge: bigint;
  /** Contract name of the batch circuit's exported verifier in the ContractSource (prover/verifierGen.ts):
   * MarginRollup reads its `verifyingKey()` once, at deployment. */
  readonly verifier: string;
  /** Owner of the rollup, feeds and mock token. Default: the deployer. */
  readonly owner?: string;
  /** An existing collateral token; default: a fresh MockUSDC. */
  readonly collateral?: string;
}

export interface DeployedSystem {
  readonly token: Contract;
  /** Poseidon contract address by arity. */
  readonly poseidon: ReadonlyMap<number, string>;
  readonly feeds: readonly Contract[];
  readonly verifier: Contract;
  readonly rollup: Contract;
  readonly client: MarginRollupClient;
  /** The rollup's constructor argument as deployed. */
  readonly config: MarginRollupConfig;
}

/** Deploys one contract of `source` and waits for it. */
export async function deployContract(signer: Signer, source: ContractSource, name: string, args: unknown[] = []): Promise<Contract> {
  const { abi, bytecode } = await source(name);
  const contract = await new ContractFactory(abi, bytecode, signer).deploy(...args);
  await contract.waitForDeployment();
  return contract as Contract;
}

/** Deploys circomlibjs' Poseidon contract for `arity` inputs (the same hash as circomlib's Poseidon). */
export async function deployPoseidon(signer: Signer, arity: number): Promise<Contract> {
  const abi = poseidonContract.generateABI(arity) as InterfaceAbi;
  const contract = await new ContractFactory(abi, poseidonContract.createCode(arity), signer).deploy();
  await contract.waitForDeployment();
  return contract as Contract;
}

/** MarginRollup's constructor argument (MarginRollup.Config). */
export interface MarginRollupConfig {
  readonly owner: string;
  readonly verifier: string;
  readonly collateral: string;
  /** Poseidon contracts by arity; `poseidonMarkets` has arity M. */
  readonly hashers: { poseidon3: string; poseidon4: string; poseidon5: string; poseidonMarkets: string };
  readonly feeds: readonly string[];
  readonly maxPriceAge: bigint;
  readonly genesisRoot: bigint;
  readonly markets: readonly MarketParams[];
}

export function rollupConfigToContract(c: MarginRollupConfig): unknown[] {
  const { poseidon3, poseidon4, poseidon5, poseidonMarkets } = c.hashers;
  return [
    c.owner,
    c.verifier,
    c.collateral,
    [poseidon3, poseidon4, poseidon5, poseidonMarkets],
    [...c.feeds],
    c.maxPriceAge,
    c.genesisRoot,
    c.markets.map(marketParamsToContract),
  ];
}

export async function deploySystem(signer: Signer, source: ContractSource, config: SystemConfig): Promise<DeployedSystem> {
  const m = config.markets.length;
  const owner = config.owner ?? (await signer.getAddress());
  const deployer = await signer.getAddress();
  const token =
    config.collateral === undefined
      ? await deployContract(signer, source, "MockUSDC", [owner])
      : new Contract(config.collateral, (await source("MockUSDC")).abi, signer);

  const poseidon = new Map<number, string>();
  for (const arity of [3, 4, 5, m]) {
    if (!poseidon.has(arity)) poseidon.set(arity, await (await deployPoseidon(signer, arity)).getAddress());
  }

  const feeds: Contract[] = [];
  for (let i = 0; i < m; i++) {
    const feed = await deployContract(signer, source, "PriceFeed", [deployer, 6, `market ${i} / USDC per lot`]);
    await (await feed.getFunction("setUpdater")(deployer, true)).wait();
    if (owner !== deployer) await (await feed.getFunction("transferOwnership")(owner)).wait();
    feeds.push(feed);
  }

  const verifier = await deployContract(signer, source, config.verifier);
  const rollupConfig: MarginRollupConfig = {
    owner,
    verifier: await verifier.getAddress(),
    collateral: await token.getAddress(),
    hashers: { poseidon3: poseidon.get(3)!, poseidon4: poseidon.get(4)!, poseidon5: poseidon.get(5)!, poseidonMarkets: poseidon.get(m)! },
    feeds: await Promise.all(feeds.map((f) => f.getAddress())),
    maxPriceAge: config.maxPriceAge,
    genesisRoot: config.genesisRoot,
    markets: config.markets,
  };
  const rollup = await deployContract(signer, source, "MarginRollup", [rollupConfigToContract(rollupConfig)]);
  const client = new MarginRollupClient({ rollup, token, feeds });
  return { token, poseidon, feeds, verifier, rollup, client, config: rollupConfig };
}

/** Where a deployed system lives and how to talk to it: what a sequencer process is started with. */
export interface DeploymentRecord {
  readonly chainId: string;
  readonly rollup: { readonly address: string; readonly abi: InterfaceAbi };
  readonly token: { readonly address: string; readonly abi: InterfaceAbi };
  readonly feeds: readonly { readonly address: string; readonly abi: InterfaceAbi }[];
}

export async function deploymentRecord(system: DeployedSystem): Promise<DeploymentRecord> {
  const entry = async (c: Contract) => ({ address: await c.getAddress(), abi: c.interface.formatJson() as unknown as InterfaceAbi });
  const network = await system.rollup.runner?.provider?.getNetwork();
  return { chainId: String(network?.chainId ?? 0n), rollup: await entry(system.rollup), token: await entry(system.token), feeds: await Promise.all(system.feeds.map(entry)) };
}

/** A client of a deployed system, sending from `signer`. */
export function connectDeployment(record: DeploymentRecord, signer: Signer): MarginRollupClient {
  const at = (e: { address: string; abi: InterfaceAbi }) => new Contract(e.address, e.abi, signer);
  return new MarginRollupClient({ rollup: at(record.rollup), token: at(record.token), feeds: record.feeds.map(at) });
}
