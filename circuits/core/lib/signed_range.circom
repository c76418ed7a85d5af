pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";

// SignedRange(B): constrains a signed integer to B bits.
//
// Parameters:
//   B   - bit width, 2 <= B <= 250 (far below the field, so x + 2^(B-1) cannot wrap)
// Inputs:
//   in  - Int{B} - value; holds when -2^(B-1) <= in < 2^(B-1) (negatives as p - |in|)
template SignedRange(B) {
    assert(B >= 2);
    assert(B <= 250);
    signal input in;
    component bits = Num2Bits(B);
    bits.in <== in + (1 << (B - 1));
}
