import type { Account } from "./account.js";
import { abs, floorDiv, max, min } from "./arith.js";
import { CERT_BITS, NO_CEIL, NO_FLOOR, RATIO, signedFits } from "./constants.js";
import { maintenanceHealth } from "./margin.js";
import type { MarketContext } from "./market.js";

/**
 * Certificates (CORE_SPEC §3): per held market a bound b_m, a floor on YL for a long and a ceiling
 * on YS for a short, with RATIO*K + sum s_m b_m >= 0. Then the account is healthy for every market
 * state whose Y values respect its bounds, because health is affine in Y with coefficients s_m.
 */

/** RATIO*K + sum s_m b_m: the health the account would have if every Y sat exactly on its bound. */
export function certificateSlack(account: Account, bound: readonly bigint[] = account.bound): bigint {
  return account.size.reduce((h, s, m) => h + s * bound[m]!, RATIO * account.k());
}

/** What the circuit checks when it writes a leaf: slack >= 0, bounds signed CERT_BITS, canonical. */
export function certificateValid(account: Account, bound: readonly bigint[] = account.bound): boolean {
  if (bound.length !== account.markets) return false;
  if (!bound.every((b) => signedFits(b, CERT_BITS))) return false;
  if (!account.size.every((s, m) => s !== 0n || bound[m] === 0n)) return false;
  return certificateSlack(account, bound) >= 0n;
}

/** True when the bounds admit the batch's Y values: YL_m >= floor for longs, YS_m <= ceiling for shorts. */
export function certificateCovers(account: Account, markets: readonly MarketContext[], bound: readonly bigint[] = account.bound): boolean {
  return account.size.every((s, m) => {
    const mk = markets[m]!;
    if (s > 0n) return mk.YL >= bound[m]!;
    if (s < 0n) return mk.YS <= bound[m]!;
    return true;
  });
}

/**
 * The sequencer's choice of bounds: as loose as possible while covering the current Y values, or
 * null when the account is unhealthy (no valid certificate can cover them).
 *
 * The current maintenance slack H = RATIO*K + sum s_m Y_m >= 0 is spent across the held markets in
 * proportion to their notional |s_m| p_m, so every market tolerates the same relative price move
 * before the account needs re-certifying: b_m = Y_m -/+ floor(H p_m / sum_j |s_j| p_j). Then
 * sum |s_m| (Y_m - b_m) <= H and the certificate is valid. With one market this is exactly the
 * liquidation threshold, ceil(-RATIO*K / s) for a long and floor(RATIO*K / |s|) for a short.
 *
 * Clamping into signed CERT_BITS only tightens a bound toward Y (a long's floor up, a short's ceiling
 * down), which keeps validity: |Y| < 2^77 lies well inside the range.
 */
export function chooseBounds(account: Account, markets: readonly MarketContext[]): bigint[] | null {
  if (account.isEmpty) return account.size.map(() => 0n);
  const health = maintenanceHealth(account, markets);
  if (health < 0n) return null;
  const notional = account.size.reduce((n, s, m) => n + abs(s) * markets[m]!.price, 0n);
  const bound = account.size.map((s, m) => {
    if (s === 0n) return 0n;
    const mk = markets[m]!;
    const allowance = floorDiv(health * mk.price, notional);
    return s > 0n ? max(mk.YL - allowance, NO_FLOOR) : min(mk.YS + allowance, NO_CEIL);
  });
  // The argument above is the proof; this guards the arithmetic against a future edit.
  if (!certificateValid(account, bound) || !certificateCovers(account, markets, bound)) {
    throw new Error(`internal: chose an invalid certificate [${bound.join(", ")}]`);
  }
  return bound;
}

/** The account with freshly chosen bounds, or null when it is unhealthy at these markets. */
export function recertified(account: Account, markets: readonly MarketContext[]): Account | null {
  const bound = chooseBounds(account, markets);
  if (bound === null) return null;
  return account.isEmpty ? account : account.with({ bound });
}

/** Markets whose bound the Y values violate: the account needs re-certification or liquidation. */
export function violatedMarkets(account: Account, markets: readonly MarketContext[]): number[] {
  return account.size.flatMap((s, m) => {
    const mk = markets[m]!;
    const bad = (s > 0n && mk.YL < account.bound[m]!) || (s < 0n && mk.YS > account.bound[m]!);
    return bad ? [m] : [];
  });
}
