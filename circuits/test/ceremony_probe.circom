pragma circom 2.2.3;

include "circomlib/circuits/poseidon.circom";

// CeremonyProbe(): a small circuit with the shapes key generation must get right: several public
// outputs and inputs (the IC section), a private witness, long linear combinations (Poseidon under
// --O2), constants, and a signal that appears in C only.
//
// Inputs:
//   a - Field - public
//   b - Field - public
//   x - Field - private
// Outputs:
//   h - Field - Poseidon(a, x)
//   m - Field - a * b + 3x + 5
template CeremonyProbe() {
    signal input a;
    signal input b;
    signal input x;
    signal output h;
    signal output m;

    h <== Poseidon(2)([a, x]);
    m <== a * b + 3 * x + 5;
}
