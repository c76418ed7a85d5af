/**
 * The chain's side of the next batch: first the check that the rollup on chain is exactly the state
 * the sequencer holds (root, batch count, deposit position and chain, funds, funding, parameter
 * commitment), then what the batch must be proved against (latest oracle rounds, market parameters,
 * the unconsumed deposit queue, checked link by link against the TypeScript Poseidon chain).
 */
import { max } from "../core/arith.js";
import { paramsHash } from "../core/market.js";
import { depositChainStep } from "../core/queues.js";
import type { CoreState } from "../core/state.js";
import { PipelineError, type BatchRequest, type ChainView, type PipelineDeps } from "./types.js";

export async function readChainView(deps: Pick<PipelineDeps, "client" | "poseidon">, state: CoreState, request: BatchRequest = {}): Promise<ChainView> {
  const { client, poseidon } = deps;
  const markets = await client.marketCount();
  if (markets !== state.markets) throw new PipelineError("OutOfSync", `the rollup has ${markets} markets, the state ${state.markets}`);
  const perMarket = <T>(f: (m: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: markets }, (_, m) => f(m)));

  const ledger = state.ledger;
  const consumed = await client.depositsConsumed();
  const onChain: Array<[string, bigint | readonly bigint[], bigint | readonly bigint[]]> = [
    ["state root", await client.stateRoot(), state.root],
    ["batch count", await client.batchCount(), ledger.batchCount],
    ["deposits consumed", consumed, ledger.depositCount],
    ["deposit chain head", await client.depositChainAt(consumed), ledger.depositHash],
    ["insurance fund", await client.insuranceFund(), ledger.insurance],
    ["fee pool", await client.feePool(), ledger.fees],
    ["funding indices", await perMarket((m) => client.fundingIndex(m)), ledger.funding],
  ];
  const differ = onChain.filter(([, a, b]) => String(a) !== String(b)).map(([what, a, b]) => `${what}: chain ${String(a)}, state ${String(b)}`);
  if (differ.length > 0) throw new PipelineError("OutOfSync", differ.join("; "));

  const params = await perMarket((m) => client.marketParams(m));
  const committed = await client.paramsHash();
  if (paramsHash(poseidon, params) !== committed) {
    throw new PipelineError("OutOfSync", `the contract's paramsHash ${committed} is not the hash of its market parameters`);
  }
  const rounds = await perMarket((m) => client.latestPriceRound(m));
  const timestamp = request.timestamp ?? max(await client.chainTime(), await client.lastBatchTimestamp());

  const pending = await client.queuedDeposits(consumed, await client.depositCount());
  let h = ledger.depositHash;
  for (const d of pending) {
    h = depositChainStep(poseidon, h, d.pubKey.x, d.pubKey.y, d.amount);
    if (h !== d.chainValue) throw new PipelineError("DepositChainMismatch", `queue position ${d.position}: chain value ${d.chainValue}, TypeScript ${h}`);
  }
  return { batchNumber: ledger.batchCount + 1n, timestamp, params, rounds, pending };
}
