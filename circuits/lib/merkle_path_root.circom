pragma circom 2.2.3;

include "circomlib/circuits/poseidon.circom";

// MerklePathRoot(D): the root of a depth-D binary Poseidon(2) Merkle tree, given a leaf, the bits of
// its index and its sibling path. A node is Poseidon(left, right); the empty leaf is 0.
//
// Parameters:
//   D          - tree depth, 1 <= D <= 32 (2^D leaves)
// Inputs:
//   leaf       - Field - value of the leaf (0 for an empty slot)
//   pathBits   - Bool[D] - bits of the leaf index, least significant first; bit i set means the
//                running node is the RIGHT child at level i
//   siblings   - Field[D] - sibling of the running node at each level, bottom-up
// Outputs:
//   root       - Field - the root the path leads to
// Preconditions:
//   pathBits are constrained boolean by the caller (e.g. they come out of Num2Bits); an unchecked
//   non-boolean bit would let the mux below produce arbitrary children.
template MerklePathRoot(D) {
    assert(D >= 1);
    assert(D <= 32);

    signal input leaf;
    signal input pathBits[D];
    signal input siblings[D];
    signal output root;

    signal node[D + 1];
    signal left[D];
    component hashers[D];

    node[0] <== leaf;
    for (var i = 0; i < D; i++) {
        // One multiplication selects both children: right is then linear in left.
        left[i] <== node[i] + pathBits[i] * (siblings[i] - node[i]);
        hashers[i] = Poseidon(2);
        hashers[i].inputs[0] <== left[i];
        hashers[i].inputs[1] <== node[i] + siblings[i] - left[i];
        node[i + 1] <== hashers[i].out;
    }
    root <== node[D];
}
