pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";

// NegativeFlag(B): whether a signed integer of B bits is negative, with its range check.
//
// Parameters:
//   B     - bit width, 2 <= B <= 250
// Inputs:
//   in    - Int{B} - value, -2^(B-1) <= in < 2^(B-1) (constrained here: a value outside the range,
//           e.g. a sum that wrapped the field, fails)
// Outputs:
//   isNeg - Bool - in < 0
template NegativeFlag(B) {
    assert(B >= 2);
    assert(B <= 250);
    signal input in;
    signal output isNeg;
    component bits = Num2Bits(B);
    bits.in <== in + (1 << (B - 1));
    isNeg <== 1 - bits.out[B - 1];
}
