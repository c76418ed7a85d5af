pragma circom 2.2.3;

include "circomlib/circuits/poseidon.circom";
include "../constants.circom";

// AccountLeaf(M): an account's leaf hash and its certificate aggregates (docs/CORE_SPEC.md §3).
//
// hash = Poseidon(pkX, pkY, nonce, collateral, ordersRoot, salt, size[0], funding[0], bound[0], ...)
// agg[m] = [isPos[m] ? bound[m] : NO_FLOOR, isNeg[m] ? bound[m] : NO_CEIL]
//
// Parameters:
//   M          - markets, 1 <= M <= 3
// Inputs:
//   pkX, pkY   - Field - BabyJubJub public key
//   nonce      - Uint32
//   collateral - Int64
//   ordersRoot - Field - root of the order-slot tree
//   salt       - Field - hiding salt
//   size       - Int48[M] - positions
//   funding    - Int49[M] - funding snapshots
//   bound      - Int72[M] - certificate bounds
//   isPos      - Bool[M] - size[m] > 0 (from SignSplit)
//   isNeg      - Bool[M] - size[m] < 0 (from SignSplit)
// Outputs:
//   hash       - Field
//   agg        - Int72[M][2] - [m][0] floor, [m][1] ceiling
// Preconditions:
//   every input is range-checked or hash-bound by the caller; isPos/isNeg are the signs of size.
template AccountLeaf(M) {
    assert(M >= 1);
    assert(M <= MAX_MARKETS());
    signal input pkX;
    signal input pkY;
    signal input nonce;
    signal input collateral;
    signal input ordersRoot;
    signal input salt;
    signal input size[M];
    signal input funding[M];
    signal input bound[M];
    signal input isPos[M];
    signal input isNeg[M];
    signal output hash;
    signal output agg[M][2];

    component h = Poseidon(6 + 3 * M);
    h.inputs[0] <== pkX;
    h.inputs[1] <== pkY;
    h.inputs[2] <== nonce;
    h.inputs[3] <== collateral;
    h.inputs[4] <== ordersRoot;
    h.inputs[5] <== salt;
    for (var m = 0; m < M; m++) {
        h.inputs[6 + 3 * m] <== size[m];
        h.inputs[7 + 3 * m] <== funding[m];
        h.inputs[8 + 3 * m] <== bound[m];
        agg[m][0] <== NO_FLOOR() + isPos[m] * (bound[m] - NO_FLOOR());
        agg[m][1] <== NO_CEIL() + isNeg[m] * (bound[m] - NO_CEIL());
    }
    hash <== h.out;
}
