pragma circom 2.2.3;

include "./deposit.circom";

// DepositBatch(D, T): the walking-skeleton batch. Applies up to T deposits, in order, to a depth-D
// Poseidon account tree and commits to them with a hash chain. Unused slots are padding no-ops.
//
// depositsHash chain: h_0 = 0, h_{k+1} = Poseidon(h_k, pubKeyX, pubKeyY, amount) over the ENABLED
// slots only, in slot order (padding does not extend it), so the L1 side can recompute it from
// the deposits alone. See deposit.circom for the leaf encoding.
//
// Parameters:
//   D            - tree depth, 1 <= D <= 32
//   T            - deposit slots per batch, T >= 1
// Public inputs (this declaration order is the public signal order; the TypeScript constant
// DEPOSIT_BATCH_PUBLIC_SIGNALS repeats it and a test checks the two agree):
//   oldRoot      - Field - state root the batch starts from (the root stored on chain)
//   newRoot      - Field - state root after the batch
//   depositsHash - Field - hash chain over the enabled deposits
//   batchNumber  - Field - sequence number of the batch (not range-checked: Rollup.sol supplies
//                  batchCount + 1); binds the proof to one position in the chain, so it cannot be
//                  replayed even when a batch leaves the root unchanged
// Private inputs, one entry per slot (see Deposit for each):
//   enabled - Bool[T], index - Uint{D}[T], pubKeyX - Field[T], pubKeyY - Field[T],
//   amount - Uint64[T], isEmpty - Bool[T], oldBalance - Uint64[T], siblings - Field[T][D]
//   (siblings[k] is the path in the tree produced by slots 0..k-1)
// Preconditions:
//   every balance in the tree under oldRoot fits 64 bits (rechecked for each touched leaf anyway).
template DepositBatch(D, T) {
    assert(D >= 1);
    assert(D <= 32);
    assert(T >= 1);

    signal input oldRoot;
    signal input newRoot;
    signal input depositsHash;
    signal input batchNumber;

    signal input enabled[T];
    signal input index[T];
    signal input pubKeyX[T];
    signal input pubKeyY[T];
    signal input amount[T];
    signal input isEmpty[T];
    signal input oldBalance[T];
    signal input siblings[T][D];

    // The batch number enters no other constraint; squaring it keeps it in the constraint system
    // explicitly instead of relying on the prover's handling of unused public inputs.
    signal batchNumberSquared <== batchNumber * batchNumber;

    component slots[T];
    for (var k = 0; k < T; k++) {
        slots[k] = Deposit(D);
        slots[k].rootIn <== k == 0 ? oldRoot : slots[k - 1].rootOut;
        slots[k].hashIn <== k == 0 ? 0 : slots[k - 1].hashOut;
        slots[k].enabled <== enabled[k];
        slots[k].index <== index[k];
        slots[k].pubKeyX <== pubKeyX[k];
        slots[k].pubKeyY <== pubKeyY[k];
        slots[k].amount <== amount[k];
        slots[k].isEmpty <== isEmpty[k];
        slots[k].oldBalance <== oldBalance[k];
        slots[k].siblings <== siblings[k];
    }

    newRoot === slots[T - 1].rootOut;
    depositsHash === slots[T - 1].hashOut;
}
