// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Poseidon over the BN254 scalar field, as the contracts circomlibjs' `poseidonContract.createCode(n)`
/// generates them: one contract per arity n, exposing `poseidon(uint256[n])`. They hash exactly as
/// circomlib's `Poseidon(n)` template, so chain and circuit agree. Inputs must be field elements
/// (the generated code reduces them silently).
interface IPoseidon3 {
    function poseidon(uint256[3] calldata input) external pure returns (uint256);
}

interface IPoseidon4 {
    function poseidon(uint256[4] calldata input) external pure returns (uint256);
}

interface IPoseidon5 {
    function poseidon(uint256[5] calldata input) external pure returns (uint256);
}

/// @notice Calls to a Poseidon contract whose arity is only known at run time.
library Poseidon {
    /// @notice The Poseidon contract at `hasher` failed for `arity` inputs: no code, or another arity.
    error PoseidonUnavailable(address hasher, uint256 arity);

    /// @dev Gas a probe may burn: the generated code ends a call of the wrong arity with INVALID,
    /// which would otherwise consume all the gas forwarded to it.
    uint256 private constant PROBE_GAS = 300_000;

    /// @notice Poseidon(inputs) computed by the contract at `hasher` (1 <= inputs.length <= 8).
    function hash(address hasher, uint256[] memory inputs) internal view returns (uint256) {
        return _call(hasher, inputs, gasleft());
    }

    /// @notice Reverts with PoseidonUnavailable unless `hasher` hashes `arity` inputs.
    function probe(address hasher, uint256 arity) internal view {
        _call(hasher, new uint256[](arity), PROBE_GAS);
    }

    function _call(address hasher, uint256[] memory inputs, uint256 gas) private view returns (uint256) {
        uint256 n = inputs.length;
        if (n == 0 || n > 8 || hasher.code.length == 0) revert PoseidonUnavailable(hasher, n);
        bytes4 selector = bytes4(keccak256(abi.encodePacked("poseidon(uint256[", bytes1(uint8(48 + n)), "])")));
        (bool ok, bytes memory ret) = hasher.staticcall{gas: gas}(abi.encodePacked(selector, inputs));
        if (!ok || ret.length != 32) revert PoseidonUnavailable(hasher, n);
        return abi.decode(ret, (uint256));
    }
}
