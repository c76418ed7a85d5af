pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "../constants.circom";
include "../lib/ceil_div.circom";
include "../lib/positive_range.circom";
include "./order_slot.circom";

// Trade(M, K): the rules of a trade between two signed orders (docs/CORE_SPEC.md §7), A's order at
// [0] (the taker) and B's at [1] (the maker), and the position and cash changes they imply. The
// signatures over the orders are checked by SlotSignatures.
//
// Parameters:
//   M, K          - markets, order-slot depth
// Inputs:
//   enabled       - Bool - the slot is a trade; 0: every output change is 0 and nothing is checked
//   timestamp     - Uint40 - batch time (range-checked by the batch)
//   fee           - Uint20[M] - fee rate per side, ppm (range-checked by the batch)
//   index         - Uint{D}[2] - the two account indices
//   ordersRoot    - Field[2] - the two accounts' order-slot roots
//   oldIsPos, oldIsNeg - Bool[2][M] - signs of the accounts' positions before the trade
//   oldAbs        - Uint47[2][M] - magnitudes of those positions
//   orderMarket, orderSide, orderSize, orderLimit, orderExpiry, orderId - [2] - the orders
//   slotId, slotFilled, slotSiblings - [2], [2], [2][K] - order-slot witnesses
//   fill          - Uint47 - traded size, >= 1
//   execPrice     - Uint48 - price per lot, >= 1
// Outputs:
//   marketSel     - Bool[M] - one-hot traded market (all 0 when disabled)
//   sizeDeltaA    - Int48[M] - A's position change (B's is the negation)
//   cashA, cashB  - Int - collateral changes, fees included
//   feeTotal      - Uint - fees paid by both sides
//   newOrdersRoot - Field[2]
//   reduces       - Bool[2] - the side was on the other side of the trade with fill <= |position|
template Trade(M, K) {
    signal input enabled;
    signal input timestamp;
    signal input fee[M];
    signal input index[2];
    signal input ordersRoot[2];
    signal input oldIsPos[2][M];
    signal input oldIsNeg[2][M];
    signal input oldAbs[2][M];
    signal input orderMarket[2];
    signal input orderSide[2];
    signal input orderSize[2];
    signal input orderLimit[2];
    signal input orderExpiry[2];
    signal input orderId[2];
    signal input slotId[2];
    signal input slotFilled[2];
    signal input slotSiblings[2][K];
    signal input fill;
    signal input execPrice;
    signal output marketSel[M];
    signal output sizeDeltaA[M];
    signal output cashA;
    signal output cashB;
    signal output feeTotal;
    signal output newOrdersRoot[2];
    signal output reduces[2];

    // Phase A: the two orders match: one market, opposite sides, different accounts.
    enabled * (orderMarket[0] - orderMarket[1]) === 0;
    orderSide[0] * (1 - orderSide[0]) === 0;
    orderSide[1] * (1 - orderSide[1]) === 0;
    enabled * (orderSide[0] + orderSide[1] - 1) === 0;
    signal sameAccount <== IsEqual()([index[0], index[1]]);
    enabled * sameAccount === 0;
    var selected = 0;
    signal isMarket[M];
    for (var m = 0; m < M; m++) {
        isMarket[m] <== IsEqual()([orderMarket[0], m]);
        marketSel[m] <== enabled * isMarket[m];
        selected += isMarket[m];
    }
    enabled * (1 - selected) === 0;

    // Phase B: ranges; sizes and prices of a trade are at least 1.
    component positive[6];
    for (var k = 0; k < 6; k++) {
        positive[k] = PositiveRange(k < 3 ? SIZE_BITS() - 1 : PRICE_BITS());
        positive[k].enabled <== enabled;
    }
    positive[0].in <== fill;
    positive[1].in <== orderSize[0];
    positive[2].in <== orderSize[1];
    positive[3].in <== execPrice;
    positive[4].in <== orderLimit[0];
    positive[5].in <== orderLimit[1];
    for (var j = 0; j < 2; j++) _ = Num2Bits(TIME_BITS())(orderExpiry[j]);

    // Phase C: limits and expiry. The buyer pays at most its limit, the seller gets at least its.
    signal buyerLimit <== orderLimit[0] + orderSide[0] * (orderLimit[1] - orderLimit[0]);
    signal sellerLimit <== orderLimit[0] + orderLimit[1] - buyerLimit;
    signal buyerOk <== LessEqThan(PRICE_BITS())([execPrice, buyerLimit]);
    signal sellerOk <== LessEqThan(PRICE_BITS())([sellerLimit, execPrice]);
    enabled * (1 - buyerOk) === 0;
    enabled * (1 - sellerOk) === 0;
    signal live[2];
    for (var j = 0; j < 2; j++) {
        live[j] <== LessEqThan(TIME_BITS())([timestamp, orderExpiry[j]]);
        enabled * (1 - live[j]) === 0;
    }

    // Phase D: fills against each order's slot (no overfill, no replay).
    component slots[2];
    for (var j = 0; j < 2; j++) {
        slots[j] = OrderSlot(K);
        slots[j].enabled <== enabled;
        slots[j].rootIn <== ordersRoot[j];
        slots[j].orderId <== orderId[j];
        slots[j].orderSize <== orderSize[j];
        slots[j].fill <== fill;
        slots[j].slotId <== slotId[j];
        slots[j].slotFilled <== slotFilled[j];
        slots[j].siblings <== slotSiblings[j];
        newOrdersRoot[j] <== slots[j].rootOut;
    }

    // Phase E: position and cash. A buys (side 0) +fill, sells -fill; the fee rounds up.
    signal sideFill <== orderSide[0] * fill;
    signal signedFill <== fill - 2 * sideFill;
    for (var m = 0; m < M; m++) sizeDeltaA[m] <== marketSel[m] * signedFill;
    signal notional <== fill * execPrice;
    var rate = 0;
    signal rateTerm[M];
    for (var m = 0; m < M; m++) {
        rateTerm[m] <== marketSel[m] * fee[m];
        rate += rateTerm[m];
    }
    signal feeNumerator <== notional * rate;
    signal feeEach <== CeilDiv(SIZE_BITS() - 1 + PRICE_BITS() + RATIO_BITS(), RATIO())(feeNumerator);
    signal sideNotional <== orderSide[0] * notional;
    signal signedNotional <== notional - 2 * sideNotional;
    signal gatedNotional <== enabled * signedNotional;
    cashA <== -gatedNotional - feeEach;
    cashB <== gatedNotional - feeEach;
    feeTotal <== 2 * feeEach;

    // Phase F: does each side only reduce its position? (Then it need not meet initial margin.)
    signal posSel[2][M];
    signal negSel[2][M];
    signal absSel[2][M];
    signal reduceDir[2];
    signal fillWithin[2];
    for (var j = 0; j < 2; j++) {
        var pos = 0;
        var neg = 0;
        var abs = 0;
        for (var m = 0; m < M; m++) {
            posSel[j][m] <== marketSel[m] * oldIsPos[j][m];
            negSel[j][m] <== marketSel[m] * oldIsNeg[j][m];
            absSel[j][m] <== marketSel[m] * oldAbs[j][m];
            pos += posSel[j][m];
            neg += negSel[j][m];
            abs += absSel[j][m];
        }
        // A seller (side 1) reduces a long, a buyer a short.
        reduceDir[j] <== neg + orderSide[j] * (pos - neg);
        fillWithin[j] <== LessEqThan(SIZE_BITS())([fill, abs]);
        reduces[j] <== reduceDir[j] * fillWithin[j];
    }
}
