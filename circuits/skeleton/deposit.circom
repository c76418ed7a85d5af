pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "../lib/merkle_path_root.circom";

// Deposit(D): one slot of a deposit batch. When enabled, credits `amount` to the account at leaf
// `index` of the depth-D state tree (creating it if the leaf is empty) and extends the deposit hash
// chain; when disabled it is a no-op padding slot and passes root and hash through unchanged.
//
// Leaf encoding: Poseidon(pubKeyX, pubKeyY, balance) for an account, 0 for an empty slot.
// Hash chain link: hashOut = Poseidon(hashIn, pubKeyX, pubKeyY, amount). The index is not part of
// it: a depositor on L1 knows the key it credits, not the slot the sequencer will assign.
//
// The old leaf is rebuilt from the DEPOSIT's key, so crediting an existing account whose key
// differs makes the old-path check fail: no separate key comparison is needed.
//
// Parameters:
//   D          - tree depth, 1 <= D <= 32
// Inputs:
//   rootIn     - Field - state root before this slot
//   hashIn     - Field - deposit hash chain before this slot
//   enabled    - Bool - 1 for a real deposit, 0 for a padding no-op
//   index      - Uint{D} - leaf index credited
//   pubKeyX    - Field - BabyJubJub public key x of the credited account
//   pubKeyY    - Field - BabyJubJub public key y of the credited account
//   amount     - Uint64 - amount credited
//   isEmpty    - Bool - 1 when the leaf at `index` is empty before the deposit
//   oldBalance - Uint64 - balance before the deposit (0 when isEmpty)
//   siblings   - Field[D] - Merkle path of `index`, bottom-up, in the tree with root rootIn
// Outputs:
//   rootOut    - Field - state root after this slot
//   hashOut    - Field - deposit hash chain after this slot
// Preconditions:
//   none on the witness: every rule is constrained here. A disabled slot's other inputs are
//   unconstrained beyond their ranges, and the honest prover sets them to 0.
template Deposit(D) {
    assert(D >= 1);
    assert(D <= 32);
    var BALANCE_BITS = 64;

    signal input rootIn;
    signal input hashIn;
    signal input enabled;
    signal input index;
    signal input pubKeyX;
    signal input pubKeyY;
    signal input amount;
    signal input isEmpty;
    signal input oldBalance;
    signal input siblings[D];
    signal output rootOut;
    signal output hashOut;

    // Flags are bits; amounts and balances fit 64 bits, so their sum never wraps the field.
    enabled * (enabled - 1) === 0;
    isEmpty * (isEmpty - 1) === 0;
    component amountBits = Num2Bits(BALANCE_BITS);
    amountBits.in <== amount;
    component oldBalanceBits = Num2Bits(BALANCE_BITS);
    oldBalanceBits.in <== oldBalance;
    // An empty leaf holds nothing: without this a prover could mint by claiming a balance in it.
    isEmpty * oldBalance === 0;
    signal newBalance <== oldBalance + amount;
    component newBalanceBits = Num2Bits(BALANCE_BITS);
    newBalanceBits.in <== newBalance;

    // Num2Bits(D) also range-checks the index to the tree.
    component indexBits = Num2Bits(D);
    indexBits.in <== index;

    component oldAccount = Poseidon(3);
    oldAccount.inputs[0] <== pubKeyX;
    oldAccount.inputs[1] <== pubKeyY;
    oldAccount.inputs[2] <== oldBalance;
    signal oldLeaf <== (1 - isEmpty) * oldAccount.out;

    component newAccount = Poseidon(3);
    newAccount.inputs[0] <== pubKeyX;
    newAccount.inputs[1] <== pubKeyY;
    newAccount.inputs[2] <== newBalance;

    component oldPath = MerklePathRoot(D);
    oldPath.leaf <== oldLeaf;
    oldPath.pathBits <== indexBits.out;
    oldPath.siblings <== siblings;
    // The old path binds the witnessed leaf to rootIn; a padding slot touches nothing.
    enabled * (oldPath.root - rootIn) === 0;

    component newPath = MerklePathRoot(D);
    newPath.leaf <== newAccount.out;
    newPath.pathBits <== indexBits.out;
    newPath.siblings <== siblings;
    rootOut <== rootIn + enabled * (newPath.root - rootIn);

    component link = Poseidon(4);
    link.inputs[0] <== hashIn;
    link.inputs[1] <== pubKeyX;
    link.inputs[2] <== pubKeyY;
    link.inputs[3] <== amount;
    hashOut <== hashIn + enabled * (link.out - hashIn);
}
