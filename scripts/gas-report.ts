/**
 * Gas of the chain side on Hardhat's in-process chain, with real proofs from the PublicEcho stand-in
 * for the margin batch circuit (M = 2: 19 public inputs, the same verifier cost as the real one):
 * submitBatch by number of withdrawals, against the Groth16 floor; deposit; claim; parameter change.
 * The rollup verifies inline (contracts/margin/BatchVerifier.sol); the "verifier alone" row calls
 * the generated standalone verifier contract, which verifies the same way but skips no zero input.
 *
 *   npx tsx scripts/gas-report.ts
 *
 * Everything is built into a temporary directory and removed afterwards.
 */
import { Contract, Interface, type Signer } from "ethers";
import { shutdownProver } from "../prover/prove.js";
import { getPoseidon } from "../sequencer/crypto/poseidon.js";
import type { WithdrawalRequest } from "../sequencer/chain/types.js";
import { defaultBatch, proveBatch, type BatchContext } from "../test/helpers/batches.js";
import { MARKETS, buildEchoCircuits, deployEchoSystem, newChain, transact } from "../test/helpers/marginChain.js";
import { testKeys } from "../test/helpers/core.js";

const M = 2;
const fmt = (n: bigint | number): string => n.toLocaleString("en-US");
const rows: Array<[string, bigint, string]> = [];
const row = (what: string, gas: bigint, note = ""): void => {
  rows.push([what, gas, note]);
};

/** EIP-2028 calldata cost: 16 per non-zero byte, 4 per zero byte. */
function calldataGas(data: string): bigint {
  let gas = 0n;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4n : 16n;
  return gas;
}

async function main(): Promise<void> {
  const circuits = await buildEchoCircuits([M]);
  try {
    const chain = await newChain();
    const system = await deployEchoSystem(circuits, chain, M);
    const ctx: BatchContext = { client: system.client, poseidon: await getPoseidon(), circuit: circuits.byMarkets.get(M)!, markets: M, now: chain.now };
    const users = chain.signers.slice(1, 6) as Signer[];
    const addrs = await Promise.all(users.map((u) => u.getAddress()));
    const keys = await testKeys(2);

    for (const a of addrs) await transact(system.token, "mint", [a, 1_000_000_000n], []);
    for (const [i, u] of users.slice(0, 2).entries()) {
      const client = system.client.connect(u);
      await transact(system.token.connect(u) as Contract, "approve", [await system.rollup.getAddress(), (1n << 256n) - 1n], []);
      const first = await client.deposit(keys[i]!, 5_000_000n);
      const second = await client.deposit(keys[i]!, 5_000_000n);
      if (i === 0) {
        row("deposit (first ever: queue count 0 -> 1)", first.gasUsed);
        row("deposit (steady state)", second.gasUsed, "Poseidon(4) + 2 SSTOREs + token pull");
      }
    }
    for (let m = 0; m < M; m++) await system.client.pushPrice(m, 1_000n + BigInt(m));

    // Warm-up batch: the first batch writes zero slots (funding, rounds) and is not typical.
    const warm = await proveBatch(ctx, await defaultBatch(ctx, { depositsThrough: 1n }));
    row("submitBatch, first batch (zero slots written)", (await system.client.submitBatch(warm.batch, warm.proof)).gasUsed);

    const withdrawalsOf = (n: number): WithdrawalRequest[] =>
      Array.from({ length: n }, (_, k) => ({ account: addrs[k % addrs.length]!, amount: 1_000n + BigInt(k) }));
    const batchGas = new Map<number, bigint>();
    let lastCalldata = "0x";
    let verifierAlone = 0n;
    for (const n of [0, 1, 4]) {
      for (let m = 0; m < M; m++) await system.client.pushPrice(m, 1_100n + BigInt(n * 10 + m));
      const proven = await proveBatch(ctx, await defaultBatch(ctx, { withdrawals: withdrawalsOf(n) }));
      const submitted = await system.client.submitBatch(proven.batch, proven.proof);
      batchGas.set(n, submitted.gasUsed);
      const tx = await chain.provider.getTransaction(submitted.txHash);
      if (n === 0) lastCalldata = tx!.data;
      row(`submitBatch, ${n} withdrawal${n === 1 ? "" : "s"}`, submitted.gasUsed, `calldata ${(tx!.data.length - 2) / 2} bytes`);

      if (n === 0) {
        // The verifier alone, called in its own transaction with the same proof and inputs.
        const verifierIface = new Interface(circuits.compiled.get(ctx.circuit.contract)!.abi);
        const data = verifierIface.encodeFunctionData("verifyProof", [proven.proof.a, proven.proof.b, proven.proof.c, proven.ordered]);
        const sent = await chain.signers[0]!.sendTransaction({ to: await system.verifier.getAddress(), data });
        const receipt = await sent.wait();
        verifierAlone = receipt!.gasUsed;
        row("verifier alone (tx calling verifyProof)", verifierAlone, `calldata ${(data.length - 2) / 2} bytes`);
      }
    }
    const perWithdrawal = (batchGas.get(4)! - batchGas.get(0)!) / 4n;

    const claim = await system.client.connect(users[0]!).claimWithdrawal();
    row("claimWithdrawal (first claim by an address)", claim.gasUsed);
    const relay = await system.client.connect(users[4]!).claim(addrs[1]!);
    row("claim(account) by a relayer", relay.gasUsed);
    row("setMarketParams (rehash M markets)", (await system.client.setMarketParams(0, { ...MARKETS[0]!, fee: 600n })).gasUsed);

    for (const [arity, address] of [...system.poseidon].sort((a, b) => a[0] - b[0])) {
      const iface = new Interface([`function poseidon(uint256[${arity}]) pure returns (uint256)`]);
      const data = iface.encodeFunctionData("poseidon", [Array.from({ length: arity }, (_, i) => 0x1234n + BigInt(i))]);
      const gas = await chain.provider.estimateGas({ to: address, data });
      row(`Poseidon(${arity}) contract call, execution only`, gas - 21_000n - calldataGas(data), "circomlibjs bytecode");
    }

    const nPublic = BigInt(13 + 3 * M);
    const floor = 21_000n + calldataGas(lastCalldata) + 181_000n + 6_150n * nPublic;
    const zero = batchGas.get(0)!;

    console.log(`Solvent chain-side gas (Hardhat in-process chain, M = ${M}, ${nPublic} public inputs, solc 0.8.30 via-IR, optimizer 1,000,000 runs)\n`);
    const width = Math.max(...rows.map((r) => r[0].length));
    for (const [what, gas, note] of rows) console.log(`  ${what.padEnd(width)}  ${fmt(gas).padStart(9)}  ${note}`);
    console.log(`\n  per extra withdrawal (from 0 -> 4)${" ".repeat(Math.max(0, width - 34))}  ${fmt(perWithdrawal).padStart(9)}  Poseidon(3) + credit SSTORE + event`);
    console.log(
      `\n  Groth16 floor of a 0-withdrawal batch: 21,000 tx + ${fmt(calldataGas(lastCalldata))} calldata + 181,000 pairing` +
        ` + ${nPublic} x 6,150 (ecMul + ecAdd) = ${fmt(floor)}`,
    );
    const pct = (x: bigint, base: bigint): string => `${(Number(((x - base) * 10_000n) / base) / 100).toFixed(1)}%`;
    console.log(`  submitBatch with 0 withdrawals: ${fmt(zero)} = that floor + ${pct(zero, floor)}`);
    console.log(`                                            = the verifier-alone transaction (${fmt(verifierAlone)}) + ${pct(zero, verifierAlone)}`);
  } finally {
    await circuits.cleanup();
    await shutdownProver();
  }
}

await main();
