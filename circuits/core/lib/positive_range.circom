pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// PositiveRange(B): 1 <= in < 2^B when enabled, 0 <= in < 2^B otherwise.
//
// (Num2Bits(B)(in - 1) would admit in = 2^B: the range must be stated on `in` itself.)
//
// Parameters:
//   B       - bit width, 1 <= B <= 250
// Inputs:
//   in      - Uint{B}
//   enabled - Bool - whether zero is refused (boolean by the caller)
template PositiveRange(B) {
    assert(B >= 1);
    assert(B <= 250);
    signal input in;
    signal input enabled;
    _ = Num2Bits(B)(in);
    signal zero <== IsZero()(in);
    enabled * zero === 0;
}
