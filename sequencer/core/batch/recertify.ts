import { OpType } from "../constants.js";
import { certify, requireAccount, settled, UNTOUCHED, type Plan, type PlanEnv } from "./plan.js";
import type { RecertifyOp } from "./types.js";

/** Re-certification (§7): settlement and a new certificate, nothing else. */
export function planRecertify(env: PlanEnv, op: RecertifyOp): Plan {
  const before = requireAccount(env, op.index, "A");
  return { opType: OpType.Recertify, a: { index: op.index, after: certify(env, settled(env, before), "A") }, b: UNTOUCHED };
}
