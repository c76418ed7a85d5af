import { OpType } from "../constants.js";
import { initialHealth } from "../margin.js";
import { addressInRange, amountInRange, nonceInRange, signatureInField, withdrawalHash } from "../order.js";
import { EMPTY_SIG } from "./inputs.js";
import { certify, reject, requireAccount, requireSignature, settled, sigInputs, UNTOUCHED, type Plan, type PlanEnv } from "./plan.js";
import type { WithdrawalOp } from "./types.js";

/** Withdrawal (§7): signed by A with its nonce; c -= amount; A must end with IH >= 0. */
export function planWithdrawal(env: PlanEnv, op: WithdrawalOp): Plan {
  if (!amountInRange(op.amount)) reject("AmountOutOfRange", `withdrawal amount ${op.amount}`);
  if (!addressInRange(op.l1Address)) reject("OutOfRange", `L1 address ${op.l1Address}`);
  if (!nonceInRange(op.nonce)) reject("OutOfRange", `nonce ${op.nonce}`);
  if (!signatureInField(op.sig)) reject("OutOfRange", "signature component outside the field");
  const before = requireAccount(env, op.index, "A");
  if (op.nonce !== before.nonce) reject("BadNonce", `signed nonce ${op.nonce}, account nonce ${before.nonce}`);
  const msg = withdrawalHash(env.poseidon, { accountIndex: op.index, amount: op.amount, l1Address: op.l1Address, nonce: op.nonce });
  requireSignature(env, before, msg, op.sig, "A");
  const s = settled(env, before);
  const after = s.with({ collateral: s.collateral - op.amount, nonce: s.nonce + 1n });
  const violation = after.rangeViolation();
  if (violation !== undefined) reject("Overflow", `A: ${violation}`);
  if (initialHealth(after, env.markets) < 0n) reject("InsufficientMargin", "A would end below initial margin");
  return {
    opType: OpType.Withdrawal,
    a: { index: op.index, after: certify(env, after, "A") },
    b: UNTOUCHED,
    extras: { sig: [sigInputs(op.sig), { ...EMPTY_SIG }], withdrawAmount: op.amount, withdrawAddress: op.l1Address },
    withdrawal: { l1Address: op.l1Address, amount: op.amount },
  };
}
