pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// CeilDiv(NBITS, DIVISOR): q = ceil(n / DIVISOR) for a non-negative n, rounding in the protocol's
// favour (fees and penalties are rounded up).
//
// Parameters:
//   NBITS   - bit width of n, 1 <= NBITS <= 200
//   DIVISOR - constant divisor, 1 <= DIVISOR < 2^30
// Inputs:
//   n       - Uint{NBITS} - dividend
// Outputs:
//   q       - Uint{NBITS} - quotient, n = q * DIVISOR - r with 0 <= r < DIVISOR
// Preconditions:
//   0 <= n < 2^NBITS. Callers pass products of range-checked factors, whose bound is known, so the
//   range of n is not checked again here.
template CeilDiv(NBITS, DIVISOR) {
    assert(NBITS >= 1);
    assert(NBITS <= 200);
    assert(DIVISOR >= 1);
    assert(DIVISOR < (1 << 30));
    signal input n;
    signal output q;

    q <-- (n + DIVISOR - 1) \ DIVISOR;
    signal r <== q * DIVISOR - n;
    // q in range and 0 <= r < DIVISOR make (q, r) unique: no wrap is possible at these widths.
    _ = Num2Bits(NBITS)(q);
    _ = Num2Bits(30)(r);
    signal rBelow <== LessThan(30)([r, DIVISOR]);
    rBelow === 1;
}
