import type { Signature } from "../../crypto/babyjub.js";
import type { Poseidon } from "../../crypto/poseidon.js";
import type { Account } from "../account.js";
import { recertified } from "../certificate.js";
import { FUND_BITS, OpType, unsignedFits } from "../constants.js";
import type { MarketContext } from "../market.js";
import type { OrderSlots } from "../orderSlots.js";
import type { CoreState, Ledger } from "../state.js";
import type { SlotExtras } from "./inputs.js";
import type { BatchDeps, RejectReason, Withdrawal } from "./types.js";

/**
 * Planning: each operation is checked and its result computed against the state WITHOUT writing
 * anything; the builder then commits the plan. A rule that fails throws a Rejection before the
 * first write, so a refused operation cannot leave a trace in the state.
 */

export class Rejection extends Error {
  override name = "Rejection";
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export function reject(reason: RejectReason, detail: string): never {
  throw new Rejection(reason, detail);
}

/** What a planner reads. The state is the builder's working state and must not be written. */
export interface PlanEnv {
  readonly poseidon: Poseidon;
  readonly eddsa: BatchDeps["eddsa"];
  readonly state: CoreState;
  readonly markets: readonly MarketContext[];
  readonly timestamp: bigint;
  readonly ledger: Ledger;
}

/** One account's part of a plan: `after` absent means untouched (its leaf is kept exactly). */
export interface AccountUpdate {
  readonly index: bigint;
  readonly after?: Account;
  /** the account's new order tree, when a trade filled one of its orders */
  readonly orders?: OrderSlots;
}

export interface Plan {
  readonly opType: OpType;
  readonly a: AccountUpdate;
  readonly b: AccountUpdate;
  readonly extras?: Partial<SlotExtras>;
  readonly ledger?: Partial<Pick<Ledger, "insurance" | "fees" | "depositHash" | "depositCount">>;
  readonly withdrawal?: Withdrawal;
  readonly liquidation?: boolean;
}

/** The account B names when the operation leaves B untouched (§9: index 0 by default). */
export const UNTOUCHED: AccountUpdate = { index: 0n };

export function requireIndex(env: PlanEnv, index: bigint, who: string): void {
  if (!env.state.inRange(index)) reject("IndexOutOfRange", `${who} index ${index} outside 2^${env.state.depth}`);
}

/** A non-empty account at a valid index. */
export function requireAccount(env: PlanEnv, index: bigint, who: string): Account {
  requireIndex(env, index, who);
  const account = env.state.account(index);
  if (account.isEmpty) reject("UnknownAccount", `${who}: no account at ${index}`);
  return account;
}

export function settled(env: PlanEnv, account: Account): Account {
  return account.settle(env.markets.map((m) => m.funding));
}

/** Range-checks a touched account's final fields and gives it its new certificate. */
export function certify(env: PlanEnv, account: Account, who: string): Account {
  const violation = account.rangeViolation();
  if (violation !== undefined) reject("Overflow", `${who}: ${violation}`);
  const out = recertified(account, env.markets);
  if (out === null) reject("NoValidCertificate", `${who} would end below maintenance margin`);
  return out;
}

export function requireSignature(env: PlanEnv, account: Account, msg: bigint, sig: Signature, who: string): void {
  if (!env.eddsa.verify(account.pubKey, msg, sig)) reject("BadSignature", `${who}: signature does not verify under the account's key`);
}

export function requireFund(value: bigint, name: string): void {
  if (!unsignedFits(value, FUND_BITS)) reject("Overflow", `${name} ${value} outside [0, 2^${FUND_BITS})`);
}

export function sigInputs(sig: Signature): { R8x: bigint; R8y: bigint; S: bigint } {
  return { R8x: sig.R8x, R8y: sig.R8y, S: sig.S };
}
