import type { Account } from "./account.js";
import { abs, ceilDiv, floorDiv } from "./arith.js";
import { RATIO } from "./constants.js";
import type { MarketContext } from "./market.js";

/**
 * Margin in the units of CORE_SPEC §3: every health figure is scaled by RATIO, so it is exact in
 * integers. Health is computed from K and the per-market Y values, which is valid whether or not
 * the account has been settled (settlement leaves K unchanged).
 */

function checkMarkets(account: Account, markets: readonly MarketContext[]): void {
  if (account.markets !== markets.length) {
    throw new RangeError(`account of ${account.markets} markets against ${markets.length} market contexts`);
  }
}

/** MH = RATIO*K + sum_m s_m Y_m, Y_m = YL_m for a long, YS_m for a short. Healthy when >= 0. */
export function maintenanceHealth(account: Account, markets: readonly MarketContext[]): bigint {
  checkMarkets(account, markets);
  return account.size.reduce((h, s, m) => {
    const mk = markets[m]!;
    return h + s * (s > 0n ? mk.YL : mk.YS);
  }, RATIO * account.k());
}

/** IH: the same with imr (IL, IS). A trade or withdrawal must leave it >= 0. */
export function initialHealth(account: Account, markets: readonly MarketContext[]): bigint {
  checkMarkets(account, markets);
  return account.size.reduce((h, s, m) => {
    const mk = markets[m]!;
    return h + s * (s > 0n ? mk.IL : mk.IS);
  }, RATIO * account.k());
}

/** Value(x) = c + sum s_m p_m - sum s_m (F_m - f_m), in quote units (DESIGN §2). */
export function accountValue(account: Account, markets: readonly MarketContext[]): bigint {
  checkMarkets(account, markets);
  return account.size.reduce((v, s, m) => {
    const mk = markets[m]!;
    return v + s * mk.price - s * (mk.funding - account.funding[m]!);
  }, account.collateral);
}

/** sum |s_m| p_m mmr_m: the maintenance requirement scaled by RATIO. */
export function maintenanceRequirement(account: Account, markets: readonly MarketContext[]): bigint {
  checkMarkets(account, markets);
  return account.size.reduce((r, s, m) => r + abs(s) * markets[m]!.price * markets[m]!.params.mmr, 0n);
}

/** sum |s_m| p_m imr_m: the initial requirement scaled by RATIO. */
export function initialRequirement(account: Account, markets: readonly MarketContext[]): bigint {
  checkMarkets(account, markets);
  return account.size.reduce((r, s, m) => r + abs(s) * markets[m]!.price * markets[m]!.params.imr, 0n);
}

/** The liquidation threshold of one market with every other market's price held fixed. */
export interface LiquidationPrice {
  readonly market: number;
  /** "below" for a long (liquidatable when the price falls under `price`), "above" for a short */
  readonly direction: "below" | "above";
  /** long: the lowest healthy price; short: the highest healthy price (may be <= 0 or huge) */
  readonly price: bigint;
}

/**
 * Where the account's maintenance health crosses zero as market `m`'s price moves, holding the
 * other markets and all funding indices fixed: a distance-to-liquidation figure for risk views.
 * Null when the account holds nothing in `m`.
 */
export function liquidationPrice(account: Account, markets: readonly MarketContext[], m: number): LiquidationPrice | null {
  checkMarkets(account, markets);
  const s = account.size[m];
  const mk = markets[m];
  if (s === undefined || mk === undefined) throw new RangeError(`no market ${m}`);
  if (s === 0n) return null;
  // MH = rest + s * ((RATIO -/+ mmr) p - RATIO F); solve MH >= 0 for p.
  const rest = maintenanceHealth(account, markets) - s * (s > 0n ? mk.YL : mk.YS) - s * RATIO * mk.funding;
  if (s > 0n) return { market: m, direction: "below", price: ceilDiv(-rest, s * (RATIO - mk.params.mmr)) };
  return { market: m, direction: "above", price: floorDiv(rest, -s * (RATIO + mk.params.mmr)) };
}

/** The fee each side of a trade pays: ceil(q P fee / RATIO), rounded up for the protocol (§7). */
export function tradeFee(fill: bigint, price: bigint, market: MarketContext): bigint {
  return ceilDiv(fill * price * market.params.fee, RATIO);
}

/** A liquidation's penalty on everything the account holds: ceil(sum |s_m| p_m penalty_m / RATIO) (§7). */
export function liquidationPenalty(account: Account, markets: readonly MarketContext[]): bigint {
  checkMarkets(account, markets);
  return ceilDiv(
    account.size.reduce((v, s, m) => v + abs(s) * markets[m]!.price * markets[m]!.params.penalty, 0n),
    RATIO,
  );
}
