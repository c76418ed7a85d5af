/**
 * One batch end to end against a deployed MarginRollup: read the chain (after checking it holds the
 * sequencer's state), assemble the batch with the mirror, check the contract would build the same
 * public inputs, prove, check the circuit's public signals are the mirror's, submit (simulated
 * first), check contract == TypeScript == circuit, pay out the withdrawals, report.
 *
 * Each stage is a method, so a test can stop between two of them (a proof submitted with a
 * tampered batch, or after the chain moved); `run` is all of them in order.
 */
import type { CircuitInputs } from "../../prover/prove.js";
import { prove, toSolidityCalldata } from "../../prover/prove.js";
import { ChainRevertError } from "../chain/errors.js";
import { encodeInputs } from "../core/batch/index.js";
import { publicSignalNames } from "../core/constants.js";
import type { CoreState } from "../core/state.js";
import { assembleBatch } from "./assemble.js";
import { readChainView } from "./chainView.js";
import {
  PipelineError,
  type AssembledBatch,
  type BatchReport,
  type BatchRequest,
  type ClaimResult,
  type OpKind,
  type PipelineDeps,
  type ProvenBatch,
} from "./types.js";

export interface SubmittedReceipt {
  readonly gasUsed: bigint;
  readonly txHash: string;
}

/** Called as `run` passes each stage, for progress output. */
export interface PipelineObserver {
  assembled?(batch: AssembledBatch): void;
  proved?(batch: ProvenBatch): void;
  submitted?(batch: ProvenBatch, receipt: SubmittedReceipt): void;
}

export class BatchPipeline {
  readonly deps: PipelineDeps;

  constructor(deps: PipelineDeps) {
    this.deps = deps;
  }

  /** Stages 1-2: the chain's view (checked against `state`) and the sealed batch. */
  async assemble(state: CoreState, request: BatchRequest = {}): Promise<AssembledBatch> {
    const view = await readChainView(this.deps, state, request);
    return assembleBatch(this.deps, state, view, request);
  }

  /** Stage 3: the contract's `publicInputs(batch)` must be the mirror's public signals (before proving: cheap). */
  async checkAgainstContract(batch: AssembledBatch): Promise<void> {
    const onChain = await this.deps.client.publicInputs(batch.submission);
    compareSignals("contract publicInputs(batch)", onChain, batch.sealed.publicSignals, this.deps.shape.markets);
  }

  /** Stage 4: witness and Groth16 proof; the circuit's public signals must be the mirror's. */
  async prove(batch: AssembledBatch): Promise<ProvenBatch> {
    const { wasm, zkey } = this.deps.circuit;
    const proof = await prove(wasm, zkey, encodeInputs(batch.sealed.inputs) as unknown as CircuitInputs);
    compareSignals("circuit public signals", proof.publicSignals, batch.sealed.publicSignals, this.deps.shape.markets);
    return { ...batch, proof, calldata: toSolidityCalldata(proof.proof, proof.publicSignals) };
  }

  /** Stage 5: submit (the client simulates first), then contract == TypeScript == circuit. */
  async submit(batch: ProvenBatch): Promise<SubmittedReceipt> {
    const { client } = this.deps;
    await this.checkAgainstContract(batch); // the chain may have moved since stage 3
    const submitted = await client.submitBatch(batch.submission, batch.calldata);
    const after = batch.sealed.state;
    const circuitRoot = batch.proof.publicSignals[publicSignalNames(this.deps.shape.markets).indexOf("newRoot")];
    const checks: Array<[string, bigint | undefined, bigint]> = [
      ["batch number", submitted.batchNumber, after.ledger.batchCount],
      ["contract root", await client.stateRoot(), after.root],
      ["circuit newRoot", circuitRoot, after.root],
      ["insurance fund", await client.insuranceFund(), after.ledger.insurance],
      ["fee pool", await client.feePool(), after.ledger.fees],
      ["deposits consumed", await client.depositsConsumed(), after.ledger.depositCount],
    ];
    const differ = checks.filter(([, a, b]) => a !== b).map(([what, a, b]) => `${what} ${String(a)} != TypeScript ${b}`);
    if (differ.length > 0) throw new PipelineError("PublicInputMismatch", `after batch ${submitted.batchNumber}: ${differ.join("; ")}`);
    return { gasUsed: submitted.gasUsed, txHash: submitted.txHash };
  }

  /** Stage 6: pays each credited L1 address (anyone may trigger it); a refusal is reported, not thrown. */
  async claim(batch: AssembledBatch): Promise<ClaimResult[]> {
    const { client } = this.deps;
    const accounts = [...new Set(batch.submission.withdrawals.map((w) => w.account))];
    const results: ClaimResult[] = [];
    for (const account of accounts) {
      const amount = await client.claimable(account);
      if (amount === 0n) continue;
      try {
        const receipt = await client.claim(account);
        results.push({ account, amount, gasUsed: receipt.gasUsed });
      } catch (err) {
        if (!(err instanceof ChainRevertError)) throw err;
        results.push({ account, amount, error: err.message });
      }
    }
    return results;
  }

  /** Every stage in order: the next verified batch from `state`, and its report (with the new state). */
  async run(state: CoreState, request: BatchRequest = {}, observer: PipelineObserver = {}): Promise<BatchReport> {
    const assembled = await this.assemble(state, request);
    await this.checkAgainstContract(assembled);
    observer.assembled?.(assembled);
    const proven = await this.prove(assembled);
    observer.proved?.(proven);
    const receipt = await this.submit(proven);
    observer.submitted?.(proven, receipt);
    const claims = request.claim === false ? [] : await this.claim(proven);
    return report(proven, receipt, claims, this.deps.circuit.constraints);
  }
}

function report(batch: ProvenBatch, receipt: SubmittedReceipt, claims: ClaimResult[], constraints: number): BatchReport {
  const { sealed, submission, view } = batch;
  const ops: Record<OpKind, number> = { deposit: 0, withdrawal: 0, trade: 0, liquidation: 0, recertify: 0, noop: 0 };
  for (const { op } of batch.included) ops[op.kind] += 1;
  ops.noop = sealed.inputs.opType.length - batch.included.length;
  const liquidations = batch.included.flatMap(({ op }) => (op.kind === "liquidation" ? [{ liquidated: op.liquidated, receiver: op.receiver }] : []));
  return {
    batchNumber: sealed.state.ledger.batchCount,
    root: sealed.state.root,
    publicSignals: batch.proof.publicSignals,
    timestamp: view.timestamp,
    prices: view.rounds.map((r) => r.answer),
    ops,
    included: batch.included,
    rejected: batch.rejected,
    deferred: batch.deferred,
    liquidations,
    depositsThrough: submission.depositsThrough,
    insurance: sealed.state.ledger.insurance,
    fees: sealed.state.ledger.fees,
    constraints,
    buildMs: batch.buildMs,
    witnessMs: batch.proof.witnessMs,
    proveMs: batch.proof.proveMs,
    gasUsed: receipt.gasUsed,
    txHash: receipt.txHash,
    claims,
    state: sealed.state,
  };
}

/** Throws PublicInputMismatch naming every signal where `got` differs from the mirror's `expected`. */
function compareSignals(what: string, got: readonly bigint[], expected: readonly bigint[], markets: number): void {
  const names = publicSignalNames(markets);
  if (got.length !== names.length) throw new PipelineError("PublicInputMismatch", `${what}: ${got.length} signals, expected ${names.length}`);
  const differ = names.filter((_, i) => got[i] !== expected[i]);
  if (differ.length > 0) {
    throw new PipelineError("PublicInputMismatch", `${what} differ from the mirror's at ${differ.map((n) => `${n} (${got[names.indexOf(n)]} != ${expected[names.indexOf(n)]})`).join(", ")}`);
  }
}
