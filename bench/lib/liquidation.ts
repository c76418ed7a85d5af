/**
 * Oracle-to-liquidation latency: a certificate tree holding n accounts with positions and
 * certificates, then for each oracle round the time from the new prices to the list of operations
 * the next batch needs, i.e.
 *
 *   prices -> marketContexts (Y values) -> the risk engine's BoundIndex (per market, certificate
 *   bounds sorted: the broken ones are a prefix) -> maintenanceOps' classification of each
 *   violator: liquidate (maintenance health < 0) or re-certify.
 *
 * The same answer from the certificate tree's aggregates (descending only into subtrees whose max
 * floor / min ceiling the new Y values break) and from a scan of every account is timed beside it.
 *
 * The tree is filled with CertTree.bulkLoad (about 2n Poseidon hashes instead of n*D). The index's
 * answer is checked once against a linear scan of every account, which is also timed (same run).
 */
import { Account } from "../../sequencer/core/account.js";
import { BACKSTOP_ACCOUNT } from "../../sequencer/core/constants.js";
import { maintenanceOps, maintenanceOpsFor, type LiquidationOp, type RecertifyOp } from "../../sequencer/core/batch/index.js";
import { BoundIndex } from "../../sequencer/core/boundIndex.js";
import { chooseBounds, violatedMarkets } from "../../sequencer/core/certificate.js";
import { CertTree } from "../../sequencer/core/certTree.js";
import { maintenanceHealth } from "../../sequencer/core/margin.js";
import { marketContexts, type MarketContext, type MarketParams } from "../../sequencer/core/market.js";
import type { CoreState } from "../../sequencer/core/state.js";
import type { Aggregates } from "../../sequencer/core/aggregates.js";
import { getPoseidon } from "../../sequencer/crypto/poseidon.js";
import { median, sig } from "./common.js";
import { xorshift32 } from "./rng.js";

const PARAMS: readonly MarketParams[] = [
  { mmr: 50_000n, imr: 100_000n, penalty: 10_000n, fee: 500n, maxFunding: 10_000n },
  { mmr: 30_000n, imr: 60_000n, penalty: 15_000n, fee: 1_000n, maxFunding: 20_000n },
];
const P0 = [100_000n, 5_000n];

/** Oracle rounds timed, as relative price moves per market (parts per thousand). */
const ROUNDS: readonly { name: string; movePermille: readonly [number, number] }[] = [
  { name: "quiet (+0.1%, 0)", movePermille: [1, 0] },
  { name: "market 0 -3%", movePermille: [-30, 0] },
  { name: "market 0 -10%, market 1 +8%", movePermille: [-100, 80] },
];

const rng = xorshift32;

export const contextsAt = (prices: readonly bigint[]): MarketContext[] =>
  marketContexts(PARAMS, prices.map((price) => ({ price, fundingOld: 0n, funding: 0n })));

/**
 * n accounts (indices 1..n; 0 is the backstop): 60% in market 0 only, 20% in market 1 only, 20% in
 * both, long or short at random, 1-100 lots, equity between 5.5% (just above maintenance)
 * and 40% of the notional; certificates chosen by the sequencer's own rule (chooseBounds) at the starting prices.
 */
export function makeAccounts(n: number): Account[] {
  const rand = rng(12345 + n);
  const ctx = contextsAt(P0);
  const out: Account[] = [];
  for (let i = 1; i <= n; i++) {
    const r = rand();
    const held = r < 0.6 ? [true, false] : r < 0.8 ? [false, true] : [true, true];
    const size = held.map((h) => (h ? BigInt(1 + Math.floor(rand() * 100)) * (rand() < 0.5 ? 1n : -1n) : 0n));
    const notional = size.reduce((a, s, m) => a + (s < 0n ? -s : s) * P0[m]!, 0n);
    // of notional: from just above maintenance (accounts prices moved against since they traded)
    // to well above initial; mmr is 5% / 3%, imr 10% / 6%
    const ratio = 0.055 + rand() * 0.345;
    // equity = c + sum s_m p_m: a long's purchase is paid from c, a short's sale credited to it
    const equity = (notional * BigInt(Math.round(ratio * 1e6))) / 1_000_000n;
    const collateral = equity - size.reduce((a, s, m) => a + s * P0[m]!, 0n);
    const bare = Account.create({ pkX: 1n, pkY: 2n, nonce: 0n, collateral, ordersRoot: 0n, salt: BigInt(i), size, funding: [0n, 0n], bound: [0n, 0n] });
    const bound = chooseBounds(bare, ctx);
    if (bound === null) throw new Error(`internal: account ${i} unhealthy at the start`);
    out.push(bare.with({ bound }));
  }
  return out;
}

export interface LatencyRound {
  name: string;
  prices: string[];
  violators: number;
  liquidate: number;
  recertify: number;
  /** median over the repeats: prices -> contexts -> violations -> classification */
  medianMs: number;
  maxMs: number;
  /** the same answer by scanning every account (median) and the index's speed-up over it */
  linearScanMs: number;
  speedup: number;
  /** the same answer by walking the certificate tree's aggregates (median) */
  certTreeMs: number;
}

export interface LatencyResult {
  accounts: number;
  depth: number;
  repeats: number;
  leafHashSeconds: number;
  bulkLoadSeconds: number;
  /** building the BoundIndex over all accounts (done after each sealed batch, off the oracle path) */
  indexBuildMs: number;
  /** setting leaves one by one into a fresh tree (a sample), ms per leaf, and the bulk loader's speed-up */
  incrementalMsPerLeaf: number;
  bulkSpeedup: number;
  rounds: LatencyRound[];
  /** the slowest round's median: what the target is judged on */
  worstMedianMs: number;
}

export async function liquidationLatency(opts: { accounts: number; repeats: number; depth?: number; incrementalSample?: number; log?: (l: string) => void }): Promise<LatencyResult> {
  const n = opts.accounts;
  const log = opts.log ?? (() => {});
  const depth = opts.depth ?? Math.max(20, Math.ceil(Math.log2(n + 1)));
  const poseidon = await getPoseidon();
  log(`latency: ${n.toLocaleString("en-US")} accounts, depth ${depth}`);
  const accounts = makeAccounts(n);

  let t0 = performance.now();
  const leaves: [bigint, bigint, Aggregates][] = accounts.map((a, k) => [BigInt(k + 1), a.leafHash(poseidon), a.aggregates()]);
  const leafHashSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const tree = new CertTree({ poseidon, depth, markets: PARAMS.length });
  tree.bulkLoad(leaves);
  const bulkLoadSeconds = (performance.now() - t0) / 1000;
  // One-by-one sets of a sample, for the comparison (each costs a Poseidon path of D hashes).
  const sample = Math.min(n, opts.incrementalSample ?? 500);
  const inc = new CertTree({ poseidon, depth, markets: PARAMS.length });
  t0 = performance.now();
  for (const [i, v, agg] of leaves.slice(0, sample)) inc.set(i, v, agg);
  const incrementalMsPerLeaf = (performance.now() - t0) / sample;
  log(`latency: leaves hashed in ${leafHashSeconds.toFixed(1)}s, tree bulk-loaded in ${bulkLoadSeconds.toFixed(1)}s`);

  // maintenanceOps reads the state's violations() and account() only: a view over the tree and the accounts.
  const view: Pick<CoreState, "violations" | "account"> = {
    violations: (mk) => tree.violations(mk.map((m) => m.YL), mk.map((m) => m.YS)),
    account: (i) => (i === BACKSTOP_ACCOUNT ? Account.empty(PARAMS.length) : accounts[Number(i) - 1]!),
  };
  const state = view as unknown as CoreState;

  // The service's index by bound (sorted certificate bounds per market), built once per state.
  t0 = performance.now();
  const index = BoundIndex.fromEntries(PARAMS.length, accounts.map((a, k) => [BigInt(k + 1), a] as const));
  const indexBuildMs = performance.now() - t0;

  const rounds: LatencyRound[] = [];
  for (const round of ROUNDS) {
    const prices = P0.map((p, m) => (p * BigInt(1000 + round.movePermille[m]!)) / 1000n);
    const detect = () => {
      const mk = contextsAt(prices);
      return maintenanceOpsFor(state, mk, index.pastBounds(mk));
    };
    const detectByTree = () => maintenanceOps(state, contextsAt(prices));
    // The same answer without the index: every account's certificate checked, violators classified.
    const scan = () => {
      const mk = contextsAt(prices);
      const liquidate: LiquidationOp[] = [];
      const recertify: RecertifyOp[] = [];
      accounts.forEach((a, k) => {
        if (violatedMarkets(a, mk).length === 0) return;
        const index = BigInt(k + 1);
        if (maintenanceHealth(a, mk) < 0n) liquidate.push({ kind: "liquidation", liquidated: index, receiver: BACKSTOP_ACCOUNT });
        else recertify.push({ kind: "recertify", index });
      });
      return [...liquidate, ...recertify];
    };
    // Correctness once: the index finds exactly what a scan of every account finds.
    const ops = detect();
    const byTree = detectByTree();
    if (byTree.length !== ops.length) throw new Error(`${round.name}: the tree found ${byTree.length} violators, the index ${ops.length}`);
    const mk = contextsAt(prices);
    const expected = accounts.flatMap((a, k) => (violatedMarkets(a, mk).length > 0 ? [BigInt(k + 1)] : []));
    const found = ops.map((o) => (o.kind === "liquidation" ? o.liquidated : o.index)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (found.length !== expected.length || found.some((x, k) => x !== expected[k])) {
      throw new Error(`${round.name}: the tree found ${found.length} violators, a scan ${expected.length}`);
    }
    const times: number[] = [];
    for (let r = 0; r < opts.repeats; r++) {
      const s = performance.now();
      detect();
      times.push(performance.now() - s);
    }
    const scans: number[] = [];
    const treeTimes: number[] = [];
    for (let r = 0; r < Math.min(opts.repeats, 5); r++) {
      let s = performance.now();
      scan();
      scans.push(performance.now() - s);
      s = performance.now();
      detectByTree();
      treeTimes.push(performance.now() - s);
    }
    const liquidate = ops.filter((o) => o.kind === "liquidation").length;
    const medianMs = median(times);
    const linearScanMs = median(scans);
    rounds.push({
      name: round.name,
      prices: prices.map(String),
      violators: ops.length,
      liquidate,
      recertify: ops.length - liquidate,
      medianMs: sig(medianMs),
      maxMs: sig(Math.max(...times)),
      linearScanMs: sig(linearScanMs),
      speedup: sig(linearScanMs / medianMs, 3),
      certTreeMs: sig(median(treeTimes)),
    });
    log(`latency: ${round.name}: ${ops.length} violators (${liquidate} to liquidate) in ${medianMs.toFixed(2)} ms (certificate-tree walk ${median(treeTimes).toFixed(1)} ms, scan ${linearScanMs.toFixed(1)} ms)`);
  }
  return {
    accounts: n,
    depth,
    repeats: opts.repeats,
    leafHashSeconds: sig(leafHashSeconds),
    bulkLoadSeconds: sig(bulkLoadSeconds),
    indexBuildMs: sig(indexBuildMs),
    incrementalMsPerLeaf: sig(incrementalMsPerLeaf),
    bulkSpeedup: sig((incrementalMsPerLeaf * n) / 1000 / bulkLoadSeconds, 3),
    rounds,
    worstMedianMs: Math.max(...rounds.map((r) => r.medianMs)),
  };
}
