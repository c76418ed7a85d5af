/**
 * The sequencer's typed view of MarginRollup and its token and feeds. Every transaction is
 * simulated first (`staticCall`), so a call the contract would refuse costs no gas and surfaces as
 * a ChainRevertError naming the custom error.
 */
import type { Contract, ContractTransactionReceipt, Interface, Signer } from "ethers";
import type { PublicKey } from "../crypto/babyjub.js";
import { decodeRevert } from "./errors.js";
import { batchToContract, proofToContract, type BatchProof, type BatchSubmission, type MarketParams } from "./types.js";

export interface ChainContracts {
  readonly rollup: Contract;
  readonly token: Contract;
  readonly feeds: readonly Contract[];
}

export interface Receipt {
  readonly gasUsed: bigint;
  readonly txHash: string;
}

export interface SubmittedBatch extends Receipt {
  readonly batchNumber: bigint;
  /** The new state root and withdrawal commitment, from the BatchVerified event. */
  readonly newRoot: bigint;
  readonly withdrawHash: bigint;
}

export interface QueuedPosition extends Receipt {
  readonly position: bigint;
  readonly chainValue: bigint;
}

/** A deposit as the queue recorded it (the Deposited event). */
export interface QueuedDepositRecord {
  /** 1-based position in the queue */
  readonly position: bigint;
  readonly sender: string;
  readonly pubKey: PublicKey;
  readonly amount: bigint;
  /** h_position of the queue's Poseidon chain, as the contract computed it */
  readonly chainValue: bigint;
}

/** One oracle round (Chainlink tuple, trimmed). */
export interface PriceRound {
  readonly roundId: bigint;
  readonly answer: bigint;
  readonly updatedAt: bigint;
}

export class MarginRollupClient {
  readonly contracts: ChainContracts;
  private readonly interfaces: Interface[];

  constructor(contracts: ChainContracts) {
    this.contracts = contracts;
    this.interfaces = [contracts.rollup.interface, contracts.token.interface, ...contracts.feeds.map((f) => f.interface)];
  }

  /** The same client sending from `signer`. */
  connect(signer: Signer): MarginRollupClient {
    const { rollup, token, feeds } = this.contracts;
    return new MarginRollupClient({
      rollup: rollup.connect(signer) as Contract,
      token: token.connect(signer) as Contract,
      feeds: feeds.map((f) => f.connect(signer) as Contract),
    });
  }

  // ---- reads ----

  async marketCount(): Promise<number> {
    return Number(await this.view("marketCount"));
  }
  stateRoot = (): Promise<bigint> => this.view("stateRoot");
  batchCount = (): Promise<bigint> => this.view("batchCount");
  lastBatchTimestamp = (): Promise<bigint> => this.view("lastBatchTimestamp");
  depositCount = (): Promise<bigint> => this.view("depositCount");
  depositsConsumed = (): Promise<bigint> => this.view("depositsConsumed");
  depositChainAt = (position: bigint): Promise<bigint> => this.view("depositChainAt", position);
  paramsHash = (): Promise<bigint> => this.view("paramsHash");
  insuranceFund = (): Promise<bigint> => this.view("insuranceFund");
  feePool = (): Promise<bigint> => this.view("feePool");
  fundingIndex = (market: number): Promise<bigint> => this.view("fundingIndex", market);
  lastRoundId = (market: number): Promise<bigint> => this.view("lastRoundId", market);
  claimable = (account: string): Promise<bigint> => this.view("claimable", account);

  async marketParams(market: number): Promise<MarketParams> {
    const [mmr, imr, penalty, fee, maxFunding] = (await this.call("marketParams", market)) as bigint[];
    return { mmr: mmr!, imr: imr!, penalty: penalty!, fee: fee!, maxFunding: maxFunding! };
  }

  async priceRound(market: number, roundId: bigint): Promise<PriceRound> {
    const feed = this.feed(market);
    try {
      const r = (await feed.getFunction("getRoundData")(roundId)) as bigint[];
      return { roundId: r[0]!, answer: r[1]!, updatedAt: r[3]! };
    } catch (err) {
      throw decodeRevert(err, this.interfaces);
    }
  }

  async latestPriceRound(market: number): Promise<PriceRound> {
    return this.priceRound(market, BigInt(await this.feed(market).getFunction("latestRound")()));
  }

  /** Timestamp of the latest block: the latest a batch may be stamped. */
  async chainTime(): Promise<bigint> {
    const provider = this.contracts.rollup.runner?.provider;
    if (provider === undefined || provider === null) throw new Error("client has no provider");
    const block = await provider.getBlock("latest");
    if (block === null) throw new Error("no latest block");
    return BigInt(block.timestamp);
  }

  /**
   * The queued deposits at positions after `after` through `through` (inclusive), in queue order,
   * from the Deposited events (scanned from `fromBlock`: a caller that polls keeps a cursor instead
   * of rescanning the chain). Throws unless every position in the range was found exactly once.
   */
  async queuedDeposits(after: bigint, through: bigint, fromBlock = 0): Promise<QueuedDepositRecord[]> {
    if (through <= after) return [];
    const rollup = this.contracts.rollup;
    const positions = Array.from({ length: Number(through - after) }, (_, i) => after + 1n + BigInt(i));
    const logs = await rollup.queryFilter(rollup.filters.Deposited!(positions), fromBlock);
    const byPosition = new Map<bigint, QueuedDepositRecord>();
    for (const log of logs) {
      const args = (log as unknown as { args: { position: bigint; sender: string; pkX: bigint; pkY: bigint; amount: bigint; chainValue: bigint } }).args;
      byPosition.set(args.position, {
        position: args.position,
        sender: args.sender,
        pubKey: { x: args.pkX, y: args.pkY },
        amount: args.amount,
        chainValue: args.chainValue,
      });
    }
    return positions.map((p) => {
      const record = byPosition.get(p);
      if (record === undefined) throw new Error(`no Deposited event for queue position ${p}`);
      return record;
    });
  }

  /** The public inputs the contract would build for `batch` now (reverts as submitBatch would). */
  async publicInputs(batch: BatchSubmission): Promise<bigint[]> {
    return ((await this.call("publicInputs", batchToContract(batch))) as bigint[]).map(BigInt);
  }

  // ---- writes ----

  /** Approves the rollup for `amount` if needed, then queues a deposit to `pubKey`. */
  async deposit(pubKey: PublicKey, amount: bigint): Promise<QueuedPosition> {
    const { rollup, token } = this.contracts;
    const owner = await this.signerAddress();
    const spender = await rollup.getAddress();
    if (BigInt(await token.getFunction("allowance")(owner, spender)) < amount) {
      await this.send(token, "approve", [spender, amount]);
    }
    const receipt = await this.send(rollup, "deposit", [pubKey.x, pubKey.y, amount]);
    const event = this.event(receipt, "Deposited");
    return { ...summary(receipt), position: event.getValue("position"), chainValue: event.getValue("chainValue") };
  }

  /** Simulates, then sends `submitBatch`; a refusal is a ChainRevertError and costs nothing. */
  async submitBatch(batch: BatchSubmission, proof: BatchProof): Promise<SubmittedBatch> {
    const receipt = await this.send(this.contracts.rollup, "submitBatch", [batchToContract(batch), proofToContract(proof)]);
    const event = this.event(receipt, "BatchVerified");
    return {
      ...summary(receipt),
      batchNumber: event.getValue("batchNumber"),
      newRoot: event.getValue("newRoot"),
      withdrawHash: event.getValue("withdrawHash"),
    };
  }

  /** Pays everything credited to `account` to `account` (anyone may call). */
  async claim(account: string): Promise<Receipt> {
    return summary(await this.send(this.contracts.rollup, "claim", [account]));
  }

  /** Pays the signer's credit to `recipient` (default: the signer). */
  async claimWithdrawal(recipient?: string): Promise<Receipt> {
    const rollup = this.contracts.rollup;
    return summary(await (recipient === undefined ? this.send(rollup, "claimWithdrawal", []) : this.send(rollup, "claimWithdrawalTo", [recipient])));
  }

  /** Owner only: new parameters for `market`, in force from the next batch. */
  async setMarketParams(market: number, p: MarketParams): Promise<Receipt> {
    return summary(await this.send(this.contracts.rollup, "setMarketParams", [market, [p.mmr, p.imr, p.penalty, p.fee, p.maxFunding]]));
  }

  /** Updater only: records `price` as a new round of `market`'s feed. */
  async pushPrice(market: number, price: bigint): Promise<PriceRound> {
    await this.send(this.feed(market), "submit", [price]);
    return this.latestPriceRound(market);
  }

  // ---- plumbing ----

  feed(market: number): Contract {
    const feed = this.contracts.feeds[market];
    if (feed === undefined) throw new RangeError(`no feed for market ${market}`);
    return feed;
  }

  private async signerAddress(): Promise<string> {
    const runner = this.contracts.rollup.runner as Signer | null;
    if (runner === null || typeof runner.getAddress !== "function") throw new Error("client has no signer");
    return runner.getAddress();
  }

  private async call(name: string, ...args: unknown[]): Promise<unknown> {
    try {
      return await this.contracts.rollup.getFunction(name).staticCall(...args);
    } catch (err) {
      throw decodeRevert(err, this.interfaces);
    }
  }

  private async view(name: string, ...args: unknown[]): Promise<bigint> {
    return BigInt(String(await this.call(name, ...args)));
  }

  /** Simulates `contract.name(args)`, then sends it and waits for a successful receipt. */
  private async send(contract: Contract, name: string, args: unknown[]): Promise<ContractTransactionReceipt> {
    const fn = contract.getFunction(name);
    try {
      await fn.staticCall(...args);
      const tx = await fn.send(...args);
      const receipt = await tx.wait();
      if (receipt === null || receipt.status !== 1) throw new Error(`${name} transaction ${tx.hash} failed`);
      return receipt;
    } catch (err) {
      throw decodeRevert(err, this.interfaces);
    }
  }

  private event(receipt: ContractTransactionReceipt, name: string) {
    const rollup = this.contracts.rollup;
    const address = rollup.target.toString().toLowerCase();
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== address) continue;
      const parsed = rollup.interface.parseLog(log);
      if (parsed?.name === name) return parsed.args;
    }
    throw new Error(`transaction ${receipt.hash} emitted no ${name}`);
  }
}

function summary(receipt: ContractTransactionReceipt): Receipt {
  return { gasUsed: receipt.gasUsed, txHash: receipt.hash };
}
