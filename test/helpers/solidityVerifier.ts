/**
 * Test helper: export the Solidity verifier of a zkey as `npm run setup` does, compile it in memory
 * and deploy it on a fresh in-process Hardhat chain. Writes nothing to disk, so tests stay inside
 * their temporary directories.
 */
import { network } from "hardhat";
import type { BaseContract } from "ethers";
import { exportVerifier } from "../../prover/build.js";
import type { SolidityCalldata } from "../../prover/prove.js";
import { compileSoliditySources } from "./contracts.js";

export interface Groth16VerifierContract extends BaseContract {
  verifyProof(a: SolidityCalldata["a"], b: SolidityCalldata["b"], c: SolidityCalldata["c"], input: bigint[]): Promise<boolean>;
}

export async function deployGroth16Verifier(zkeyPath: string): Promise<Groth16VerifierContract> {
  const compiled = compileSoliditySources({ "Verifier.sol": await exportVerifier(zkeyPath, "Groth16Verifier") });
  const artifact = compiled.get("Groth16Verifier")!;
  const { ethers } = await network.create();
  const [signer] = await ethers.getSigners();
  const contract = await new ethers.ContractFactory(artifact.abi, artifact.bytecode, signer).deploy();
  await contract.waitForDeployment();
  return contract as unknown as Groth16VerifierContract;
}
