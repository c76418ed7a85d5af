/**
 * The cast and the markets of `npm start`: simulated traders, each an L1 wallet (a Hardhat account
 * holding mock USDC) and a BabyJubJub key that signs its orders, withdrawals and liquidations, plus
 * the words the demo prints about what they do.
 */
import { createHash } from "node:crypto";
import type { Signer } from "ethers";
import type { Op } from "../../sequencer/core/batch/index.js";
import { Side } from "../../sequencer/core/constants.js";
import type { MarketParams } from "../../sequencer/core/market.js";
import { signLiquidation, signOrder, signWithdrawal, type SignedOrder } from "../../sequencer/core/order.js";
import type { CoreState } from "../../sequencer/core/state.js";
import type { EdDSA, KeyPair } from "../../sequencer/crypto/babyjub.js";
import type { Poseidon } from "../../sequencer/crypto/poseidon.js";

export const USDC = 1_000_000n;

/** Two perpetual markets; prices are USDC micro-units per lot (0.001 ETH, 0.0001 BTC). */
export const MARKETS: readonly { readonly name: string; readonly lot: string; readonly params: MarketParams }[] = [
  { name: "ETH-PERP", lot: "0.001 ETH", params: { mmr: 50_000n, imr: 100_000n, penalty: 20_000n, fee: 500n, maxFunding: 1_000n } },
  { name: "BTC-PERP", lot: "0.0001 BTC", params: { mmr: 40_000n, imr: 80_000n, penalty: 15_000n, fee: 400n, maxFunding: 1_000n } },
];

export interface Trader {
  readonly name: string;
  readonly role: string;
  readonly key: KeyPair;
  readonly wallet: Signer;
  readonly address: string;
  /** the account index the deposit queue gave it (deposit order: the first is the backstop, 0) */
  index: bigint;
}

export async function makeTraders(eddsa: EdDSA, wallets: readonly Signer[], cast: readonly [string, string][]): Promise<Trader[]> {
  return Promise.all(
    cast.map(async ([name, role], i) => {
      const wallet = wallets[i];
      if (wallet === undefined) throw new Error(`no L1 wallet for ${name}`);
      const key = eddsa.keyPair(createHash("sha256").update(`solvent demo ${name}`).digest());
      return { name, role, key, wallet, address: await wallet.getAddress(), index: -1n };
    }),
  );
}

/** Signs operations for the cast; order ids count up per trader. */
export class Desk {
  private readonly ids = new Map<string, bigint>();

  constructor(
    private readonly poseidon: Poseidon,
    private readonly expiry: () => bigint,
  ) {}

  order(t: Trader, market: number, side: Side, size: bigint, limitPrice: bigint): SignedOrder {
    const id = (this.ids.get(t.name) ?? 0n) + 1n;
    this.ids.set(t.name, id);
    return signOrder(this.poseidon, t.key, { accountIndex: t.index, market: BigInt(market), side, size, limitPrice, expiry: this.expiry(), orderId: id });
  }

  /** `taker` crosses `maker`'s resting order for `fill` lots at the maker's limit price. */
  trade(taker: SignedOrder, maker: SignedOrder, fill: bigint): Op {
    return { kind: "trade", taker, maker, fill, price: maker.order.limitPrice };
  }

  withdrawal(state: CoreState, t: Trader, amount: bigint): Op {
    const nonce = state.account(t.index).nonce;
    const l1Address = BigInt(t.address);
    const sig = signWithdrawal(this.poseidon, t.key, { accountIndex: t.index, amount, l1Address, nonce });
    return { kind: "withdrawal", index: t.index, amount, l1Address, nonce, sig };
  }

  liquidation(state: CoreState, liquidator: Trader, liquidated: Trader): Op {
    const nonce = state.account(liquidator.index).nonce;
    const sig = signLiquidation(this.poseidon, liquidator.key, { liquidatorIndex: liquidator.index, liquidatedIndex: liquidated.index, nonce });
    return { kind: "liquidation", liquidated: liquidated.index, receiver: liquidator.index, nonce, sig };
  }
}

/** 1234567n -> "1.23" (USDC), with thousands separators. */
export function usd(micro: bigint): string {
  const sign = micro < 0n ? "-" : "";
  const abs = micro < 0n ? -micro : micro;
  const cents = (abs + 5_000n) / 10_000n;
  return `${sign}${(cents / 100n).toLocaleString("en-US")}.${String(cents % 100n).padStart(2, "0")}`;
}

/** A few words about an operation, naming the traders. */
export function describeOp(op: Op, nameOf: (index: bigint) => string): string {
  switch (op.kind) {
    case "deposit":
      return `deposit ${usd(op.amount)} USDC -> ${nameOf(op.index)} #${op.index}`;
    case "withdrawal":
      return `${nameOf(op.index)} withdraws ${usd(op.amount)} USDC`;
    case "trade": {
      const o = op.taker.order;
      const market = MARKETS[Number(o.market)]!.name;
      return `${nameOf(o.accountIndex)} ${o.side === Side.Buy ? "buys" : "sells"} ${op.fill.toLocaleString("en-US")} ${market} lots @ ${usd(op.price)} from ${nameOf(op.maker.order.accountIndex)}`;
    }
    case "liquidation":
      return `liquidate ${nameOf(op.liquidated)} -> ${nameOf(op.receiver)}${op.receiver === 0n ? " (backstop)" : " (signed)"}`;
    case "recertify":
      return `re-certify ${nameOf(op.index)}`;
  }
}
