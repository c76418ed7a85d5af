// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {TokenTransfer} from "../lib/TokenTransfer.sol";
import {Collateral} from "./Collateral.sol";

/// @title WithdrawalVault
/// @notice Withdrawals a verified batch committed to are credited here and pulled by their L1
/// address (pull pattern): a token that refuses one recipient cannot stop a batch, and a credit can
/// be paid exactly once.
abstract contract WithdrawalVault is Collateral {
    /// @notice Collateral credited to an L1 address and not yet paid.
    mapping(address account => uint256) public claimable;

    /// @notice Batch `batchNumber` credited `amount` to `account`.
    event WithdrawalCredited(uint256 indexed batchNumber, address indexed account, uint256 amount);
    /// @notice `amount` credited to `account` was paid to `recipient`.
    event WithdrawalClaimed(address indexed account, address indexed recipient, uint256 amount);

    /// @notice `account` has nothing to claim.
    error NothingToClaim(address account);

    /// @notice Pays everything credited to `account` to `account`; anyone may call it (relayers).
    function claim(address account) external {
        _pay(account, account);
    }

    /// @notice Pays everything credited to the caller to the caller.
    function claimWithdrawal() external {
        _pay(msg.sender, msg.sender);
    }

    /// @notice Pays everything credited to the caller to `recipient` (for an address the token
    /// refuses, or a wallet that cannot receive).
    function claimWithdrawalTo(address recipient) external {
        _pay(msg.sender, recipient);
    }

    function _credit(uint256 batchNumber, address account, uint256 amount) internal {
        claimable[account] += amount;
        emit WithdrawalCredited(batchNumber, account, amount);
    }

    function _pay(address account, address recipient) private {
        uint256 amount = claimable[account];
        if (amount == 0) revert NothingToClaim(account);
        claimable[account] = 0;
        emit WithdrawalClaimed(account, recipient, amount);
        TokenTransfer.pay(collateral, recipient, amount);
    }
}
