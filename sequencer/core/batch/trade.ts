import type { Account } from "../account.js";
import { abs } from "../arith.js";
import { OpType, ORDER_SIZE_BITS, Side, unsignedFits } from "../constants.js";
import { initialHealth, tradeFee } from "../margin.js";
import { priceInRange } from "../market.js";
import { orderHash, orderRangeViolation, signatureInField, type SignedOrder } from "../order.js";
import type { OrderSlots } from "../orderSlots.js";
import type { OrderSlotInputs } from "./inputs.js";
import { certify, reject, requireAccount, requireFund, requireIndex, requireSignature, settled, sigInputs, type Plan, type PlanEnv } from "./plan.js";
import type { TradeOp } from "./types.js";

/**
 * Trade (§7): two signed orders on opposite sides of one market, filled `q` at `P` within both
 * limits and remaining sizes. Each side pays ceil(q P fee / RATIO) to the fee pool and must end
 * above initial margin, unless the trade only reduces its position.
 */
export function planTrade(env: PlanEnv, op: TradeOp): Plan {
  const { taker, maker, fill: q, price: P } = op;
  const sides = [
    ["A", taker],
    ["B", maker],
  ] as const;
  for (const [who, so] of sides) {
    const v = orderRangeViolation(so.order);
    if (v !== undefined) reject("OutOfRange", `${who} order: ${v}`);
    if (!signatureInField(so.sig)) reject("OutOfRange", `${who}: signature component outside the field`);
  }
  if (q < 1n || !unsignedFits(q, ORDER_SIZE_BITS)) reject("OutOfRange", `fill ${q} outside [1, 2^${ORDER_SIZE_BITS})`);
  if (!priceInRange(P)) reject("OutOfRange", `execution price ${P}`);

  const ia = taker.order.accountIndex;
  const ib = maker.order.accountIndex;
  requireIndex(env, ia, "A");
  requireIndex(env, ib, "B");
  if (ia === ib) reject("SameAccount", `both orders belong to account ${ia}`);
  const market = taker.order.market;
  for (const [who, so] of sides) {
    if (so.order.market >= BigInt(env.markets.length)) reject("UnknownMarket", `${who} order names market ${so.order.market}`);
  }
  if (maker.order.market !== market) reject("MarketMismatch", `markets ${market} and ${maker.order.market}`);
  if (taker.order.side === maker.order.side) reject("SameSide", `both orders are ${Side[taker.order.side]}`);
  const accA = requireAccount(env, ia, "A");
  const accB = requireAccount(env, ib, "B");

  for (const [who, so] of sides) {
    if (so.order.expiry < env.timestamp) reject("OrderExpired", `${who} order expired at ${so.order.expiry}`);
    const { side, limitPrice } = so.order;
    if (side === Side.Buy ? limitPrice < P : limitPrice > P) {
      reject("PriceOutsideLimit", `${who} ${Side[side]} limit ${limitPrice}, price ${P}`);
    }
  }
  requireSignature(env, accA, orderHash(env.poseidon, taker.order), taker.sig, "A");
  requireSignature(env, accB, orderHash(env.poseidon, maker.order), maker.sig, "B");

  const m = Number(market);
  const fee = tradeFee(q, P, env.markets[m]!);
  const a = fillSide(env, { account: accA, index: ia, signed: taker, q, P, fee, who: "A" });
  const b = fillSide(env, { account: accB, index: ib, signed: maker, q, P, fee, who: "B" });
  const fees = env.ledger.fees + 2n * fee;
  requireFund(fees, "fee pool");

  return {
    opType: OpType.Trade,
    a: { index: ia, after: a.after, orders: a.orders },
    b: { index: ib, after: b.after, orders: b.orders },
    extras: { order: [a.inputs, b.inputs], sig: [sigInputs(taker.sig), sigInputs(maker.sig)], fill: q, execPrice: P },
    ledger: { fees },
  };
}

interface SideArgs {
  readonly account: Account;
  readonly index: bigint;
  readonly signed: SignedOrder;
  readonly q: bigint;
  readonly P: bigint;
  readonly fee: bigint;
  readonly who: string;
}

/** One side of a trade: slot update, cash flow, fee, margin rule and certificate. */
function fillSide(env: PlanEnv, args: SideArgs): { after: Account; orders: OrderSlots; inputs: OrderSlotInputs } {
  const { signed, q, P, fee, who } = args;
  const { order } = signed;
  const filled = env.state.orders(args.index).fill(order.orderId, order.size, q);
  if (!filled.ok) reject(filled.reason, `${who}: ${filled.detail}`);

  const m = Number(order.market);
  const s = settled(env, args.account);
  const dir = order.side === Side.Buy ? 1n : -1n;
  const before = s.size[m]!;
  const size = [...s.size];
  size[m] = before + dir * q;
  const after = s.with({ size, collateral: s.collateral - dir * q * P - fee, ordersRoot: filled.next.root });
  const violation = after.rangeViolation();
  if (violation !== undefined) reject("Overflow", `${who}: ${violation}`);
  // Reducing: the account was on the other side of this trade by at least q before it.
  const reduces = dir * before < 0n && q <= abs(before);
  if (!reduces && initialHealth(after, env.markets) < 0n) reject("InsufficientMargin", `${who} would end below initial margin`);

  return {
    after: certify(env, after, who),
    orders: filled.next,
    inputs: {
      market: order.market,
      side: BigInt(order.side),
      size: order.size,
      limit: order.limitPrice,
      expiry: order.expiry,
      id: order.orderId,
      slotId: filled.before.id,
      slotFilled: filled.before.filled,
      slotSiblings: filled.siblings,
    },
  };
}
