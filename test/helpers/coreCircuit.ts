/**
 * The margin batch circuit (the `margin_test` instance the global setup builds) as the circuit tests
 * use it: honest witnesses from one loaded witness calculator, the mirror's public signals to compare
 * them with, and the tools of a cheating prover: tampered inputs that must stop at a named
 * constraint, and edited witnesses that must break the R1CS.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { WitnessCalculatorBuilder, type WitnessCalculator } from "circom_runtime";
import { expect } from "vitest";
import { MARGIN_TEST_SHAPE } from "../../circuits/instances.js";
import type { BuiltInstance } from "../../prover/build.js";
import { SNARK_FIELD_SIZE } from "../../sequencer/crypto/field.js";
import { BatchBuilder, encodeInputs, type MarginBatchInputs, type Op, type SealedBatch } from "../../sequencer/core/batch/index.js";
import { publicSignalNames } from "../../sequencer/core/constants.js";
import type { MarketParams } from "../../sequencer/core/market.js";
import type { CoreState } from "../../sequencer/core/state.js";
import { counterSalt, nextContext, type ContextOverrides, type CoreKit } from "./core.js";
import { assertionFailure, failedAt, lineOf, readSymbols, satisfiesR1cs, type MemWitness } from "./witness.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CORE = join(ROOT, "circuits/core");
const CIRCOMLIB = join(ROOT, "node_modules/circomlib/circuits");

/** The circuit files whose constraints the cheating tests name, with the template each defines. */
export const AT = {
  batch: { file: join(CORE, "margin_batch.circom"), template: "MarginBatch" },
  slot: { file: join(CORE, "op_slot.circom"), template: "OpSlot" },
  decode: { file: join(CORE, "ops/op_decode.circom"), template: "OpDecode" },
  trade: { file: join(CORE, "ops/trade.circom"), template: "Trade" },
  orderSlot: { file: join(CORE, "ops/order_slot.circom"), template: "OrderSlot" },
  update: { file: join(CORE, "account/account_update.circom"), template: "AccountUpdate" },
  positive: { file: join(CORE, "lib/positive_range.circom"), template: "PositiveRange" },
  signatures: { file: join(CORE, "ops/slot_signatures.circom"), template: "SlotSignatures" },
  eddsa: { file: join(CIRCOMLIB, "eddsaposeidon.circom"), template: "EdDSAPoseidonVerifier" },
  forceEqual: { file: join(CIRCOMLIB, "comparators.circom"), template: "ForceEqualIfEnabled" },
} as const;
export type Place = (typeof AT)[keyof typeof AT];

/** A signature check fails: S*B8 = R8 + 8*h*A, x or y (the two halves of one equation). */
export const BAD_SIGNATURE: [Place, string][] = [
  [AT.forceEqual, "(1 - isz.out)*enabled === 0;"],
  [AT.signatures, "verify[j].M <== msg[j].out;"],
];

export const SHAPE = MARGIN_TEST_SHAPE;
export const PUBLIC_NAMES = publicSignalNames(SHAPE.markets);
export const P = SNARK_FIELD_SIZE;

/** The batch circuit with a witness calculator kept loaded (compiling the wasm per witness is slow). */
export class MarginCircuit {
  private symbols: Map<string, number> | undefined;

  private constructor(
    readonly built: BuiltInstance,
    private readonly code: Uint8Array,
    private readonly wc: WitnessCalculator,
  ) {}

  static async load(built: BuiltInstance): Promise<MarginCircuit> {
    const code = await readFile(built.paths.wasm);
    return new MarginCircuit(built, code, await WitnessCalculatorBuilder(code));
  }

  /** The public signals the circuit computes: witness positions 1 .. 13 + 3M. */
  async publicSignals(inputs: MarginBatchInputs): Promise<bigint[]> {
    // Read from the .wtns bytes: converting all 59k values to bigints costs more than the rest.
    const data = await this.wc.calculateWTNSBin(encodeInputs(inputs), true);
    return PUBLIC_NAMES.map((_, k) => wtnsValue(data, k + 1));
  }

  /** The witness as a .wtns file in memory, to check or edit. */
  async memWitness(inputs: MarginBatchInputs): Promise<MemWitness> {
    return { type: "mem", data: await this.wc.calculateWTNSBin(encodeInputs(inputs), true) };
  }

  satisfies(w: MemWitness): Promise<boolean> {
    return satisfiesR1cs(this.built.paths.r1cs, w);
  }

  /** Witness index of a named signal (`main.slot[0].newCollateral[0]`); throws when optimised away. */
  async signal(name: string): Promise<number> {
    this.symbols ??= await readSymbols(this.built.paths.sym);
    const index = this.symbols.get(name);
    if (index === undefined) throw new Error(`no witness signal ${name}`);
    return index;
  }

  /**
   * The failure trace of inputs that must violate a constraint. A fresh calculator each time: one
   * keeps the traces of all its earlier failures in its message, which would blur which rule failed.
   */
  async failure(inputs: MarginBatchInputs): Promise<string> {
    const wc = await WitnessCalculatorBuilder(this.code);
    return assertionFailure(() => wc.calculateWitness(encodeInputs(inputs), true));
  }

  /**
   * Expects the witness generator to stop at a constraint: the failure's trace (innermost template
   * first, up to MarginBatch) must pass through every `[place, snippet]` given, each naming the line
   * of `place` that contains `snippet`. The generator stops at the first failing constraint, so the
   * trace names the one rule that caught the cheat.
   */
  async expectFailsAt(inputs: MarginBatchInputs, ...at: [Place, string][]): Promise<void> {
    const trace = await this.failure(inputs);
    for (const [place, snippet] of at) {
      const line = await lineOf(place.file, snippet);
      expect(failedAt(trace, place.template, line), `expected ${place.template} line ${line} (${snippet}) in:\n${trace}`).toBe(true);
    }
  }

  /** The mirror's batch is accepted with exactly its public signals (and, if asked, the R1CS holds). */
  async expectAccepted(sealed: SealedBatch, checkR1cs = false): Promise<void> {
    expect(await this.publicSignals(sealed.inputs)).toEqual(sealed.publicSignals);
    if (checkR1cs) expect(await this.satisfies(await this.memWitness(sealed.inputs))).toBe(true);
  }
}

/**
 * Witness value `index` of a .wtns file (format 2): a header section whose n8 (32) and prime are
 * followed by the witness count at byte 60, then the values, 32 bytes little-endian each, last.
 */
function wtnsValue(data: Uint8Array, index: number): bigint {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getUint32(60, true);
  const start = data.length - (count - index) * 32;
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(data[start + i]!);
  return v;
}

/** A deep copy of `inputs` changed by `tamper`. */
export function tampered(inputs: MarginBatchInputs, tamper: (i: MarginBatchInputs) => void): MarginBatchInputs {
  const copy = structuredClone(inputs);
  tamper(copy);
  return copy;
}

/** Seals `ops` at the test shape (every one must be accepted): the mirror's honest batch. */
export function sealOps(kit: CoreKit, state: CoreState, ops: readonly Op[], o: ContextOverrides = {}): SealedBatch {
  const b = new BatchBuilder({ shape: SHAPE, state, context: nextContext(state, o), deps: { poseidon: kit.poseidon, eddsa: kit.eddsa, salt: counterSalt() } });
  for (const op of ops) {
    const r = b.add(op);
    if (!r.ok) throw new Error(`op ${op.kind} refused: ${r.reason} ${r.detail}`);
  }
  return b.seal();
}

/** Market parameters with initial margin lowered to maintenance: what a mirror that skipped the
 * initial-margin rule would accept. Certificates depend on mmr only, so the batch is otherwise honest. */
export function withoutInitialMargin(params: readonly MarketParams[]): MarketParams[] {
  return params.map((p) => ({ ...p, imr: p.mmr }));
}
