import { isFieldElement } from "../../crypto/field.js";
import { Account } from "../account.js";
import { OpType } from "../constants.js";
import { amountInRange } from "../order.js";
import { depositChainStep } from "../queues.js";
import { certify, reject, requireIndex, settled, UNTOUCHED, type Plan, type PlanEnv } from "./plan.js";
import type { DepositOp } from "./types.js";

/**
 * Deposit (§7): the next L1 queue item. An empty A becomes (pk, nonce 0, c = amount,
 * EMPTY_ORDERS_ROOT, s = 0, f = F, b = 0); an existing A must hold the same key and is credited.
 */
export function planDeposit(env: PlanEnv, op: DepositOp): Plan {
  if (!isFieldElement(op.pkX) || !isFieldElement(op.pkY)) reject("OutOfRange", "deposit key outside the field");
  if (!amountInRange(op.amount)) reject("AmountOutOfRange", `deposit amount ${op.amount}`);
  requireIndex(env, op.index, "A");
  const before = env.state.account(op.index);
  const F = env.markets.map((m) => m.funding);
  let after: Account;
  if (before.isEmpty) {
    after = Account.create({
      pkX: op.pkX,
      pkY: op.pkY,
      nonce: 0n,
      collateral: op.amount,
      ordersRoot: env.state.slots.emptyRoot,
      salt: 0n,
      size: F.map(() => 0n),
      funding: F,
      bound: F.map(() => 0n),
    });
  } else {
    if (before.pkX !== op.pkX || before.pkY !== op.pkY) reject("KeyMismatch", `account ${op.index} belongs to another key`);
    const s = settled(env, before);
    after = s.with({ collateral: s.collateral + op.amount });
  }
  return {
    opType: OpType.Deposit,
    a: { index: op.index, after: certify(env, after, "A") },
    b: UNTOUCHED,
    extras: { depositPkX: op.pkX, depositPkY: op.pkY, depositAmount: op.amount },
    ledger: {
      depositHash: depositChainStep(env.poseidon, env.ledger.depositHash, op.pkX, op.pkY, op.amount),
      depositCount: env.ledger.depositCount + 1n,
    },
  };
}
