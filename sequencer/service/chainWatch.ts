/**
 * The chain listeners: oracle rounds, the deposit queue, market parameters and the chain's clock,
 * polled from the rollup and its feeds. A poll that fails (the node restarting, say) is reported
 * and retried on the next tick; nothing the sequencer holds changes on a failed read.
 */
import type { MarginRollupClient, PriceRound, QueuedDepositRecord } from "../chain/client.js";
import { paramsHash, type MarketParams } from "../core/market.js";
import type { Poseidon } from "../crypto/poseidon.js";

export interface ChainSnapshot {
  /** latest block's timestamp */
  readonly time: bigint;
  readonly rounds: readonly PriceRound[];
  readonly params: readonly MarketParams[];
  readonly paramsHash: bigint;
  readonly depositCount: bigint;
  readonly batchCount: bigint;
  readonly stateRoot: bigint;
  /** when this snapshot was read (performance.now()) */
  readonly readAt: number;
}

export class ChainWatch {
  private readonly client: MarginRollupClient;
  private readonly poseidon: Poseidon;
  private params: { hash: bigint; params: readonly MarketParams[] } | undefined;
  private depositCursor = 0;
  latest: ChainSnapshot | undefined;

  constructor(client: MarginRollupClient, poseidon: Poseidon) {
    this.client = client;
    this.poseidon = poseidon;
  }

  async poll(): Promise<ChainSnapshot> {
    const c = this.client;
    const markets = await c.marketCount();
    const [time, depositCount, batchCount, stateRoot, hash, ...rounds] = await Promise.all([
      c.chainTime(),
      c.depositCount(),
      c.batchCount(),
      c.stateRoot(),
      c.paramsHash(),
      ...Array.from({ length: markets }, (_, m) => this.latestRound(m)),
    ]);
    if (this.params?.hash !== hash) {
      const params = await Promise.all(Array.from({ length: markets }, (_, m) => c.marketParams(m)));
      if (paramsHash(this.poseidon, params) !== hash) throw new Error(`the rollup's paramsHash ${hash} is not the hash of its market parameters`);
      this.params = { hash, params };
    }
    const snapshot: ChainSnapshot = {
      time: time as bigint,
      rounds: rounds as PriceRound[],
      params: this.params.params,
      paramsHash: hash as bigint,
      depositCount: depositCount as bigint,
      batchCount: batchCount as bigint,
      stateRoot: stateRoot as bigint,
      readAt: performance.now(),
    };
    this.latest = snapshot;
    return snapshot;
  }

  /** The feed's latest round; roundId 0 (price 0) while the feed has none yet. */
  private async latestRound(market: number): Promise<PriceRound> {
    const latest = BigInt(await this.client.feed(market).getFunction("latestRound")());
    if (latest === 0n) return { roundId: 0n, answer: 0n, updatedAt: 0n };
    return this.client.priceRound(market, latest);
  }

  /** Every market has a price: batches can be opened. */
  get priced(): boolean {
    return this.latest !== undefined && this.latest.rounds.every((r) => r.roundId > 0n);
  }

  /** Queue entries after position `after` through `through`, from the Deposited events. */
  async deposits(after: bigint, through: bigint): Promise<QueuedDepositRecord[]> {
    const records = await this.client.queuedDeposits(after, through, this.depositCursor);
    const provider = this.client.contracts.rollup.runner?.provider;
    // Later scans start near the chain's head: the events before it were all read.
    if (provider != null && records.length > 0) this.depositCursor = Math.max(0, (await provider.getBlockNumber()) - 1_000);
    return records;
  }
}
