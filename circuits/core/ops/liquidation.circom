pragma circom 2.2.3;

include "../constants.circom";
include "../lib/ceil_div.circom";
include "../lib/negative_flag.circom";

// Liquidation(M): the money of a liquidation (docs/CORE_SPEC.md §7): every position of the
// liquidated account moves at the oracle price, the penalty (rounded up) goes to the insurance fund
// as far as the account can pay it, and the fund covers any deficit.
//
// Parameters:
//   M          - markets
// Inputs:
//   collateral - Int - the liquidated account's settled collateral (|.| < 2^97)
//   size       - Int48[M] - its positions
//   abs        - Uint47[M] - their magnitudes
//   price      - Uint48[M] - oracle prices (range-checked by the batch)
//   penalty    - Uint20[M] - penalty rates, ppm (range-checked by the batch)
// Outputs:
//   moved         - Int - sum_m size[m] * price[m]: the value credited to the liquidated account and
//                   debited from the receiver
//   newCollateral - Int64 - max(collateral + moved - penalty, 0)
//   insuranceIn   - Int - collateral + moved - newCollateral: what the insurance fund receives
//                   (negative when it covers a deficit)
// The caller applies the outputs only to a liquidation; for other operations they are computed and
// ignored, and every range used here holds for any account in range.
template Liquidation(M) {
    signal input collateral;
    signal input size[M];
    signal input abs[M];
    signal input price[M];
    signal input penalty[M];
    signal output moved;
    signal output newCollateral;
    signal output insuranceIn;

    signal sp[M];
    signal ap[M];
    signal apr[M];
    var movedAcc = 0;
    var penaltyAcc = 0;
    for (var m = 0; m < M; m++) {
        sp[m] <== size[m] * price[m];
        ap[m] <== abs[m] * price[m];
        apr[m] <== ap[m] * penalty[m];
        movedAcc += sp[m];
        penaltyAcc += apr[m];
    }
    moved <== movedAcc;
    // sum of at most 3 terms below 2^(47 + 48 + 20): 117 bits.
    signal charge <== CeilDiv(SIZE_BITS() - 1 + PRICE_BITS() + RATIO_BITS() + 2, RATIO())(penaltyAcc);
    signal x <== collateral + moved;
    signal afterPenalty <== x - charge;
    // |afterPenalty| < 2^97 + 3 * 2^95 + 2^98 < 2^99: signed 100 bits hold it.
    signal negative <== NegativeFlag(100)(afterPenalty);
    newCollateral <== (1 - negative) * afterPenalty;
    insuranceIn <== x - newCollateral;
}
