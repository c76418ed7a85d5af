import type { Poseidon } from "../crypto/poseidon.js";

/**
 * The two queue commitments a batch carries (CORE_SPEC §7), one definition for the batch builder,
 * the contract client and the tests: the L1 deposit queue's Poseidon chain and the batch's
 * withdrawal chain. The contract computes the same with the circomlibjs Poseidon contracts.
 */

/** h_{n+1} = Poseidon(h_n, pkX, pkY, amount); h_0 = 0. */
export function depositChainStep(poseidon: Poseidon, previous: bigint, pkX: bigint, pkY: bigint, amount: bigint): bigint {
  return poseidon([previous, pkX, pkY, amount]);
}

/** w_{k+1} = Poseidon(w_k, l1Address, amount); w_0 = 0 at the start of every batch. */
export function withdrawChainStep(poseidon: Poseidon, previous: bigint, l1Address: bigint, amount: bigint): bigint {
  return poseidon([previous, l1Address, amount]);
}
