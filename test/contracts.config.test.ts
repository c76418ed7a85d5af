/**
 * MarginRollup's configuration on Hardhat's in-process chain: deployment checks, the circomlibjs
 * Poseidon contracts against the TypeScript Poseidon, the market-parameter commitment, the owner
 * role, the PriceFeed, and the MockUSDC token. Every custom error of this suite's list is reached.
 */
import { Contract, type Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADDRESS_BITS,
  AMOUNT_BITS,
  FUNDING_BITS,
  FUND_BITS,
  MAX_MARKETS,
  PRICE_BITS,
  RATIO,
  TIME_BITS,
  publicSignalNames,
} from "../sequencer/core/constants.js";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { rollupConfigToContract, type DeployedSystem, type MarginRollupConfig } from "../sequencer/chain/deploy.js";
import { MARGIN_ROLLUP_ERRORS, MOCK_USDC_ERRORS, PRICE_FEED_ERRORS } from "../sequencer/chain/errors.js";
import { marketHash, paramsHash } from "../sequencer/core/market.js";
import type { MarketParams } from "../sequencer/chain/types.js";
import { ERRORS_REACHED_BY } from "./helpers/errorCoverage.js";
import {
  MARKETS,
  buildEchoCircuits,
  deployEchoSystem,
  expectRevert,
  newChain,
  reachedErrors,
  transact,
  tryDeploy,
  type Chain,
  type EchoCircuits,
} from "./helpers/marginChain.js";

let circuits: EchoCircuits;
let chain: Chain;
let system: DeployedSystem;
let poseidon: Poseidon;
let owner: Signer;
let other: Signer;

beforeAll(async () => {
  circuits = await buildEchoCircuits([2]);
  chain = await newChain();
  system = await deployEchoSystem(circuits, chain, 2);
  poseidon = await getPoseidon();
  [owner, other] = chain.signers as [Signer, Signer];
});

afterAll(() => circuits.cleanup());

const abiErrors = (name: string): string[] =>
  (circuits.compiled.get(name)!.abi.filter((f) => f.type === "error").map((f) => f.name!) as string[]).sort();

/** Calls on `contract` from `signer`, errors decoded against every system contract. */
function send(contract: Contract, signer: Signer, name: string, args: unknown[]) {
  const { rollup, token, feeds } = system;
  return transact(contract.connect(signer) as Contract, name, args, [rollup.interface, token.interface, feeds[0]!.interface]);
}

describe("error catalogue", () => {
  it("the typed error lists are exactly the compiled ABIs' errors", () => {
    expect([...MARGIN_ROLLUP_ERRORS].sort()).toEqual(abiErrors("MarginRollup"));
    expect([...PRICE_FEED_ERRORS].sort()).toEqual(abiErrors("PriceFeed"));
    expect([...MOCK_USDC_ERRORS].sort()).toEqual(abiErrors("MockUSDC"));
  });

  it("the suites' lists together reach every error", () => {
    const covered = new Set<string>(Object.values(ERRORS_REACHED_BY).flat());
    const all = new Set([...MARGIN_ROLLUP_ERRORS, ...PRICE_FEED_ERRORS, ...MOCK_USDC_ERRORS]);
    expect([...all].filter((e) => !covered.has(e))).toEqual([]);
  });
});

describe("constants", () => {
  it("the contract's limits are sequencer/core/constants.ts's", async () => {
    const get = async (name: string): Promise<bigint> => BigInt(await system.rollup.getFunction(name)());
    expect(await get("RATIO")).toBe(RATIO);
    expect(await get("MAX_MARKETS")).toBe(BigInt(MAX_MARKETS));
    expect(await get("AMOUNT_LIMIT")).toBe(1n << BigInt(AMOUNT_BITS));
    expect(await get("PRICE_LIMIT")).toBe(1n << BigInt(PRICE_BITS));
    expect(await get("FUNDING_LIMIT")).toBe(1n << BigInt(FUNDING_BITS - 1));
    expect(await get("publicInputCount")).toBe(BigInt(publicSignalNames(2).length));
    // Timestamps, insurance, fees and amounts travel in exactly as wide ABI types.
    const fields = system.rollup.interface.getFunction("submitBatch")!.inputs[0]!.components!;
    const type = (name: string): string => fields.find((p) => p.name === name)!.type;
    expect([type("timestamp"), type("insuranceNew"), type("feesNew")]).toEqual([`uint${TIME_BITS}`, `uint${FUND_BITS}`, `uint${FUND_BITS}`]);
    expect(fields.find((p) => p.name === "withdrawals")!.format()).toBe("(address,uint64)[]");
    expect(ADDRESS_BITS).toBe(160);
  });
});

describe("Poseidon contracts (circomlibjs bytecode)", () => {
  it("hash exactly as the TypeScript Poseidon, field edges included", async () => {
    const p = SNARK_FIELD_SIZE;
    for (const [arity, address] of system.poseidon) {
      const contract = new Contract(address, [`function poseidon(uint256[${arity}]) pure returns (uint256)`], owner);
      const vectors = [Array(arity).fill(0n), Array(arity).fill(p - 1n), Array.from({ length: arity }, (_, i) => BigInt(i + 1) * 0x9e3779b97f4a7c15n)];
      for (const v of vectors) expect(BigInt(await contract.getFunction("poseidon")(v))).toBe(poseidon(v));
    }
  });
});

describe("market parameters", () => {
  it("the deployed commitment is Poseidon(Poseidon(params_0), Poseidon(params_1))", async () => {
    expect(await system.client.paramsHash()).toBe(paramsHash(poseidon, MARKETS.slice(0, 2)));
    expect(await system.client.paramsHash()).toBe(poseidon([marketHash(poseidon, MARKETS[0]!), marketHash(poseidon, MARKETS[1]!)]));
    expect(await system.client.marketParams(1)).toEqual(MARKETS[1]);
    const events = await system.rollup.queryFilter(system.rollup.filters.MarketParamsSet!());
    expect(events.length).toBe(2);
  });

  it("setMarketParams: owner only, validated, event, new hash in force from the next batch", async () => {
    const changed: MarketParams = { mmr: 1n, imr: 999_999n, penalty: 999_999n, fee: 0n, maxFunding: 999_999n };
    const receipt = await system.client.setMarketParams(1, changed);
    expect(receipt.gasUsed).toBeGreaterThan(0n);
    const expected = paramsHash(poseidon, [MARKETS[0]!, changed]);
    expect(await system.client.paramsHash()).toBe(expected);
    const [event] = (await system.rollup.queryFilter(system.rollup.filters.MarketParamsSet!(1n))).slice(-1);
    const args = (event as unknown as { args: { paramsHash: bigint; effectiveFromBatch: bigint } }).args;
    expect(args.paramsHash).toBe(expected);
    expect(args.effectiveFromBatch).toBe((await system.client.batchCount()) + 1n);

    await expectRevert(system.client.connect(other).setMarketParams(0, MARKETS[0]!), "NotOwner");
    await expectRevert(system.client.setMarketParams(2, MARKETS[0]!), "UnknownMarket");
    await expectRevert(system.client.marketParams(2), "UnknownMarket");
    const base = MARKETS[0]!;
    const bad: MarketParams[] = [
      { ...base, mmr: 0n },
      { ...base, mmr: base.imr + 1n },
      { ...base, mmr: 1_000_000n, imr: 1_000_000n },
      { ...base, penalty: 1_000_000n },
      { ...base, fee: 1_000_000n },
      { ...base, maxFunding: 1_000_000n },
    ];
    for (const p of bad) await expectRevert(system.client.setMarketParams(0, p), "InvalidMarketParams");
    await system.client.setMarketParams(1, MARKETS[1]!);
    expect(await system.client.paramsHash()).toBe(paramsHash(poseidon, MARKETS.slice(0, 2)));
  });

  it("ownership moves in two steps", async () => {
    const { rollup } = system;
    await expectRevert(send(rollup, owner, "transferOwnership", ["0x" + "00".repeat(20)]), "ZeroOwner");
    await send(rollup, owner, "transferOwnership", [await other.getAddress()]);
    await expectRevert(send(rollup, chain.signers[2]!, "acceptOwnership", []), "NotPendingOwner");
    await send(rollup, other, "acceptOwnership", []);
    expect(await rollup.getFunction("owner")()).toBe(await other.getAddress());
    await expectRevert(system.client.setMarketParams(0, MARKETS[0]!), "NotOwner");
    await send(rollup, other, "transferOwnership", [await owner.getAddress()]);
    await send(rollup, owner, "acceptOwnership", []);
    expect(await rollup.getFunction("owner")()).toBe(await owner.getAddress());
  });
});

describe("deployment checks", () => {
  const deployWith = (patch: (c: MarginRollupConfig) => MarginRollupConfig) =>
    tryDeploy(circuits, owner, "MarginRollup", [rollupConfigToContract(patch(system.config))]);

  it("refuses every inconsistent configuration with a named error", async () => {
    const eoa = await other.getAddress();
    const c = system.config;
    await expectRevert(deployWith((x) => ({ ...x, markets: [] })), "MarketCountOutOfRange");
    await expectRevert(deployWith((x) => ({ ...x, markets: [...MARKETS, MARKETS[0]!] })), "MarketCountOutOfRange");
    await expectRevert(deployWith((x) => ({ ...x, feeds: x.feeds.slice(0, 1) })), "WrongMarketCount");
    await expectRevert(deployWith((x) => ({ ...x, verifier: eoa })), "NotAContract");
    await expectRevert(deployWith((x) => ({ ...x, collateral: eoa })), "NotAContract");
    await expectRevert(deployWith((x) => ({ ...x, feeds: [x.feeds[0]!, eoa] })), "NotAContract");
    await expectRevert(deployWith((x) => ({ ...x, genesisRoot: SNARK_FIELD_SIZE })), "NotAFieldElement");
    await expectRevert(deployWith((x) => ({ ...x, owner: "0x" + "00".repeat(20) })), "ZeroOwner");
    await expectRevert(deployWith((x) => ({ ...x, markets: [MARKETS[0]!, { ...MARKETS[1]!, imr: 0n }] })), "InvalidMarketParams");
    // A Poseidon contract of the wrong arity (or none) in any role.
    const wrong = c.hashers.poseidon4;
    for (const role of ["poseidon3", "poseidon5", "poseidonMarkets"] as const) {
      await expectRevert(deployWith((x) => ({ ...x, hashers: { ...x.hashers, [role]: wrong } })), "PoseidonUnavailable");
    }
    await expectRevert(deployWith((x) => ({ ...x, hashers: { ...x.hashers, poseidon4: eoa } })), "PoseidonUnavailable");
    // The genuine configuration deploys.
    const again = await deployWith((x) => x);
    expect(BigInt(await again.getFunction("stateRoot")())).toBe(c.genesisRoot);
  });
});

describe("PriceFeed", () => {
  it("records rounds for updaters only and answers with the Chainlink tuple", async () => {
    const feed = system.feeds[0]!;
    await expectRevert(send(feed, owner, "latestRoundData", []), "UnknownRound");
    await expectRevert(send(feed, other, "submit", [100n]), "NotUpdater");
    await expectRevert(send(feed, other, "setUpdater", [await other.getAddress(), true]), "NotOwner");
    await expectRevert(send(feed, owner, "submit", [1n << 191n]), "AnswerOutOfRange");
    const receipt = await send(feed, owner, "submit", [123_456n]);
    const at = BigInt((await receipt.getBlock()).timestamp);
    const round = [1n, 123_456n, at, at, 1n];
    expect([...(await feed.getFunction("getRoundData")(1n))]).toEqual(round);
    expect([...(await feed.getFunction("latestRoundData")())]).toEqual(round);
    const updated = (await feed.queryFilter(feed.filters.AnswerUpdated!())).map((e) => (e as unknown as { args: unknown[] }).args);
    expect(updated.map((a) => [...a])).toEqual([[123_456n, 1n, at]]);
    await expectRevert(send(feed, owner, "getRoundData", [0n]), "UnknownRound");
    await expectRevert(send(feed, owner, "getRoundData", [2n]), "UnknownRound");
    await send(feed, owner, "setUpdater", [await other.getAddress(), true]);
    await send(feed, other, "submit", [-5n]); // the feed stores any answer; the rollup judges prices
    expect(BigInt(await feed.getFunction("latestRound")())).toBe(2n);
    await send(feed, owner, "setUpdater", [await other.getAddress(), false]);
    await expectRevert(send(feed, other, "submit", [1n]), "NotUpdater");
    expect(await feed.getFunction("decimals")()).toBe(6n);
    expect(await feed.getFunction("version")()).toBe(1n);
  });
});

describe("MockUSDC", () => {
  it("is a 6-decimal ERC-20 with ERC-6093 errors and an owner-run blocklist", async () => {
    const token = system.token;
    const [a, b] = [await owner.getAddress(), await other.getAddress()];
    const zero = "0x" + "00".repeat(20);
    const balance = (x: string): Promise<bigint> => token.getFunction("balanceOf")(x) as Promise<bigint>;
    expect(await token.getFunction("decimals")()).toBe(6n);
    await expectRevert(send(token, other, "mint", [b, 1n]), "NotOwner");
    await send(token, owner, "mint", [a, 1_000n]);
    await expectRevert(send(token, owner, "mint", [zero, 1n]), "ERC20InvalidReceiver");
    await expectRevert(send(token, other, "transfer", [a, 1n]), "ERC20InsufficientBalance");
    await expectRevert(send(token, owner, "transfer", [zero, 1n]), "ERC20InvalidReceiver");
    await expectRevert(send(token, owner, "approve", [zero, 1n]), "ERC20InvalidSpender");
    await expectRevert(send(token, other, "transferFrom", [a, b, 1n]), "ERC20InsufficientAllowance");
    await expectRevert(send(token, other, "transferFrom", [zero, b, 0n]), "ERC20InvalidSender");
    await send(token, owner, "approve", [b, 300n]);
    await send(token, other, "transferFrom", [a, b, 200n]);
    expect(await token.getFunction("allowance")(a, b)).toBe(100n);
    await send(token, owner, "approve", [b, (1n << 256n) - 1n]);
    await send(token, other, "transferFrom", [a, b, 100n]);
    expect(await token.getFunction("allowance")(a, b)).toBe((1n << 256n) - 1n);
    expect([await balance(a), await balance(b), await token.getFunction("totalSupply")()]).toEqual([700n, 300n, 1_000n]);
    await send(token, owner, "setBlocked", [b, true]);
    await expectRevert(send(token, owner, "transfer", [b, 1n]), "ERC20Blocked");
    await expectRevert(send(token, other, "transfer", [a, 1n]), "ERC20Blocked");
    await send(token, owner, "setBlocked", [b, false]);
    await send(token, other, "transfer", [a, 300n]);
    expect(await balance(a)).toBe(1_000n);
  });
});

describe("coverage", () => {
  it("reached every error on this suite's list", () => {
    expect(ERRORS_REACHED_BY.config.filter((e) => !reachedErrors.has(e))).toEqual([]);
  });
});
