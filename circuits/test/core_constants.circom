pragma circom 2.2.3;

include "../core/constants.circom";

// CoreConstants(K): exposes the margin core's circuit constants as outputs, so a test can compare
// them with sequencer/core/constants.ts. Not part of any batch.
template CoreConstants(K) {
    signal input unused;
    signal output out[19];
    unused * 0 === 0;
    out[0] <== RATIO();
    out[1] <== COLLATERAL_BITS();
    out[2] <== AMOUNT_BITS();
    out[3] <== SIZE_BITS();
    out[4] <== PRICE_BITS();
    out[5] <== FUNDING_BITS();
    out[6] <== RATIO_BITS();
    out[7] <== CERT_BITS();
    out[8] <== HEALTH_BITS();
    out[9] <== NONCE_BITS();
    out[10] <== ORDER_ID_BITS();
    out[11] <== TIME_BITS();
    out[12] <== FUND_BITS();
    out[13] <== NO_FLOOR();
    out[14] <== NO_CEIL();
    out[15] <== TAG_ORDER();
    out[16] <== TAG_WITHDRAW();
    out[17] <== TAG_LIQUIDATE();
    out[18] <== EMPTY_ORDERS_ROOT(K);
}
