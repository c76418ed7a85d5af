/**
 * The L1 deposit queue on Hardhat's in-process chain: every chain value the contract stores (and
 * emits) equals the TypeScript Poseidon chain h_{n+1} = Poseidon(h_n, pkX, pkY, amount), the token
 * moves, and every refusal is a named error.
 */
import type { Contract, Signer } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import type { DeployedSystem } from "../sequencer/chain/deploy.js";
import { depositChain } from "../sequencer/chain/hashes.js";
import type { QueuedDeposit } from "../sequencer/chain/types.js";
import { ERRORS_REACHED_BY } from "./helpers/errorCoverage.js";
import {
  buildEchoCircuits,
  deployEchoSystem,
  expectRevert,
  newChain,
  reachedErrors,
  transact,
  type Chain,
  type EchoCircuits,
} from "./helpers/marginChain.js";
import { testKeys } from "./helpers/core.js";

const AMOUNT_LIMIT = 1n << 62n;

let circuits: EchoCircuits;
let chain: Chain;
let system: DeployedSystem;
let poseidon: Poseidon;
let alice: Signer;
let bob: Signer;

beforeAll(async () => {
  circuits = await buildEchoCircuits([2]);
  chain = await newChain();
  system = await deployEchoSystem(circuits, chain, 2);
  poseidon = await getPoseidon();
  [, alice, bob] = chain.signers as [Signer, Signer, Signer];
  for (const s of [alice, bob]) await transact(system.token, "mint", [await s.getAddress(), AMOUNT_LIMIT * 4n], []);
});

afterAll(() => circuits.cleanup());

const balance = async (who: Signer | Contract): Promise<bigint> =>
  BigInt(await system.token.getFunction("balanceOf")(await who.getAddress()));

describe("deposit queue", () => {
  const queued: QueuedDeposit[] = [];

  it("starts empty: h_0 = 0", async () => {
    expect(await system.client.depositCount()).toBe(0n);
    expect(await system.client.depositChainAt(0n)).toBe(0n);
  });

  it("every stored and emitted chain value equals the TypeScript Poseidon chain", async () => {
    const keys = await testKeys(3);
    const plan: Array<[Signer, QueuedDeposit]> = [
      [alice, { pubKey: keys[0]!, amount: 1n }],
      [bob, { pubKey: keys[1]!, amount: 2_500_000_000n }],
      [alice, { pubKey: keys[0]!, amount: AMOUNT_LIMIT - 1n }],
      [bob, { pubKey: keys[2]!, amount: 7n }],
      // Any field element is a key as far as the queue goes; the circuit decides what it credits.
      [alice, { pubKey: { x: SNARK_FIELD_SIZE - 1n, y: 0n }, amount: 42n }],
    ];
    const rollupBefore = await balance(system.rollup);
    const aliceBefore = await balance(alice);
    const emitted: bigint[] = [0n];
    for (const [signer, d] of plan) {
      const result = await system.client.connect(signer).deposit(d.pubKey, d.amount);
      queued.push(d);
      expect(result.position).toBe(BigInt(queued.length));
      emitted.push(result.chainValue);
    }
    const expected = depositChain(poseidon, queued);
    expect(emitted).toEqual(expected);
    for (let n = 0; n <= queued.length; n++) expect(await system.client.depositChainAt(BigInt(n))).toBe(expected[n]);
    expect(await system.client.depositCount()).toBe(BigInt(queued.length));

    const total = plan.reduce((s, [, d]) => s + d.amount, 0n);
    const fromAlice = plan.filter(([s]) => s === alice).reduce((s, [, d]) => s + d.amount, 0n);
    expect((await balance(system.rollup)) - rollupBefore).toBe(total);
    expect(aliceBefore - (await balance(alice))).toBe(fromAlice);

    const events = await system.rollup.queryFilter(system.rollup.filters.Deposited!());
    const args = events.map((e) => (e as unknown as { args: { position: bigint; sender: string; pkX: bigint; pkY: bigint; amount: bigint } }).args);
    expect(args.map((a) => [a.position, a.pkX, a.pkY, a.amount])).toEqual(queued.map((d, i) => [BigInt(i + 1), d.pubKey.x, d.pubKey.y, d.amount]));
    expect(args[1]!.sender).toBe(await bob.getAddress());
  });

  it("refuses amounts outside [1, 2^62) and keys outside the field", async () => {
    const client = system.client.connect(alice);
    await expectRevert(client.deposit({ x: 1n, y: 2n }, 0n), "InvalidAmount");
    await expectRevert(client.deposit({ x: 1n, y: 2n }, AMOUNT_LIMIT), "InvalidAmount");
    const err = await expectRevert(client.deposit({ x: SNARK_FIELD_SIZE, y: 2n }, 1n), "NotAFieldElement");
    expect(err.args).toEqual([SNARK_FIELD_SIZE]);
    await expectRevert(client.deposit({ x: 1n, y: SNARK_FIELD_SIZE + 5n }, 1n), "NotAFieldElement");
    expect(await system.client.depositCount()).toBe(BigInt(queued.length));
  });

  it("a token that refuses the pull refuses the deposit, with the token's reason", async () => {
    const rollup = system.rollup.connect(alice) as Contract;
    const interfaces = [system.rollup.interface, system.token.interface];
    await transact(system.token.connect(alice) as Contract, "approve", [await rollup.getAddress(), 0n], interfaces);
    const noAllowance = await expectRevert(transact(rollup, "deposit", [1n, 2n, 10n], interfaces), "TokenTransferFailed");
    expect(noAllowance.inner?.errorName).toBe("ERC20InsufficientAllowance");
    await transact(system.token, "setBlocked", [await alice.getAddress(), true], interfaces);
    const blocked = await expectRevert(system.client.connect(alice).deposit({ x: 1n, y: 2n }, 10n), "TokenTransferFailed");
    expect(blocked.inner?.errorName).toBe("ERC20Blocked");
    await transact(system.token, "setBlocked", [await alice.getAddress(), false], interfaces);
    expect(await system.client.depositCount()).toBe(BigInt(queued.length));
  });

  it("answers chain values only for positions in the queue", async () => {
    const count = await system.client.depositCount();
    const err = await expectRevert(system.client.depositChainAt(count + 1n), "DepositPositionBeyondQueue");
    expect(err.args).toEqual([count + 1n, count]);
  });

  it("reached every error on this suite's list", () => {
    expect(ERRORS_REACHED_BY.queue.filter((e) => !reachedErrors.has(e))).toEqual([]);
  });
});
