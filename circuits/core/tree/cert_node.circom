pragma circom 2.2.3;

include "circomlib/circuits/poseidon.circom";

// CertNode(M): hash of a certificate-tree node (docs/CORE_SPEC.md §4).
//
// node = Poseidon(left, right, aggLeft[0][0], aggLeft[0][1], ..., aggRight[0][0], aggRight[0][1], ...)
//
// Parameters:
//   M        - markets, 1 <= M <= 3 (2 + 4M <= 16 Poseidon inputs)
// Inputs:
//   left     - Field - left child's value
//   right    - Field - right child's value
//   aggLeft  - Int72[M][2] - left child's aggregates: [m][0] max floor, [m][1] min ceiling
//   aggRight - Int72[M][2] - right child's aggregates
// Outputs:
//   out      - Field - the node's value
template CertNode(M) {
    assert(M >= 1);
    assert(M <= 3);
    signal input left;
    signal input right;
    signal input aggLeft[M][2];
    signal input aggRight[M][2];
    signal output out;

    component h = Poseidon(2 + 4 * M);
    h.inputs[0] <== left;
    h.inputs[1] <== right;
    for (var m = 0; m < M; m++) {
        h.inputs[2 + 2 * m] <== aggLeft[m][0];
        h.inputs[3 + 2 * m] <== aggLeft[m][1];
        h.inputs[2 + 2 * M + 2 * m] <== aggRight[m][0];
        h.inputs[3 + 2 * M + 2 * m] <== aggRight[m][1];
    }
    out <== h.out;
}
