pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// SignSplit(B): range-checks a signed integer and splits it into sign flags and magnitude.
//
// Parameters:
//   B      - bit width, 2 <= B <= 250
// Inputs:
//   in     - Int{B} - value, -2^(B-1) <= in < 2^(B-1) (constrained here)
// Outputs:
//   isNeg  - Bool - in < 0
//   isPos  - Bool - in > 0
//   isZero - Bool - in == 0
//   abs    - Uint{B} - |in|
template SignSplit(B) {
    assert(B >= 2);
    assert(B <= 250);
    signal input in;
    signal output isNeg;
    signal output isPos;
    signal output isZero;
    signal output abs;

    // in + 2^(B-1) lies in [0, 2^B): its top bit is set exactly when in >= 0.
    component bits = Num2Bits(B);
    bits.in <== in + (1 << (B - 1));
    isNeg <== 1 - bits.out[B - 1];
    isZero <== IsZero()(in);
    isPos <== 1 - isNeg - isZero;
    abs <== in * (1 - 2 * isNeg);
}
