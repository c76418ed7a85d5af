pragma circom 2.2.3;

// SquareChain(n): n chained squarings, one constraint each, so that a circuit of a known size can
// exercise the build pipeline and benchmark the development ceremony.
//
// Parameters:
//   n  - number of links, n >= 1 (the circuit has exactly n constraints)
// Inputs:
//   x0 - Field - start of the chain (public in the registered instance)
// Outputs:
//   y  - Field - x_n, where x_{i+1} = x_i * x_i + i  (mod p)
template SquareChain(n) {
    assert(n >= 1);

    signal input x0;
    signal output y;

    // The "+ i" keeps links distinct so --O2 cannot merge or drop any of them.
    signal x[n + 1];
    x[0] <== x0;
    for (var i = 0; i < n; i++) {
        x[i + 1] <== x[i] * x[i] + i;
    }
    y <== x[n];
}
