import { BACKSTOP_ACCOUNT } from "../constants.js";
import { maintenanceHealth } from "../margin.js";
import { marketContexts, type MarketContext, type MarketParams } from "../market.js";
import type { CoreState } from "../state.js";
import type { LiquidationOp, RecertifyOp } from "./types.js";

/**
 * What the batch must do about accounts whose certificates the batch's Y values violate (the root
 * check would fail otherwise): re-certify those still healthy, liquidate the rest into the backstop.
 * Liquidations come first: they feed the insurance fund before any deficit must be covered.
 */
export function maintenanceOps(state: CoreState, markets: readonly MarketContext[]): (LiquidationOp | RecertifyOp)[] {
  return maintenanceOpsFor(state, markets, state.violations(markets));
}

/** maintenanceOps for violators already found (by the risk engine's BoundIndex, say). */
export function maintenanceOpsFor(state: Pick<CoreState, "account">, markets: readonly MarketContext[], violators: readonly bigint[]): (LiquidationOp | RecertifyOp)[] {
  const liquidate: LiquidationOp[] = [];
  const recertify: RecertifyOp[] = [];
  for (const index of violators) {
    if (maintenanceHealth(state.account(index), markets) < 0n) {
      liquidate.push({ kind: "liquidation", liquidated: index, receiver: BACKSTOP_ACCOUNT });
    } else {
      recertify.push({ kind: "recertify", index });
    }
  }
  return [...liquidate, ...recertify];
}

/**
 * Accounts whose certificates would fail the root check in a batch at these prices and funding
 * indices (market parameters `params`), for a sequencer watching the oracle between batches.
 */
export function accountsPastBounds(state: CoreState, params: readonly MarketParams[], prices: readonly bigint[], funding: readonly bigint[]): bigint[] {
  const states = prices.map((price, m) => ({ price, fundingOld: state.ledger.funding[m]!, funding: funding[m]! }));
  return state.violations(marketContexts(params, states));
}
