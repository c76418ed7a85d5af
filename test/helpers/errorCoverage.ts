/**
 * Which chain-side suite reaches which custom error. test/contracts.config.test.ts checks that the
 * lists together name every error of MarginRollup, PriceFeed and MockUSDC; each suite checks that
 * it reached every error on its own list.
 */
export const ERRORS_REACHED_BY = {
  config: [
    "MarketCountOutOfRange",
    "WrongMarketCount",
    "NotAContract",
    "NotAFieldElement",
    "PoseidonUnavailable",
    "InvalidMarketParams",
    "UnknownMarket",
    "NotOwner",
    "NotPendingOwner",
    "ZeroOwner",
    "NotUpdater",
    "UnknownRound",
    "AnswerOutOfRange",
    "ERC20Blocked",
    "ERC20InsufficientAllowance",
    "ERC20InsufficientBalance",
    "ERC20InvalidReceiver",
    "ERC20InvalidSender",
    "ERC20InvalidSpender",
  ],
  queue: ["InvalidAmount", "NotAFieldElement", "DepositPositionBeyondQueue", "TokenTransferFailed", "ERC20InsufficientAllowance", "ERC20Blocked"],
  batch: ["InvalidProof", "BatchTimestampBeforePrevious", "NothingToClaim", "TokenTransferFailed", "ERC20Blocked"],
  rules: [
    "VerifierCallFailed",
    "NotAFieldElement",
    "BatchTimestampInFuture",
    "BatchTimestampBeforePrevious",
    "WrongMarketCount",
    "PriceRoundRegressed",
    "UnknownPriceRound",
    "InvalidPrice",
    "PriceRoundAfterBatch",
    "StalePriceRound",
    "FundingOutOfRange",
    "DepositPositionBehind",
    "DepositPositionBeyondQueue",
    "InvalidWithdrawalAmount",
  ],
} as const;
