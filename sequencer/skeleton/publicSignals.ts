import { DEPOSIT_BATCH_PUBLIC_SIGNALS, type DepositBatchPublicSignal } from "./constants.js";

export type DepositBatchSignals = Readonly<Record<DepositBatchPublicSignal, bigint>>;

/** Names an ordered public-signal vector (snarkjs output or the builder's expectation). */
export function nameDepositBatchSignals(ordered: readonly bigint[]): DepositBatchSignals {
  if (ordered.length !== DEPOSIT_BATCH_PUBLIC_SIGNALS.length) {
    throw new RangeError(`expected ${DEPOSIT_BATCH_PUBLIC_SIGNALS.length} public signals, got ${ordered.length}`);
  }
  // Positions come from the one ordered list; the record type makes the compiler check every
  // name is present.
  const at = (name: DepositBatchPublicSignal): bigint => ordered[DEPOSIT_BATCH_PUBLIC_SIGNALS.indexOf(name)]!;
  return {
    oldRoot: at("oldRoot"),
    newRoot: at("newRoot"),
    depositsHash: at("depositsHash"),
    batchNumber: at("batchNumber"),
  };
}

/** Orders named public signals as the circuit declares them. */
export function orderDepositBatchSignals(named: DepositBatchSignals): bigint[] {
  return DEPOSIT_BATCH_PUBLIC_SIGNALS.map((name) => named[name]);
}
