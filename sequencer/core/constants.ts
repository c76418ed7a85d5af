/**
 * Every number the margin core's encodings rest on, in one place (docs/CORE_SPEC.md §1). The
 * circuits repeat these as literals; tests assert that the two agree.
 */

/** Scale of every ratio: parts per million. */
export const RATIO = 1_000_000n;

export const COLLATERAL_BITS = 64;
export const AMOUNT_BITS = 62;
export const SIZE_BITS = 48;
/** Order size, fill and filled amount: unsigned below the top of the signed position range. */
export const ORDER_SIZE_BITS = SIZE_BITS - 1;
export const PRICE_BITS = 48;
export const FUNDING_BITS = 49;
export const RATIO_BITS = 20;
export const CERT_BITS = 72;
export const HEALTH_BITS = 130;
export const NONCE_BITS = 32;
export const ORDER_ID_BITS = 32;
export const TIME_BITS = 40;
export const FUND_BITS = 64;
/** An L1 (Ethereum) address, the payee of a withdrawal. */
export const ADDRESS_BITS = 160;
/** Batch numbers: the contract's uint counter; the builder refuses anything beyond this. */
export const BATCH_NUMBER_BITS = 64;

/** Certificate sentinels: a market an account is not long in has no floor, not short: no ceiling. */
export const NO_FLOOR = -(1n << BigInt(CERT_BITS - 1));
export const NO_CEIL = (1n << BigInt(CERT_BITS - 1)) - 1n;

/** Domain tags, the first input of every signed message. */
export const TAG_ORDER = 1n;
export const TAG_WITHDRAW = 2n;
export const TAG_LIQUIDATE = 3n;

/** The value of an empty account leaf: Z_0 of the certificate tree (§3, §4). */
export const EMPTY_LEAF = 0n;

/** Depth of each account's order-slot tree: 2^K concurrently tracked orders. */
export const DEFAULT_ORDER_SLOT_DEPTH = 3;

/** Markets per instance: the account leaf is one Poseidon of 6 + 3M inputs, at most 16. */
export const MAX_MARKETS = 3;

/** The account that may receive liquidated positions without signing (the backstop). */
export const BACKSTOP_ACCOUNT = 0n;

export enum OpType {
  Noop = 0,
  Deposit = 1,
  Withdrawal = 2,
  Trade = 3,
  Liquidation = 4,
  Recertify = 5,
}

export enum Side {
  Buy = 0,
  Sell = 1,
}

/** Range helpers shared by the engine and the builder: the ranges the circuit's checks admit. */
export function signedFits(x: bigint, bits: number): boolean {
  const half = 1n << BigInt(bits - 1);
  return x >= -half && x < half;
}

export function unsignedFits(x: bigint, bits: number): boolean {
  return x >= 0n && x < 1n << BigInt(bits);
}

/**
 * The public signals of the batch circuit, in declaration order, for `markets` markets. The one
 * ordered list: the circuit test, the contract's input builder and the calldata encoder use it.
 */
export function publicSignalNames(markets: number): string[] {
  const perMarket = (name: string) => Array.from({ length: markets }, (_, m) => `${name}[${m}]`);
  return [
    "oldRoot",
    "newRoot",
    "batchNumber",
    "timestamp",
    ...perMarket("price"),
    ...perMarket("fundingOld"),
    ...perMarket("funding"),
    "paramsHash",
    "depositHashOld",
    "depositHashNew",
    "withdrawHash",
    "insuranceOld",
    "insuranceNew",
    "feesOld",
    "feesNew",
    "liquidations",
  ];
}

/** A name of publicSignalNames split into its input and, for a per-market input, the market. */
export function splitSignalName(name: string): { base: string; index: number | undefined } {
  const match = /^(\w+)(?:\[(\d+)\])?$/.exec(name);
  if (match === null) throw new Error(`unexpected public signal name ${name}`);
  return { base: match[1]!, index: match[2] === undefined ? undefined : Number(match[2]) };
}
