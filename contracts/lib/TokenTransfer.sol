// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "../interfaces/IERC20.sol";

/// @notice ERC-20 transfers that accept tokens returning `true` or nothing (USDT style) and turn
/// every failure into one custom error carrying the token's own revert data.
library TokenTransfer {
    /// @notice The token refused or failed the transfer; `reason` is its revert data.
    error TokenTransferFailed(address token, address from, address to, uint256 amount, bytes reason);

    function pay(address token, address to, uint256 amount) internal {
        _call(token, address(this), to, amount, abi.encodeCall(IERC20.transfer, (to, amount)));
    }

    function pull(address token, address from, uint256 amount) internal {
        _call(token, from, address(this), amount, abi.encodeCall(IERC20.transferFrom, (from, address(this), amount)));
    }

    function _call(address token, address from, address to, uint256 amount, bytes memory data) private {
        (bool ok, bytes memory ret) = token.call(data);
        bool accepted = ok && (ret.length == 0 ? token.code.length > 0 : ret.length == 32 && abi.decode(ret, (uint256)) == 1);
        if (!accepted) revert TokenTransferFailed(token, from, to, amount, ret);
    }
}
