/**
 * The commitments the contract computes on chain with the circomlibjs Poseidon contracts, computed
 * in TypeScript with the same Poseidon (sequencer/crypto/poseidon.ts), per docs/CORE_SPEC.md §2, §7.
 */
import type { Poseidon } from "../crypto/poseidon.js";
import type { MarketParams, QueuedDeposit, WithdrawalRequest } from "./types.js";

/** h_{n+1} = Poseidon(h_n, pkX, pkY, amount). */
export function depositChainStep(poseidon: Poseidon, previous: bigint, deposit: QueuedDeposit): bigint {
  return poseidon([previous, deposit.pubKey.x, deposit.pubKey.y, deposit.amount]);
}

/** The chain values h_0 = 0, h_1, ..., h_n of a queue. */
export function depositChain(poseidon: Poseidon, deposits: readonly QueuedDeposit[]): bigint[] {
  const chain = [0n];
  for (const d of deposits) chain.push(depositChainStep(poseidon, chain[chain.length - 1]!, d));
  return chain;
}

/** w_0 = 0, w_{k+1} = Poseidon(w_k, l1Address, amount): the batch's withdrawHash. */
export function withdrawHash(poseidon: Poseidon, withdrawals: readonly WithdrawalRequest[]): bigint {
  return withdrawals.reduce((w, x) => poseidon([w, BigInt(x.account), x.amount]), 0n);
}

/** marketHash = Poseidon(mmr, imr, penalty, fee, maxFunding). */
export function marketHash(poseidon: Poseidon, p: MarketParams): bigint {
  return poseidon([p.mmr, p.imr, p.penalty, p.fee, p.maxFunding]);
}

/** paramsHash = Poseidon(marketHash_0, ..., marketHash_{M-1}). */
export function paramsHash(poseidon: Poseidon, markets: readonly MarketParams[]): bigint {
  return poseidon(markets.map((p) => marketHash(poseidon, p)));
}
