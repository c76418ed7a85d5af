// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A value the circuit would read as a field element is not below the BN254 scalar field
/// order, so no proof could bind it.
error NotAFieldElement(uint256 value);

/// @notice An address that must hold a contract (verifier, token, feed) has no code.
error NotAContract(address account);
