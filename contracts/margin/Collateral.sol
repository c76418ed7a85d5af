// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {NotAContract} from "./RollupErrors.sol";

/// @notice The ERC-20 the rollup holds: deposits come in and withdrawals go out in it.
abstract contract Collateral {
    /// @notice The collateral token (a standard ERC-20 without transfer fees, e.g. USDC).
    address public immutable collateral;

    constructor(address token) {
        if (token.code.length == 0) revert NotAContract(token);
        collateral = token;
    }
}
