import type { SolidityCalldata } from "../../prover/prove.js";
import { nameDepositBatchSignals } from "./publicSignals.js";

/**
 * Arguments of `Rollup.submitBatch(newRoot, depositsHash, a, b, c)`. oldRoot and batchNumber are
 * not sent: the contract takes them from its own state, so they are dropped here.
 */
export function submitBatchArgs(
  proof: SolidityCalldata,
): [bigint, bigint, SolidityCalldata["a"], SolidityCalldata["b"], SolidityCalldata["c"]] {
  const { newRoot, depositsHash } = nameDepositBatchSignals(proof.input);
  return [newRoot, depositsHash, proof.a, proof.b, proof.c];
}
