pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "./constants.circom";
include "./lib/negative_flag.circom";
include "./lib/sign_split.circom";
include "./lib/positive_range.circom";
include "./account/account_update.circom";
include "./account/health_sum.circom";
include "./ops/op_decode.circom";
include "./ops/trade.circom";
include "./ops/liquidation.circom";
include "./ops/slot_signatures.circom";

// OpSlot(D, M, K): one operation of a batch (docs/CORE_SPEC.md §7): two account writes, A then B,
// and the running batch state (root, deposit and withdrawal chains, insurance fund, fee pool,
// liquidation count). Inputs named as in CORE_SPEC §9 without the [T] index; batch-wide values
// (prices, funding, rates, Y values, timestamp) are range-checked by MarginBatch.
template OpSlot(D, M, K) {
    // Batch-wide.
    signal input price[M];
    signal input funding[M];
    signal input fee[M];
    signal input penalty[M];
    signal input yMaintLong[M];
    signal input yMaintShort[M];
    signal input yInitLong[M];
    signal input yInitShort[M];
    signal input timestamp;
    // Running state.
    signal input rootIn;
    signal input depositHashIn;
    signal input withdrawHashIn;
    signal input insuranceIn;
    signal input feesIn;
    signal input liquidationsIn;
    signal output rootOut;
    signal output depositHashOut;
    signal output withdrawHashOut;
    signal output insuranceOut;
    signal output feesOut;
    signal output liquidationsOut;
    // The operation.
    signal input opType;
    signal input accIndex[2];
    signal input accIsEmpty[2];
    signal input accPkX[2];
    signal input accPkY[2];
    signal input accNonce[2];
    signal input accCollateral[2];
    signal input accOrdersRoot[2];
    signal input accSalt[2];
    signal input accSize[2][M];
    signal input accFunding[2][M];
    signal input accBound[2][M];
    signal input accSiblings[2][D];
    signal input accSiblingAgg[2][D][M][2];
    signal input newSalt[2];
    signal input newBound[2][M];
    signal input orderMarket[2];
    signal input orderSide[2];
    signal input orderSize[2];
    signal input orderLimit[2];
    signal input orderExpiry[2];
    signal input orderId[2];
    signal input slotId[2];
    signal input slotFilled[2];
    signal input slotSiblings[2][K];
    signal input sigR8x[2];
    signal input sigR8y[2];
    signal input sigS[2];
    signal input fill;
    signal input execPrice;
    signal input depositPkX;
    signal input depositPkY;
    signal input depositAmount;
    signal input withdrawAmount;
    signal input withdrawAddress;

    // Phase A: what the operation is, and which accounts it may write.
    component op = OpDecode();
    op.opType <== opType;
    signal touch[2];
    touch[0] <== op.touchA;
    touch[1] <== op.touchB;
    for (var j = 0; j < 2; j++) accIsEmpty[j] * (1 - accIsEmpty[j]) === 0;
    // Only a deposit may write an empty account (creating it); untouched accounts may be empty.
    accIsEmpty[0] * (op.touchA - op.isDeposit) === 0;
    accIsEmpty[1] * op.touchB === 0;
    signal isBackstop <== IsZero()(accIndex[1]);
    signal isTakeOver <== op.isLiq * (1 - isBackstop);
    component amountRange[2];
    amountRange[0] = PositiveRange(AMOUNT_BITS());
    amountRange[0].in <== depositAmount;
    amountRange[0].enabled <== op.isDeposit;
    amountRange[1] = PositiveRange(AMOUNT_BITS());
    amountRange[1].in <== withdrawAmount;
    amountRange[1].enabled <== op.isWithdraw;
    // withdrawAddress needs no range check: the contract recomputes withdrawHash from 160-bit
    // addresses, so a proof over a larger value matches no batch it can be submitted with.

    // Phase B: settlement of funding: c1 = c - sum s (F - f).
    signal owed[2][M];
    signal settled[2];
    for (var j = 0; j < 2; j++) {
        var acc = accCollateral[j];
        for (var m = 0; m < M; m++) {
            owed[j][m] <== accSize[j][m] * (funding[m] - accFunding[j][m]);
            acc -= owed[j][m];
        }
        settled[j] <== acc;
    }

    // Phase C: signs and magnitudes of the old positions (range-checked here).
    component oldSign[2][M];
    signal oldIsPos[2][M];
    signal oldIsNeg[2][M];
    signal oldAbs[2][M];
    for (var j = 0; j < 2; j++) {
        for (var m = 0; m < M; m++) {
            oldSign[j][m] = SignSplit(SIZE_BITS());
            oldSign[j][m].in <== accSize[j][m];
            oldIsPos[j][m] <== oldSign[j][m].isPos;
            oldIsNeg[j][m] <== oldSign[j][m].isNeg;
            oldAbs[j][m] <== oldSign[j][m].abs;
        }
    }

    // Phase D: trade, liquidation, signatures.
    component trade = Trade(M, K);
    trade.enabled <== op.isTrade;
    trade.timestamp <== timestamp;
    trade.fee <== fee;
    trade.index <== accIndex;
    trade.ordersRoot <== accOrdersRoot;
    for (var j = 0; j < 2; j++) {
        trade.oldIsPos[j] <== oldIsPos[j];
        trade.oldIsNeg[j] <== oldIsNeg[j];
        trade.oldAbs[j] <== oldAbs[j];
    }
    trade.orderMarket <== orderMarket;
    trade.orderSide <== orderSide;
    trade.orderSize <== orderSize;
    trade.orderLimit <== orderLimit;
    trade.orderExpiry <== orderExpiry;
    trade.orderId <== orderId;
    trade.slotId <== slotId;
    trade.slotFilled <== slotFilled;
    trade.slotSiblings <== slotSiblings;
    trade.fill <== fill;
    trade.execPrice <== execPrice;

    component liq = Liquidation(M);
    liq.collateral <== settled[0];
    liq.size <== accSize[0];
    liq.abs <== oldAbs[0];
    liq.price <== price;
    liq.penalty <== penalty;

    // A liquidation hits only an account below maintenance margin at the batch's prices.
    component maint = HealthSum(M);
    maint.collateral <== settled[0];
    maint.size <== accSize[0];
    maint.isPos <== oldIsPos[0];
    maint.isNeg <== oldIsNeg[0];
    maint.funding <== funding;
    maint.yLong <== yMaintLong;
    maint.yShort <== yMaintShort;
    signal underwater <== NegativeFlag(HEALTH_BITS())(maint.out);
    op.isLiq * (1 - underwater) === 0;

    component sigs = SlotSignatures();
    sigs.isTrade <== op.isTrade;
    sigs.isWithdraw <== op.isWithdraw;
    sigs.isLiq <== op.isLiq;
    sigs.isBackstop <== isBackstop;
    sigs.index <== accIndex;
    sigs.pkX <== accPkX;
    sigs.pkY <== accPkY;
    sigs.nonce <== accNonce;
    sigs.orderMarket <== orderMarket;
    sigs.orderSide <== orderSide;
    sigs.orderSize <== orderSize;
    sigs.orderLimit <== orderLimit;
    sigs.orderExpiry <== orderExpiry;
    sigs.orderId <== orderId;
    sigs.withdrawAmount <== withdrawAmount;
    sigs.withdrawAddress <== withdrawAddress;
    sigs.sigR8x <== sigR8x;
    sigs.sigR8y <== sigR8y;
    sigs.sigS <== sigS;

    // Phase E: the new accounts.
    signal liqMove[M];
    signal newSize[2][M];
    for (var m = 0; m < M; m++) {
        liqMove[m] <== op.isLiq * accSize[0][m];
        newSize[0][m] <== accSize[0][m] + trade.sizeDeltaA[m] - liqMove[m];
        newSize[1][m] <== accSize[1][m] - trade.sizeDeltaA[m] + liqMove[m];
    }
    signal credit <== op.isDeposit * depositAmount;
    signal debit <== op.isWithdraw * withdrawAmount;
    signal baseA <== settled[0] + trade.cashA + credit - debit;
    signal computedA <== baseA + op.isLiq * (liq.newCollateral - baseA);
    signal liqPaid <== op.isLiq * liq.moved;
    signal computedB <== settled[1] + trade.cashB - liqPaid;
    signal newCollateral[2];
    newCollateral[0] <== accCollateral[0] + touch[0] * (computedA - accCollateral[0]);
    newCollateral[1] <== accCollateral[1] + touch[1] * (computedB - accCollateral[1]);

    // A deposit into an empty account creates it with the deposit's key; into an existing one, the
    // keys must match.
    signal creates <== op.isDeposit * accIsEmpty[0];
    signal credits <== op.isDeposit - creates;
    credits * (accPkX[0] - depositPkX) === 0;
    credits * (accPkY[0] - depositPkY) === 0;
    signal newPkX <== accPkX[0] + creates * (depositPkX - accPkX[0]);
    signal newPkY <== accPkY[0] + creates * (depositPkY - accPkY[0]);
    signal newOrdersRootA <== trade.newOrdersRoot[0] + creates * (EMPTY_ORDERS_ROOT(K) - trade.newOrdersRoot[0]);

    signal newNonce[2];
    newNonce[0] <== accNonce[0] + op.isWithdraw;
    newNonce[1] <== accNonce[1] + isTakeOver;
    signal salt[2];
    signal bound[2][M];
    signal fundingSnap[2][M];
    for (var j = 0; j < 2; j++) {
        salt[j] <== accSalt[j] + touch[j] * (newSalt[j] - accSalt[j]);
        for (var m = 0; m < M; m++) {
            bound[j][m] <== accBound[j][m] + touch[j] * (newBound[j][m] - accBound[j][m]);
            fundingSnap[j][m] <== accFunding[j][m] + touch[j] * (funding[m] - accFunding[j][m]);
        }
    }

    // Phase F: the tree writes, A then B (B's witness is in the tree after A's write).
    component upd[2];
    for (var j = 0; j < 2; j++) {
        upd[j] = AccountUpdate(D, M);
        upd[j].rootIn <== j == 0 ? rootIn : upd[0].rootOut;
        upd[j].index <== accIndex[j];
        upd[j].isEmpty <== accIsEmpty[j];
        upd[j].touched <== touch[j];
        upd[j].oldPkX <== accPkX[j];
        upd[j].oldPkY <== accPkY[j];
        upd[j].oldNonce <== accNonce[j];
        upd[j].oldCollateral <== accCollateral[j];
        upd[j].oldOrdersRoot <== accOrdersRoot[j];
        upd[j].oldSalt <== accSalt[j];
        upd[j].oldSize <== accSize[j];
        upd[j].oldFunding <== accFunding[j];
        upd[j].oldBound <== accBound[j];
        upd[j].oldIsPos <== oldIsPos[j];
        upd[j].oldIsNeg <== oldIsNeg[j];
        upd[j].newPkX <== j == 0 ? newPkX : accPkX[1];
        upd[j].newPkY <== j == 0 ? newPkY : accPkY[1];
        upd[j].newNonce <== newNonce[j];
        upd[j].newCollateral <== newCollateral[j];
        upd[j].newOrdersRoot <== j == 0 ? newOrdersRootA : trade.newOrdersRoot[1];
        upd[j].newSalt <== salt[j];
        upd[j].newSize <== newSize[j];
        upd[j].newFunding <== fundingSnap[j];
        upd[j].newBound <== bound[j];
        upd[j].siblings <== accSiblings[j];
        upd[j].siblingAgg <== accSiblingAgg[j];
    }
    rootOut <== upd[1].rootOut;

    // Phase G: margin after the operation. Initial margin binds a withdrawal, a trade side that
    // does not only reduce, and a liquidator; every written account needs a valid certificate.
    component initial[2];
    component cert[2];
    signal initialShort[2];
    signal certValue[2];
    for (var j = 0; j < 2; j++) {
        initial[j] = HealthSum(M);
        initial[j].collateral <== newCollateral[j];
        initial[j].size <== newSize[j];
        initial[j].isPos <== upd[j].newIsPos;
        initial[j].isNeg <== upd[j].newIsNeg;
        initial[j].funding <== funding;
        initial[j].yLong <== yInitLong;
        initial[j].yShort <== yInitShort;
        initialShort[j] <== NegativeFlag(HEALTH_BITS())(initial[j].out);

        cert[j] = HealthSum(M);
        cert[j].collateral <== newCollateral[j];
        cert[j].size <== newSize[j];
        cert[j].isPos <== upd[j].newIsPos;
        cert[j].isNeg <== upd[j].newIsNeg;
        cert[j].funding <== funding;
        cert[j].yLong <== bound[j];
        cert[j].yShort <== bound[j];
        certValue[j] <== touch[j] * cert[j].out;
        _ = Num2Bits(HEALTH_BITS())(certValue[j]);
    }
    signal tradeNeedsA <== op.isTrade * (1 - trade.reduces[0]);
    signal tradeNeedsB <== op.isTrade * (1 - trade.reduces[1]);
    (op.isWithdraw + tradeNeedsA) * initialShort[0] === 0;
    (tradeNeedsB + isTakeOver) * initialShort[1] === 0;

    // Phase H: conservation, stated once more over the results: the written accounts' K plus the
    // insurance fund and the fee pool change exactly by the deposit minus the withdrawal.
    signal insuranceDelta <== op.isLiq * liq.insuranceIn;
    var dK = 0;
    signal kOld[2][M];
    signal kNew[2][M];
    for (var j = 0; j < 2; j++) {
        dK += newCollateral[j] - accCollateral[j];
        for (var m = 0; m < M; m++) {
            kOld[j][m] <== accSize[j][m] * accFunding[j][m];
            kNew[j][m] <== newSize[j][m] * fundingSnap[j][m];
            dK += kNew[j][m] - kOld[j][m];
        }
    }
    dK + insuranceDelta + trade.feeTotal === credit - debit;

    // Phase I: the running batch state.
    signal depositLink <== Poseidon(4)([depositHashIn, depositPkX, depositPkY, depositAmount]);
    depositHashOut <== depositHashIn + op.isDeposit * (depositLink - depositHashIn);
    signal withdrawLink <== Poseidon(3)([withdrawHashIn, withdrawAddress, withdrawAmount]);
    withdrawHashOut <== withdrawHashIn + op.isWithdraw * (withdrawLink - withdrawHashIn);
    insuranceOut <== insuranceIn + insuranceDelta;
    _ = Num2Bits(FUND_BITS())(insuranceOut);
    feesOut <== feesIn + trade.feeTotal;
    _ = Num2Bits(FUND_BITS())(feesOut);
    liquidationsOut <== liquidationsIn + op.isLiq;
}
