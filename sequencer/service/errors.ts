/** A refusal the API reports as a 4xx (or 503) with a code a client can branch on. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status of a batch builder refusal: who is at fault, the request or the account's state. */
export function statusOfReason(reason: string): number {
  switch (reason) {
    case "BadSignature":
      return 401;
    case "UnknownAccount":
    case "UnknownMarket":
      return 404;
    case "BadNonce":
    case "StaleOrderId":
    case "Overfill":
      return 409;
    case "InsufficientMargin":
    case "NoValidCertificate":
    case "NotLiquidatable":
    case "InsuranceExhausted":
    case "Overflow":
      return 422;
    case "BatchFull":
      return 503;
    default:
      return 400;
  }
}
