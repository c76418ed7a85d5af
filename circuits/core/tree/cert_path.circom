pragma circom 2.2.3;

include "../constants.circom";
include "../lib/signed_extreme.circom";
include "./cert_node.circom";

// CertPath(D, M, CHECKED): the root a leaf and its Merkle witness lead to in the certificate tree,
// carrying each node's aggregates (per market, the max floor and min ceiling of its subtree) up the
// path (docs/CORE_SPEC.md §4).
//
// CHECKED = 1 (the new path of an update): each parent's aggregates are computed with range-checked
// comparisons, so the tree being written is well formed.
// CHECKED = 0 (the old path): the aggregates are hints. They enter the next level's hash, so the
// root check binds each to the value committed in the old root, which is the correct max/min
// because every write computed it so (induction from the genesis root). This halves a level's cost.
//
// Parameters:
//   D          - depth, 1 <= D <= 32
//   M          - markets, 1 <= M <= 3
//   CHECKED    - 0 or 1, see above
// Inputs:
//   leaf       - Field - the leaf value (0 for an empty account)
//   leafAgg    - Int72[M][2] - the leaf's aggregates (range-checked by the caller)
//   pathBits   - Bool[D] - index bits, least significant first; 1 = running node is the right child
//                (constrained boolean by the caller)
//   siblings   - Field[D] - sibling values, bottom-up
//   siblingAgg - Int72[D][M][2] - sibling aggregates, bound to the root through the hashes
// Outputs:
//   root       - Field
template CertPath(D, M, CHECKED) {
    assert(D >= 1);
    assert(D <= 32);
    assert(M >= 1);
    assert(M <= 3);
    assert(CHECKED == 0 || CHECKED == 1);
    signal input leaf;
    signal input leafAgg[M][2];
    signal input pathBits[D];
    signal input siblings[D];
    signal input siblingAgg[D][M][2];
    signal output root;

    signal node[D + 1];
    signal agg[D + 1][M][2];
    signal left[D];
    signal aggLeft[D][M][2];
    component hashers[D];
    component extremes[CHECKED == 1 ? D : 0][M][2];

    node[0] <== leaf;
    agg[0] <== leafAgg;
    for (var i = 0; i < D; i++) {
        // One multiplication orders each pair; the right child is then linear.
        left[i] <== node[i] + pathBits[i] * (siblings[i] - node[i]);
        hashers[i] = CertNode(M);
        hashers[i].left <== left[i];
        hashers[i].right <== node[i] + siblings[i] - left[i];
        for (var m = 0; m < M; m++) {
            for (var k = 0; k < 2; k++) {
                aggLeft[i][m][k] <== agg[i][m][k] + pathBits[i] * (siblingAgg[i][m][k] - agg[i][m][k]);
                hashers[i].aggLeft[m][k] <== aggLeft[i][m][k];
                hashers[i].aggRight[m][k] <== agg[i][m][k] + siblingAgg[i][m][k] - aggLeft[i][m][k];
            }
            if (CHECKED == 1) {
                extremes[i][m][0] = SignedExtreme(CERT_BITS(), 1);
                extremes[i][m][0].a <== agg[i][m][0];
                extremes[i][m][0].b <== siblingAgg[i][m][0];
                agg[i + 1][m][0] <== extremes[i][m][0].out;
                extremes[i][m][1] = SignedExtreme(CERT_BITS(), 0);
                extremes[i][m][1].a <== agg[i][m][1];
                extremes[i][m][1].b <== siblingAgg[i][m][1];
                agg[i + 1][m][1] <== extremes[i][m][1].out;
            } else {
                // Circom compares field elements as signed values in (-p/2, p/2].
                agg[i + 1][m][0] <-- agg[i][m][0] > siblingAgg[i][m][0] ? agg[i][m][0] : siblingAgg[i][m][0];
                agg[i + 1][m][1] <-- agg[i][m][1] < siblingAgg[i][m][1] ? agg[i][m][1] : siblingAgg[i][m][1];
            }
        }
        node[i + 1] <== hashers[i].out;
    }
    root <== node[D];
}
