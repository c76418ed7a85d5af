pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "./constants.circom";
include "./lib/signed_range.circom";
include "./lib/positive_range.circom";
include "./lib/signed_extreme.circom";
include "./tree/cert_node.circom";
include "./op_slot.circom";

// MarginBatch(D, M, T, K): a batch of the margin rollup (docs/CORE_SPEC.md). Proves that T
// operations, applied in order to the state with root oldRoot at the batch's prices and funding,
// reach newRoot, every one of them following its rules, and that afterwards EVERY account in the
// tree is healthy at those prices: the root's certificate aggregates lie within the batch's Y values.
//
// Parameters:
//   D - account tree depth, 1 <= D <= 32
//   M - markets, 1 <= M <= 3
//   T - operation slots, T >= 1 (unused slots are no-ops)
//   K - order-slot tree depth, 1 <= K <= 8
// Public inputs, in this order (sequencer/core/constants.ts publicSignalNames(M) is the same list):
//   oldRoot, newRoot - Field - state roots before and after
//   batchNumber      - Field - position of the batch on chain (bound into the proof)
//   timestamp        - Uint40 - batch time: orders must not have expired
//   price            - Uint48[M] - oracle prices, >= 1
//   fundingOld       - Int49[M] - funding indices of the previous batch
//   funding          - Int49[M] - this batch's, within maxFunding * price of fundingOld
//   paramsHash       - Field - Poseidon over the markets' parameter hashes
//   depositHashOld, depositHashNew - Field - the L1 deposit chain before and after
//   withdrawHash     - Field - chain of this batch's withdrawals, from 0
//   insuranceOld, insuranceNew, feesOld, feesNew - Uint64 - the two funds
//   liquidations     - Uint - liquidations in the batch
// Private inputs: the market parameters, the opening of the new root, and per slot the inputs of
// OpSlot (CORE_SPEC §9).
template MarginBatch(D, M, T, K) {
    assert(D >= 1);
    assert(D <= 32);
    assert(M >= 1);
    assert(M <= MAX_MARKETS());
    assert(T >= 1);
    assert(K >= 1);
    assert(K <= 8);

    signal input oldRoot;
    signal input newRoot;
    signal input batchNumber;
    signal input timestamp;
    signal input price[M];
    signal input fundingOld[M];
    signal input funding[M];
    signal input paramsHash;
    signal input depositHashOld;
    signal input depositHashNew;
    signal input withdrawHash;
    signal input insuranceOld;
    signal input insuranceNew;
    signal input feesOld;
    signal input feesNew;
    signal input liquidations;

    signal input mmr[M];
    signal input imr[M];
    signal input penalty[M];
    signal input fee[M];
    signal input maxFunding[M];
    signal input rootLeft;
    signal input rootRight;
    signal input rootAggLeft[M][2];
    signal input rootAggRight[M][2];

    signal input opType[T];
    signal input accIndex[T][2];
    signal input accIsEmpty[T][2];
    signal input accPkX[T][2];
    signal input accPkY[T][2];
    signal input accNonce[T][2];
    signal input accCollateral[T][2];
    signal input accOrdersRoot[T][2];
    signal input accSalt[T][2];
    signal input accSize[T][2][M];
    signal input accFunding[T][2][M];
    signal input accBound[T][2][M];
    signal input accSiblings[T][2][D];
    signal input accSiblingAgg[T][2][D][M][2];
    signal input newSalt[T][2];
    signal input newBound[T][2][M];
    signal input orderMarket[T][2];
    signal input orderSide[T][2];
    signal input orderSize[T][2];
    signal input orderLimit[T][2];
    signal input orderExpiry[T][2];
    signal input orderId[T][2];
    signal input slotId[T][2];
    signal input slotFilled[T][2];
    signal input slotSiblings[T][2][K];
    signal input sigR8x[T][2];
    signal input sigR8y[T][2];
    signal input sigS[T][2];
    signal input fill[T];
    signal input execPrice[T];
    signal input depositPkX[T];
    signal input depositPkY[T];
    signal input depositAmount[T];
    signal input withdrawAmount[T];
    signal input withdrawAddress[T];

    // Phase A: the batch's market state. The batch number enters no rule; squaring it keeps it in
    // the constraint system so that a proof is bound to it.
    signal batchNumberSquared <== batchNumber * batchNumber;
    _ = Num2Bits(TIME_BITS())(timestamp);
    _ = Num2Bits(FUND_BITS())(insuranceOld);
    _ = Num2Bits(FUND_BITS())(feesOld);
    component priceRange[M];
    component fundingRange[M][2];
    component marketHash[M];
    signal maxMove[M];
    signal move[M];
    signal mmrP[M];
    signal imrP[M];
    signal yMaintLong[M];
    signal yMaintShort[M];
    signal yInitLong[M];
    signal yInitShort[M];
    for (var m = 0; m < M; m++) {
        priceRange[m] = PositiveRange(PRICE_BITS());
        priceRange[m].in <== price[m];
        priceRange[m].enabled <== 1;
        fundingRange[m][0] = SignedRange(FUNDING_BITS());
        fundingRange[m][0].in <== fundingOld[m];
        fundingRange[m][1] = SignedRange(FUNDING_BITS());
        fundingRange[m][1].in <== funding[m];
        // 0 < mmr <= imr < RATIO; penalty, fee, maxFunding < RATIO.
        _ = Num2Bits(RATIO_BITS())(mmr[m] - 1);
        _ = Num2Bits(RATIO_BITS())(imr[m] - mmr[m]);
        _ = Num2Bits(RATIO_BITS())(RATIO() - 1 - imr[m]);
        _ = Num2Bits(RATIO_BITS())(penalty[m]);
        _ = Num2Bits(RATIO_BITS())(RATIO() - 1 - penalty[m]);
        _ = Num2Bits(RATIO_BITS())(fee[m]);
        _ = Num2Bits(RATIO_BITS())(RATIO() - 1 - fee[m]);
        _ = Num2Bits(RATIO_BITS())(maxFunding[m]);
        _ = Num2Bits(RATIO_BITS())(RATIO() - 1 - maxFunding[m]);
        marketHash[m] = Poseidon(5);
        marketHash[m].inputs <== [mmr[m], imr[m], penalty[m], fee[m], maxFunding[m]];

        // The funding tick: RATIO * |funding - fundingOld| <= maxFunding * price.
        maxMove[m] <== maxFunding[m] * price[m];
        move[m] <== RATIO() * (funding[m] - fundingOld[m]);
        _ = Num2Bits(PRICE_BITS() + RATIO_BITS() + 2)(maxMove[m] - move[m]);
        _ = Num2Bits(PRICE_BITS() + RATIO_BITS() + 2)(maxMove[m] + move[m]);

        // Y values (CORE_SPEC §2): |Y| < 2^70, inside the certificate range.
        mmrP[m] <== mmr[m] * price[m];
        imrP[m] <== imr[m] * price[m];
        yMaintLong[m] <== RATIO() * (price[m] - funding[m]) - mmrP[m];
        yMaintShort[m] <== RATIO() * (price[m] - funding[m]) + mmrP[m];
        yInitLong[m] <== RATIO() * (price[m] - funding[m]) - imrP[m];
        yInitShort[m] <== RATIO() * (price[m] - funding[m]) + imrP[m];
    }
    component params = Poseidon(M);
    for (var m = 0; m < M; m++) params.inputs[m] <== marketHash[m].out;
    params.out === paramsHash;

    // Phase B: the operations, in order.
    component slot[T];
    for (var t = 0; t < T; t++) {
        slot[t] = OpSlot(D, M, K);
        slot[t].price <== price;
        slot[t].funding <== funding;
        slot[t].fee <== fee;
        slot[t].penalty <== penalty;
        slot[t].yMaintLong <== yMaintLong;
        slot[t].yMaintShort <== yMaintShort;
        slot[t].yInitLong <== yInitLong;
        slot[t].yInitShort <== yInitShort;
        slot[t].timestamp <== timestamp;
        slot[t].rootIn <== t == 0 ? oldRoot : slot[t - 1].rootOut;
        slot[t].depositHashIn <== t == 0 ? depositHashOld : slot[t - 1].depositHashOut;
        slot[t].withdrawHashIn <== t == 0 ? 0 : slot[t - 1].withdrawHashOut;
        slot[t].insuranceIn <== t == 0 ? insuranceOld : slot[t - 1].insuranceOut;
        slot[t].feesIn <== t == 0 ? feesOld : slot[t - 1].feesOut;
        slot[t].liquidationsIn <== t == 0 ? 0 : slot[t - 1].liquidationsOut;
        slot[t].opType <== opType[t];
        slot[t].accIndex <== accIndex[t];
        slot[t].accIsEmpty <== accIsEmpty[t];
        slot[t].accPkX <== accPkX[t];
        slot[t].accPkY <== accPkY[t];
        slot[t].accNonce <== accNonce[t];
        slot[t].accCollateral <== accCollateral[t];
        slot[t].accOrdersRoot <== accOrdersRoot[t];
        slot[t].accSalt <== accSalt[t];
        slot[t].accSize <== accSize[t];
        slot[t].accFunding <== accFunding[t];
        slot[t].accBound <== accBound[t];
        slot[t].accSiblings <== accSiblings[t];
        slot[t].accSiblingAgg <== accSiblingAgg[t];
        slot[t].newSalt <== newSalt[t];
        slot[t].newBound <== newBound[t];
        slot[t].orderMarket <== orderMarket[t];
        slot[t].orderSide <== orderSide[t];
        slot[t].orderSize <== orderSize[t];
        slot[t].orderLimit <== orderLimit[t];
        slot[t].orderExpiry <== orderExpiry[t];
        slot[t].orderId <== orderId[t];
        slot[t].slotId <== slotId[t];
        slot[t].slotFilled <== slotFilled[t];
        slot[t].slotSiblings <== slotSiblings[t];
        slot[t].sigR8x <== sigR8x[t];
        slot[t].sigR8y <== sigR8y[t];
        slot[t].sigS <== sigS[t];
        slot[t].fill <== fill[t];
        slot[t].execPrice <== execPrice[t];
        slot[t].depositPkX <== depositPkX[t];
        slot[t].depositPkY <== depositPkY[t];
        slot[t].depositAmount <== depositAmount[t];
        slot[t].withdrawAmount <== withdrawAmount[t];
        slot[t].withdrawAddress <== withdrawAddress[t];
    }

    // Phase C: the batch's results are the public ones.
    slot[T - 1].rootOut === newRoot;
    slot[T - 1].depositHashOut === depositHashNew;
    slot[T - 1].withdrawHashOut === withdrawHash;
    slot[T - 1].insuranceOut === insuranceNew;
    slot[T - 1].feesOut === feesNew;
    slot[T - 1].liquidationsOut === liquidations;

    // Phase D: global health. Open the new root; its aggregates bound every account's certificate,
    // so Y within them means every account in the tree is above maintenance margin.
    component top = CertNode(M);
    top.left <== rootLeft;
    top.right <== rootRight;
    top.aggLeft <== rootAggLeft;
    top.aggRight <== rootAggRight;
    top.out === newRoot;
    var OFFSET = 1 << (CERT_BITS() - 1);
    component aggRange[M][4];
    component floor[M];
    component ceil[M];
    signal floorOk[M];
    signal ceilOk[M];
    for (var m = 0; m < M; m++) {
        for (var k = 0; k < 4; k++) {
            aggRange[m][k] = SignedRange(CERT_BITS());
            aggRange[m][k].in <== k < 2 ? rootAggLeft[m][k] : rootAggRight[m][k - 2];
        }
        floor[m] = SignedExtreme(CERT_BITS(), 1);
        floor[m].a <== rootAggLeft[m][0];
        floor[m].b <== rootAggRight[m][0];
        ceil[m] = SignedExtreme(CERT_BITS(), 0);
        ceil[m].a <== rootAggLeft[m][1];
        ceil[m].b <== rootAggRight[m][1];
        floorOk[m] <== LessEqThan(CERT_BITS())([floor[m].out + OFFSET, yMaintLong[m] + OFFSET]);
        floorOk[m] === 1;
        ceilOk[m] <== LessEqThan(CERT_BITS())([yMaintShort[m] + OFFSET, ceil[m].out + OFFSET]);
        ceilOk[m] === 1;
    }
}
