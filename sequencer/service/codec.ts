/**
 * JSON with bigints, for what the store keeps (operations, batch contexts, proofs) and what the API
 * sends. A bigint is written as a decimal string with a trailing "n" so that reading it back cannot
 * mistake an ordinary string for a number; nothing else in the stored shapes ends that way.
 */
const BIGINT = /^-?\d+n$/;

export function toJSONText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}

export function fromJSONText<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => (typeof v === "string" && BIGINT.test(v) ? BigInt(v.slice(0, -1)) : v)) as T;
}

/** The API's plain form: every bigint as a decimal string (clients parse the fields they know). */
export function toApiJSON(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}
