// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The BN254 scalar field, in which every Groth16 public input and Poseidon input lives.
library SnarkField {
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @notice A signed integer as the circuit sees it: `x` when x >= 0, `R - |x|` when x < 0
    /// (docs/CORE_SPEC.md: "a negative value is the field element p - |x|").
    function fromInt(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : R - uint256(-x);
    }
}
