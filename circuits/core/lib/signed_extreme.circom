pragma circom 2.2.3;

include "circomlib/circuits/comparators.circom";

// SignedExtreme(B, TAKE_MAX): max (TAKE_MAX = 1) or min (TAKE_MAX = 0) of two signed integers.
//
// Parameters:
//   B        - bit width, 2 <= B <= 250
//   TAKE_MAX - 1 for max, 0 for min
// Inputs:
//   a, b     - Int{B} - operands
// Outputs:
//   out      - Int{B} - max(a, b) or min(a, b)
// Preconditions:
//   a and b lie in the signed B-bit range: LessThan is unsound outside it. Callers pass values that
//   are range-checked or bound by a hash to values that were (certificate aggregates).
template SignedExtreme(B, TAKE_MAX) {
    assert(B >= 2);
    assert(B <= 250);
    assert(TAKE_MAX == 0 || TAKE_MAX == 1);
    signal input a;
    signal input b;
    signal output out;

    var OFFSET = 1 << (B - 1);
    // aLess = a < b, on offset (non-negative) values.
    signal aLess <== LessThan(B)([a + OFFSET, b + OFFSET]);
    if (TAKE_MAX == 1) {
        out <== a + aLess * (b - a);
    } else {
        out <== b + aLess * (a - b);
    }
}
