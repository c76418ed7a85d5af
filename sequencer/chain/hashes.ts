/**
 * The commitments the contract computes on chain with the circomlibjs Poseidon contracts, in the
 * chain side's types. The formulas have one definition each, in the core (docs/CORE_SPEC.md §7):
 * sequencer/core/queues.ts. The market commitments (marketHash, paramsHash) are the core's too:
 * sequencer/core/market.ts.
 */
import type { Poseidon } from "../crypto/poseidon.js";
import { depositChainStep as coreDepositStep, withdrawChainStep } from "../core/queues.js";
import type { QueuedDeposit, WithdrawalRequest } from "./types.js";

/** h_{n+1} = Poseidon(h_n, pkX, pkY, amount). */
export function depositChainStep(poseidon: Poseidon, previous: bigint, deposit: QueuedDeposit): bigint {
  return coreDepositStep(poseidon, previous, deposit.pubKey.x, deposit.pubKey.y, deposit.amount);
}

/** The chain values h_0 = 0, h_1, ..., h_n of a queue. */
export function depositChain(poseidon: Poseidon, deposits: readonly QueuedDeposit[]): bigint[] {
  const chain = [0n];
  for (const d of deposits) chain.push(depositChainStep(poseidon, chain[chain.length - 1]!, d));
  return chain;
}

/** w_0 = 0, w_{k+1} = Poseidon(w_k, l1Address, amount): the batch's withdrawHash. */
export function withdrawHash(poseidon: Poseidon, withdrawals: readonly WithdrawalRequest[]): bigint {
  return withdrawals.reduce((w, x) => withdrawChainStep(poseidon, w, BigInt(x.account), x.amount), 0n);
}
