import { max } from "../arith.js";
import { BACKSTOP_ACCOUNT, FUND_BITS, OpType, unsignedFits } from "../constants.js";
import { initialHealth, liquidationPenalty, maintenanceHealth } from "../margin.js";
import { liquidationHash, nonceInRange, signatureInField } from "../order.js";
import { EMPTY_SIG } from "./inputs.js";
import { certify, reject, requireAccount, requireIndex, requireSignature, settled, sigInputs, type Plan, type PlanEnv } from "./plan.js";
import type { LiquidationOp } from "./types.js";

/**
 * Liquidation (§7): A below maintenance margin hands every position to B at the oracle price; the
 * penalty ceil(sum |s| p penalty / RATIO) goes to the insurance fund, which also covers a negative
 * balance. B is a signing liquidator that must end above initial margin, or the backstop account 0.
 */
export function planLiquidation(env: PlanEnv, op: LiquidationOp): Plan {
  const ia = op.liquidated;
  const ib = op.receiver;
  const backstop = ib === BACKSTOP_ACCOUNT;
  if (!backstop) {
    if (op.nonce === undefined || op.sig === undefined) reject("BadSignature", "a liquidator other than the backstop must sign");
    if (!nonceInRange(op.nonce)) reject("OutOfRange", `nonce ${op.nonce}`);
    if (!signatureInField(op.sig)) reject("OutOfRange", "signature component outside the field");
  }
  requireIndex(env, ia, "A");
  requireIndex(env, ib, "B");
  if (ia === ib) reject("SameAccount", `account ${ia} cannot receive its own positions`);
  const accA = requireAccount(env, ia, "A");
  const accB = requireAccount(env, ib, "B");
  if (maintenanceHealth(accA, env.markets) >= 0n) reject("NotLiquidatable", `account ${ia} is above maintenance margin`);
  if (!backstop) {
    if (op.nonce !== accB.nonce) reject("BadNonce", `signed nonce ${op.nonce}, liquidator nonce ${accB.nonce}`);
    const msg = liquidationHash(env.poseidon, { liquidatorIndex: ib, liquidatedIndex: ia, nonce: accB.nonce });
    requireSignature(env, accB, msg, op.sig!, "B");
  }

  const a = settled(env, accA);
  const b = settled(env, accB);
  const moved = a.size;
  const notionalValue = moved.reduce((v, s, m) => v + s * env.markets[m]!.price, 0n);
  const penalty = liquidationPenalty(a, env.markets);
  const x = a.collateral + notionalValue;
  const left = max(x - penalty, 0n);
  const insurance = env.ledger.insurance + (x - left);
  if (insurance < 0n) reject("InsuranceExhausted", `deficit ${-(x - left)} exceeds the fund ${env.ledger.insurance}`);
  if (!unsignedFits(insurance, FUND_BITS)) reject("Overflow", `insurance fund ${insurance} outside ${FUND_BITS} bits`);

  const afterA = a.with({ size: moved.map(() => 0n), collateral: left });
  const afterB = b.with({
    size: b.size.map((s, m) => s + moved[m]!),
    collateral: b.collateral - notionalValue,
    nonce: backstop ? b.nonce : b.nonce + 1n,
  });
  const violation = afterB.rangeViolation();
  if (violation !== undefined) reject("Overflow", `B: ${violation}`);
  if (!backstop && initialHealth(afterB, env.markets) < 0n) reject("InsufficientMargin", "liquidator would end below initial margin");

  return {
    opType: OpType.Liquidation,
    a: { index: ia, after: certify(env, afterA, "A") },
    b: { index: ib, after: certify(env, afterB, "B") },
    extras: { sig: [{ ...EMPTY_SIG }, backstop ? { ...EMPTY_SIG } : sigInputs(op.sig!)] },
    ledger: { insurance },
    liquidation: true,
  };
}
