pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";
include "../constants.circom";
include "../lib/sign_split.circom";
include "../lib/signed_range.circom";
include "../tree/cert_path.circom";
include "./account_leaf.circom";

// AccountUpdate(D, M): one account's write in the certificate tree. Checks the old leaf against
// rootIn, range-checks the new state, and computes rootOut with the new leaf and its aggregates.
// An untouched account keeps its leaf value exactly (an empty leaf stays 0).
//
// Parameters:
//   D, M        - tree depth and markets
// Inputs:
//   rootIn      - Field - tree root before this write
//   index       - Uint{D} - account index (range-checked here)
//   isEmpty     - Bool - the old leaf is 0 (all old fields must then be 0)
//   touched     - Bool - 0: the leaf must not change (the new fields must equal the old ones)
//   old*        - the account before the write (bound to rootIn)
//   oldIsPos, oldIsNeg - Bool[M] - signs of the old sizes (SignSplit by the caller, which needs
//                 them before this write: the operation's logic reads them)
//   new*        - the account after the write
//   siblings, siblingAgg - the Merkle witness in the tree with root rootIn
// Outputs:
//   rootOut     - Field
//   newIsPos, newIsNeg - Bool[M] - signs of the new sizes
// Preconditions:
//   touched and isEmpty are boolean, oldIsPos/oldIsNeg the signs of oldSize (checked by the caller).
template AccountUpdate(D, M) {
    signal input rootIn;
    signal input index;
    signal input isEmpty;
    signal input touched;
    signal input oldPkX;
    signal input oldPkY;
    signal input oldNonce;
    signal input oldCollateral;
    signal input oldOrdersRoot;
    signal input oldSalt;
    signal input oldSize[M];
    signal input oldFunding[M];
    signal input oldBound[M];
    signal input oldIsPos[M];
    signal input oldIsNeg[M];
    signal input newPkX;
    signal input newPkY;
    signal input newNonce;
    signal input newCollateral;
    signal input newOrdersRoot;
    signal input newSalt;
    signal input newSize[M];
    signal input newFunding[M];
    signal input newBound[M];
    signal input siblings[D];
    signal input siblingAgg[D][M][2];
    signal output rootOut;
    signal output newIsPos[M];
    signal output newIsNeg[M];

    signal pathBits[D] <== Num2Bits(D)(index);

    // Phase 1: the old leaf. An empty leaf has no fields: forcing them to 0 keeps every later
    // formula (settlement, deposit into an empty account) exact.
    isEmpty * oldPkX === 0;
    isEmpty * oldPkY === 0;
    isEmpty * oldNonce === 0;
    isEmpty * oldCollateral === 0;
    isEmpty * oldOrdersRoot === 0;
    isEmpty * oldSalt === 0;
    for (var m = 0; m < M; m++) {
        isEmpty * oldSize[m] === 0;
        isEmpty * oldFunding[m] === 0;
        isEmpty * oldBound[m] === 0;
    }
    component oldLeaf = AccountLeaf(M);
    oldLeaf.pkX <== oldPkX;
    oldLeaf.pkY <== oldPkY;
    oldLeaf.nonce <== oldNonce;
    oldLeaf.collateral <== oldCollateral;
    oldLeaf.ordersRoot <== oldOrdersRoot;
    oldLeaf.salt <== oldSalt;
    oldLeaf.size <== oldSize;
    oldLeaf.funding <== oldFunding;
    oldLeaf.bound <== oldBound;
    oldLeaf.isPos <== oldIsPos;
    oldLeaf.isNeg <== oldIsNeg;
    signal oldValue <== (1 - isEmpty) * oldLeaf.hash;

    component oldPath = CertPath(D, M, 0);
    oldPath.leaf <== oldValue;
    oldPath.leafAgg <== oldLeaf.agg;
    oldPath.pathBits <== pathBits;
    oldPath.siblings <== siblings;
    oldPath.siblingAgg <== siblingAgg;
    oldPath.root === rootIn;

    // Phase 2: the new state, range-checked (an untouched account's equals the old, in range by
    // induction, so the checks hold for it too) and canonical (no bound without a position).
    component collateralRange = SignedRange(COLLATERAL_BITS());
    collateralRange.in <== newCollateral;
    _ = Num2Bits(NONCE_BITS())(newNonce);
    component newSign[M];
    component boundRange[M];
    for (var m = 0; m < M; m++) {
        newSign[m] = SignSplit(SIZE_BITS());
        newSign[m].in <== newSize[m];
        newIsPos[m] <== newSign[m].isPos;
        newIsNeg[m] <== newSign[m].isNeg;
        boundRange[m] = SignedRange(CERT_BITS());
        boundRange[m].in <== newBound[m];
        newSign[m].isZero * newBound[m] === 0;
    }
    component newLeaf = AccountLeaf(M);
    newLeaf.pkX <== newPkX;
    newLeaf.pkY <== newPkY;
    newLeaf.nonce <== newNonce;
    newLeaf.collateral <== newCollateral;
    newLeaf.ordersRoot <== newOrdersRoot;
    newLeaf.salt <== newSalt;
    newLeaf.size <== newSize;
    newLeaf.funding <== newFunding;
    newLeaf.bound <== newBound;
    newLeaf.isPos <== newIsPos;
    newLeaf.isNeg <== newIsNeg;

    // Phase 3: the new path. Untouched: the old value and aggregates, so an empty leaf stays 0.
    signal newValue <== oldValue + touched * (newLeaf.hash - oldValue);
    signal newAgg[M][2];
    for (var m = 0; m < M; m++) {
        for (var k = 0; k < 2; k++) {
            newAgg[m][k] <== oldLeaf.agg[m][k] + touched * (newLeaf.agg[m][k] - oldLeaf.agg[m][k]);
        }
    }
    component newPath = CertPath(D, M, 1);
    newPath.leaf <== newValue;
    newPath.leafAgg <== newAgg;
    newPath.pathBits <== pathBits;
    newPath.siblings <== siblings;
    newPath.siblingAgg <== siblingAgg;
    rootOut <== newPath.root;
}
