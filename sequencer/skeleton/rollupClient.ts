import { isCallException, type BaseContract } from "ethers";
import type { SolidityCalldata } from "../../prover/prove.js";
import { submitBatchArgs } from "./rollupCalldata.js";

/** A call the Rollup contract refused, named by its custom error (e.g. "InvalidProof"). */
export class RollupRevertError extends Error {
  override name = "RollupRevertError";
  readonly errorName: string;
  readonly args: readonly unknown[];

  constructor(errorName: string, args: readonly unknown[]) {
    super(`Rollup reverted with ${errorName}(${args.map(String).join(", ")})`);
    this.errorName = errorName;
    this.args = args;
  }
}

export interface SubmittedBatch {
  readonly batchNumber: bigint;
  readonly gasUsed: bigint;
  readonly txHash: string;
}

/**
 * The sequencer's view of the skeleton `Rollup` contract. Submissions are simulated first, so a
 * proof the contract would refuse costs no gas and surfaces as a decoded custom error.
 */
export class RollupClient {
  private readonly contract: BaseContract;

  constructor(contract: BaseContract) {
    this.contract = contract;
  }

  async stateRoot(): Promise<bigint> {
    return BigInt(await this.contract.getFunction("stateRoot")());
  }

  async batchCount(): Promise<bigint> {
    return BigInt(await this.contract.getFunction("batchCount")());
  }

  /** The public input array the contract would hand its verifier for these values. */
  async publicInputs(oldRoot: bigint, newRoot: bigint, depositsHash: bigint, batchNumber: bigint): Promise<bigint[]> {
    const out: unknown[] = await this.contract.getFunction("publicInputs")(oldRoot, newRoot, depositsHash, batchNumber);
    return out.map((x) => BigInt(String(x)));
  }

  async submitBatch(proof: SolidityCalldata): Promise<SubmittedBatch> {
    const submit = this.contract.getFunction("submitBatch");
    const args = submitBatchArgs(proof);
    try {
      await submit.staticCall(...args);
    } catch (err) {
      throw this.decodeRevert(err);
    }
    const tx = await submit.send(...args);
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1) throw new Error(`submitBatch transaction ${tx.hash} failed`);
    const event = receipt.logs
      .map((log) => this.contract.interface.parseLog(log))
      .find((parsed) => parsed?.name === "BatchVerified");
    if (event === undefined || event === null) throw new Error(`submitBatch ${tx.hash} emitted no BatchVerified`);
    return { batchNumber: BigInt(event.args.getValue("batchNumber")), gasUsed: receipt.gasUsed, txHash: tx.hash };
  }

  /** A revert decoded against the contract's custom errors; other failures pass through. */
  private decodeRevert(err: unknown): Error {
    if (isCallException(err) && err.revert !== null) return new RollupRevertError(err.revert.name, [...err.revert.args]);
    const data = revertData(err);
    const decoded = data === undefined ? null : this.contract.interface.parseError(data);
    if (decoded !== null) return new RollupRevertError(decoded.name, [...decoded.args]);
    return err instanceof Error ? err : new Error(String(err));
  }
}

/**
 * Revert data of a failed call. ethers puts it on `data` of a CALL_EXCEPTION; Hardhat's in-process
 * provider throws its own error with `data`; JSON-RPC wrappers nest it under `error` or `info`.
 */
function revertData(err: unknown, depth = 0): string | undefined {
  if (typeof err !== "object" || err === null || depth > 4) return undefined;
  const e = err as { data?: unknown; error?: unknown; info?: { error?: unknown }; cause?: unknown };
  if (typeof e.data === "string" && /^0x[0-9a-fA-F]{8}/.test(e.data)) return e.data;
  return revertData(e.error, depth + 1) ?? revertData(e.info?.error, depth + 1) ?? revertData(e.cause, depth + 1);
}
