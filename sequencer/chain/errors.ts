/**
 * Reverts of the chain contracts decoded into one typed error. The client simulates every call
 * first, so a refused batch, deposit or claim surfaces here before any gas is spent.
 */
import { isCallException, type Interface } from "ethers";

/** Every custom error MarginRollup can revert with (test/contracts.*.test.ts checks this list
 * against the compiled ABI and reaches each one). */
export const MARGIN_ROLLUP_ERRORS = [
  "BatchTimestampBeforePrevious",
  "BatchTimestampInFuture",
  "DepositPositionBehind",
  "DepositPositionBeyondQueue",
  "FundingOutOfRange",
  "InvalidAmount",
  "InvalidMarketParams",
  "InvalidPrice",
  "InvalidProof",
  "InvalidWithdrawalAmount",
  "MarketCountOutOfRange",
  "NotAContract",
  "NotAFieldElement",
  "NotOwner",
  "NotPendingOwner",
  "NothingToClaim",
  "PoseidonUnavailable",
  "PriceRoundAfterBatch",
  "PriceRoundRegressed",
  "StalePriceRound",
  "TokenTransferFailed",
  "UnknownMarket",
  "UnknownPriceRound",
  "VerifierCallFailed",
  "WrongMarketCount",
  "ZeroOwner",
] as const;

export const PRICE_FEED_ERRORS = ["AnswerOutOfRange", "NotOwner", "NotPendingOwner", "NotUpdater", "UnknownRound", "ZeroOwner"] as const;

export const MOCK_USDC_ERRORS = [
  "ERC20Blocked",
  "ERC20InsufficientAllowance",
  "ERC20InsufficientBalance",
  "ERC20InvalidReceiver",
  "ERC20InvalidSender",
  "ERC20InvalidSpender",
  "NotOwner",
  "NotPendingOwner",
  "ZeroOwner",
] as const;

export type MarginRollupErrorName = (typeof MARGIN_ROLLUP_ERRORS)[number];
export type ChainErrorName = MarginRollupErrorName | (typeof PRICE_FEED_ERRORS)[number] | (typeof MOCK_USDC_ERRORS)[number];

/** A call a chain contract refused, named by its custom error. */
export class ChainRevertError extends Error {
  override name = "ChainRevertError";
  readonly errorName: ChainErrorName;
  readonly args: readonly unknown[];
  /** For TokenTransferFailed: the token's own error, decoded from its revert data. */
  readonly inner: ChainRevertError | undefined;

  constructor(errorName: ChainErrorName, args: readonly unknown[], inner?: ChainRevertError) {
    const shown = args.map((a) => (typeof a === "string" && a.length > 42 ? `${a.slice(0, 18)}…` : String(a)));
    super(`reverted with ${errorName}(${shown.join(", ")})${inner === undefined ? "" : ` <- ${inner.message}`}`);
    this.errorName = errorName;
    this.args = args;
    this.inner = inner;
  }
}

/**
 * `err` as a ChainRevertError when its revert data is a custom error of one of `interfaces`
 * (tried in order); otherwise `err` itself. A TokenTransferFailed carries the token's revert data,
 * decoded into `inner` the same way.
 */
export function decodeRevert(err: unknown, interfaces: readonly Interface[]): Error {
  const data = revertData(err);
  const decoded = data === undefined ? undefined : decodeData(data, interfaces);
  if (decoded !== undefined) return decoded;
  return err instanceof Error ? err : new Error(String(err));
}

function decodeData(data: string, interfaces: readonly Interface[]): ChainRevertError | undefined {
  for (const iface of interfaces) {
    const parsed = safeParse(iface, data);
    if (parsed === null) continue;
    const args = [...parsed.args];
    const inner = parsed.name === "TokenTransferFailed" ? decodeData(String(args[4]), interfaces) : undefined;
    return new ChainRevertError(parsed.name as ChainErrorName, args, inner);
  }
  return undefined;
}

function safeParse(iface: Interface, data: string): ReturnType<Interface["parseError"]> {
  try {
    return iface.parseError(data);
  } catch {
    return null;
  }
}

/**
 * Revert data of a failed call. ethers puts it on `data` of a CALL_EXCEPTION; Hardhat's in-process
 * provider throws its own error with `data` (a string, or an object holding it when Hardhat has the
 * contract's artifact); JSON-RPC wrappers nest it under `error`, `info` or `cause`.
 */
function revertData(err: unknown, depth = 0): string | undefined {
  if (typeof err !== "object" || err === null || depth > 4) return undefined;
  if (isCallException(err) && typeof err.data === "string" && err.data.length >= 10) return err.data;
  const e = err as { data?: unknown; error?: unknown; info?: { error?: unknown }; cause?: unknown };
  if (typeof e.data === "string" && /^0x[0-9a-fA-F]{8}/.test(e.data)) return e.data;
  // Hardhat's ProviderError for a contract it has an artifact of: data = { reason, data: "0x…" }.
  const nested = typeof e.data === "object" ? revertData(e.data, depth + 1) : undefined;
  return nested ?? revertData(e.error, depth + 1) ?? revertData(e.info?.error, depth + 1) ?? revertData(e.cause, depth + 1);
}
