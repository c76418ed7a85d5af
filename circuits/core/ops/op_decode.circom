pragma circom 2.2.3;

include "circomlib/circuits/comparators.circom";

// OpDecode(): one-hot flags of an operation type (docs/CORE_SPEC.md §7).
//
// Inputs:
//   opType - Uint - 0 no-op, 1 deposit, 2 withdrawal, 3 trade, 4 liquidation, 5 re-certification
// Outputs:
//   isNoop, isDeposit, isWithdraw, isTrade, isLiq, isRecert - Bool, exactly one set
//   touchA - Bool - the operation writes account A (every type but the no-op)
//   touchB - Bool - the operation writes account B (trade, liquidation)
// A type outside 0..5 sets no flag and fails the one-hot check.
template OpDecode() {
    signal input opType;
    signal output isNoop;
    signal output isDeposit;
    signal output isWithdraw;
    signal output isTrade;
    signal output isLiq;
    signal output isRecert;
    signal output touchA;
    signal output touchB;

    isNoop <== IsEqual()([opType, 0]);
    isDeposit <== IsEqual()([opType, 1]);
    isWithdraw <== IsEqual()([opType, 2]);
    isTrade <== IsEqual()([opType, 3]);
    isLiq <== IsEqual()([opType, 4]);
    isRecert <== IsEqual()([opType, 5]);
    isNoop + isDeposit + isWithdraw + isTrade + isLiq + isRecert === 1;
    touchA <== 1 - isNoop;
    touchB <== isTrade + isLiq;
}
