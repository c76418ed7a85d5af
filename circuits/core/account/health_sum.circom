pragma circom 2.2.3;

include "../constants.circom";

// HealthSum(M): RATIO * (collateral + sum_m size[m] * funding[m]) + sum_m size[m] * y[m], where
// y[m] = yLong[m] for a long, yShort[m] for a short (docs/CORE_SPEC.md §3). With the Y values of
// maintenance (initial) margin this is maintenance (initial) health of a settled account; with the
// certificate bounds as both yLong and yShort it is the certificate's validity sum.
//
// Parameters:
//   M          - markets, 1 <= M <= 3
// Inputs:
//   collateral - Int64 - settled collateral
//   size       - Int48[M]
//   isPos      - Bool[M] - size[m] > 0
//   isNeg      - Bool[M] - size[m] < 0
//   funding    - Int49[M] - the funding index the account is settled to
//   yLong      - Int72[M]
//   yShort     - Int72[M]
// Outputs:
//   out        - Int130 - |out| < 2^129 for inputs in range: nothing wraps the field
template HealthSum(M) {
    assert(M >= 1);
    assert(M <= MAX_MARKETS());
    signal input collateral;
    signal input size[M];
    signal input isPos[M];
    signal input isNeg[M];
    signal input funding[M];
    signal input yLong[M];
    signal input yShort[M];
    signal output out;

    signal sf[M];
    signal yl[M];
    signal y[M];
    signal sy[M];
    var acc = RATIO() * collateral;
    for (var m = 0; m < M; m++) {
        sf[m] <== size[m] * funding[m];
        yl[m] <== isPos[m] * yLong[m];
        y[m] <== yl[m] + isNeg[m] * yShort[m];
        sy[m] <== size[m] * y[m];
        acc += RATIO() * sf[m] + sy[m];
    }
    out <== acc;
}
