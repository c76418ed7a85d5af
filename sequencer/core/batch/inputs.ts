import { toField, toFieldNested, type NestedBigint } from "../../crypto/field.js";
import { publicSignalNames, splitSignalName } from "../constants.js";
import type { CircuitShape } from "./types.js";

/**
 * The input object of `MarginBatch(D, M, T, K)`: keys exactly CORE_SPEC §9's signal names. Signed
 * values are signed bigints; `toFieldNested` encodes them for the witness generator.
 */
export interface MarginBatchInputs {
  // Public, in §8's order.
  oldRoot: bigint;
  newRoot: bigint;
  batchNumber: bigint;
  timestamp: bigint;
  price: bigint[];
  fundingOld: bigint[];
  funding: bigint[];
  paramsHash: bigint;
  depositHashOld: bigint;
  depositHashNew: bigint;
  withdrawHash: bigint;
  insuranceOld: bigint;
  insuranceNew: bigint;
  feesOld: bigint;
  feesNew: bigint;
  liquidations: bigint;
  // Per batch.
  mmr: bigint[];
  imr: bigint[];
  penalty: bigint[];
  fee: bigint[];
  maxFunding: bigint[];
  rootLeft: bigint;
  rootRight: bigint;
  /** [M][2]: [m][0] floor, [m][1] ceiling */
  rootAggLeft: bigint[][];
  rootAggRight: bigint[][];
  // Per slot [T], per account [T][2] (A then B).
  opType: bigint[];
  accIndex: bigint[][];
  accIsEmpty: bigint[][];
  accPkX: bigint[][];
  accPkY: bigint[][];
  accNonce: bigint[][];
  accCollateral: bigint[][];
  accOrdersRoot: bigint[][];
  accSalt: bigint[][];
  /** [T][2][M] */
  accSize: bigint[][][];
  accFunding: bigint[][][];
  accBound: bigint[][][];
  /** [T][2][D], level 0 = leaf level */
  accSiblings: bigint[][][];
  /** [T][2][D][M][2] */
  accSiblingAgg: bigint[][][][][];
  newSalt: bigint[][];
  /** [T][2][M] */
  newBound: bigint[][][];
  orderMarket: bigint[][];
  orderSide: bigint[][];
  orderSize: bigint[][];
  orderLimit: bigint[][];
  orderExpiry: bigint[][];
  orderId: bigint[][];
  slotId: bigint[][];
  slotFilled: bigint[][];
  /** [T][2][K] */
  slotSiblings: bigint[][][];
  sigR8x: bigint[][];
  sigR8y: bigint[][];
  sigS: bigint[][];
  fill: bigint[];
  execPrice: bigint[];
  depositPkX: bigint[];
  depositPkY: bigint[];
  depositAmount: bigint[];
  withdrawAmount: bigint[];
  withdrawAddress: bigint[];
}

export type MarginBatchInputName = keyof MarginBatchInputs;

/** Every key of MarginBatchInputs in §9's order; the record type makes the compiler check completeness. */
const NAME_SET: Record<MarginBatchInputName, true> = {
  oldRoot: true, newRoot: true, batchNumber: true, timestamp: true, price: true, fundingOld: true, funding: true,
  paramsHash: true, depositHashOld: true, depositHashNew: true, withdrawHash: true, insuranceOld: true,
  insuranceNew: true, feesOld: true, feesNew: true, liquidations: true,
  mmr: true, imr: true, penalty: true, fee: true, maxFunding: true,
  rootLeft: true, rootRight: true, rootAggLeft: true, rootAggRight: true,
  opType: true, accIndex: true, accIsEmpty: true, accPkX: true, accPkY: true, accNonce: true, accCollateral: true,
  accOrdersRoot: true, accSalt: true, accSize: true, accFunding: true, accBound: true, accSiblings: true,
  accSiblingAgg: true, newSalt: true, newBound: true,
  orderMarket: true, orderSide: true, orderSize: true, orderLimit: true, orderExpiry: true, orderId: true,
  slotId: true, slotFilled: true, slotSiblings: true, sigR8x: true, sigR8y: true, sigS: true,
  fill: true, execPrice: true, depositPkX: true, depositPkY: true, depositAmount: true, withdrawAmount: true,
  withdrawAddress: true,
};
export const MARGIN_BATCH_INPUT_NAMES = Object.keys(NAME_SET) as readonly MarginBatchInputName[];

/** One account's part of a slot: the leaf before the operation, its witness, and what changes. */
export interface AccountSlotInputs {
  index: bigint;
  isEmpty: bigint;
  pkX: bigint;
  pkY: bigint;
  nonce: bigint;
  collateral: bigint;
  ordersRoot: bigint;
  salt: bigint;
  size: bigint[];
  funding: bigint[];
  bound: bigint[];
  siblings: bigint[];
  siblingAgg: bigint[][][];
  newSalt: bigint;
  newBound: bigint[];
}

/** One order of a trade with the witness of its slot. */
export interface OrderSlotInputs {
  market: bigint;
  side: bigint;
  size: bigint;
  limit: bigint;
  expiry: bigint;
  id: bigint;
  slotId: bigint;
  slotFilled: bigint;
  slotSiblings: bigint[];
}

export interface SigInputs {
  R8x: bigint;
  R8y: bigint;
  S: bigint;
}

/** Everything about one slot besides its two accounts; unused fields stay zero. */
export interface SlotExtras {
  order: [OrderSlotInputs, OrderSlotInputs];
  sig: [SigInputs, SigInputs];
  fill: bigint;
  execPrice: bigint;
  depositPkX: bigint;
  depositPkY: bigint;
  depositAmount: bigint;
  withdrawAmount: bigint;
  withdrawAddress: bigint;
}

export interface SlotInputs extends SlotExtras {
  opType: bigint;
  acc: [AccountSlotInputs, AccountSlotInputs];
}

const zeros = (n: number): bigint[] => Array.from({ length: n }, () => 0n);

export function emptyOrderInputs(slotDepth: number): OrderSlotInputs {
  return { market: 0n, side: 0n, size: 0n, limit: 0n, expiry: 0n, id: 0n, slotId: 0n, slotFilled: 0n, slotSiblings: zeros(slotDepth) };
}

export const EMPTY_SIG: SigInputs = { R8x: 0n, R8y: 0n, S: 0n };

export function emptyExtras(shape: CircuitShape): SlotExtras {
  return {
    order: [emptyOrderInputs(shape.slotDepth), emptyOrderInputs(shape.slotDepth)],
    sig: [{ ...EMPTY_SIG }, { ...EMPTY_SIG }],
    fill: 0n,
    execPrice: 0n,
    depositPkX: 0n,
    depositPkY: 0n,
    depositAmount: 0n,
    withdrawAmount: 0n,
    withdrawAddress: 0n,
  };
}

/** Transposes slot records into the circuit's `[T]...` arrays. */
export function slotArrays(slots: readonly SlotInputs[]) {
  const acc = <K extends keyof AccountSlotInputs>(k: K): AccountSlotInputs[K][][] => slots.map((s) => [s.acc[0][k], s.acc[1][k]]);
  const ord = <K extends keyof OrderSlotInputs>(k: K): OrderSlotInputs[K][][] => slots.map((s) => [s.order[0][k], s.order[1][k]]);
  const sig = (k: keyof SigInputs): bigint[][] => slots.map((s) => [s.sig[0][k], s.sig[1][k]]);
  const one = (k: Exclude<keyof SlotExtras, "order" | "sig"> | "opType"): bigint[] => slots.map((s) => s[k]);
  return {
    opType: one("opType"),
    accIndex: acc("index"),
    accIsEmpty: acc("isEmpty"),
    accPkX: acc("pkX"),
    accPkY: acc("pkY"),
    accNonce: acc("nonce"),
    accCollateral: acc("collateral"),
    accOrdersRoot: acc("ordersRoot"),
    accSalt: acc("salt"),
    accSize: acc("size"),
    accFunding: acc("funding"),
    accBound: acc("bound"),
    accSiblings: acc("siblings"),
    accSiblingAgg: acc("siblingAgg"),
    newSalt: acc("newSalt"),
    newBound: acc("newBound"),
    orderMarket: ord("market"),
    orderSide: ord("side"),
    orderSize: ord("size"),
    orderLimit: ord("limit"),
    orderExpiry: ord("expiry"),
    orderId: ord("id"),
    slotId: ord("slotId"),
    slotFilled: ord("slotFilled"),
    slotSiblings: ord("slotSiblings"),
    sigR8x: sig("R8x"),
    sigR8y: sig("R8y"),
    sigS: sig("S"),
    fill: one("fill"),
    execPrice: one("execPrice"),
    depositPkX: one("depositPkX"),
    depositPkY: one("depositPkY"),
    depositAmount: one("depositAmount"),
    withdrawAmount: one("withdrawAmount"),
    withdrawAddress: one("withdrawAddress"),
  };
}

/**
 * The public signals the circuit must output, ordered by `publicSignalNames(M)` (the one list) and
 * field-encoded as snarkjs reports them (a negative funding index is p - |F|).
 */
export function publicSignalValues(inputs: MarginBatchInputs, markets: number): bigint[] {
  const named = inputs as unknown as Record<string, NestedBigint>;
  return publicSignalNames(markets).map((name) => {
    const { base, index } = splitSignalName(name);
    const value = named[base];
    const picked = index === undefined ? value : Array.isArray(value) ? value[index] : undefined;
    if (typeof picked !== "bigint") throw new Error(`internal: public signal ${name} is not a scalar input`);
    return toField(picked);
  });
}

/** The input object with every value field-encoded (negatives as p - |x|): what the witness generator reads. */
export function encodeInputs(inputs: MarginBatchInputs): Record<MarginBatchInputName, NestedBigint> {
  const out = {} as Record<MarginBatchInputName, NestedBigint>;
  for (const name of MARGIN_BATCH_INPUT_NAMES) out[name] = toFieldNested(inputs[name]);
  return out;
}
