/**
 * Test helper: export the Solidity verifier of a zkey as `npm run setup` does, compile it with the npm solc
 * the project pins, and deploy it on a fresh in-process Hardhat chain. Writes nothing to disk, so
 * tests stay inside their temporary directories.
 */
import { createRequire } from "node:module";
import { network } from "hardhat";
import * as snarkjs from "snarkjs";
import type { BaseContract } from "ethers";
import { exportVerifier } from "../../prover/build.js";

const require = createRequire(import.meta.url);
const solc = require("solc") as { compile(input: string): string };

type G1 = [bigint, bigint];
type G2 = [[bigint, bigint], [bigint, bigint]];
export type VerifierArgs = [G1, G2, G1, bigint[]];

export interface Groth16VerifierContract extends BaseContract {
  verifyProof(a: G1, b: G2, c: G1, input: bigint[]): Promise<boolean>;
}

export async function deployGroth16Verifier(zkeyPath: string): Promise<Groth16VerifierContract> {
  const source = await exportVerifier(zkeyPath, "Groth16Verifier");
  const out = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { "Verifier.sol": { content: source } },
        settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
      }),
    ),
  ) as {
    errors?: Array<{ severity: string; formattedMessage: string }>;
    contracts: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const artifact = out.contracts["Verifier.sol"]!["Groth16Verifier"]!;
  const { ethers } = await network.create();
  const [signer] = await ethers.getSigners();
  const factory = new ethers.ContractFactory(artifact.abi as never, "0x" + artifact.evm.bytecode.object, signer);
  const contract = await factory.deploy();
  await contract.waitForDeployment();
  return contract as unknown as Groth16VerifierContract;
}

/** snarkjs proof -> verifyProof arguments; G2 coordinates go in (imaginary, real) order on chain. */
export function solidityArgs(proof: snarkjs.Groth16Proof, publicSignals: readonly string[]): VerifierArgs {
  const b = (i: number): [bigint, bigint] => [BigInt(proof.pi_b[i]![1]!), BigInt(proof.pi_b[i]![0]!)];
  return [
    [BigInt(proof.pi_a[0]!), BigInt(proof.pi_a[1]!)],
    [b(0), b(1)],
    [BigInt(proof.pi_c[0]!), BigInt(proof.pi_c[1]!)],
    publicSignals.map((s) => BigInt(s)),
  ];
}
