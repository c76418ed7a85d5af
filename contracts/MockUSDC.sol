// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "./interfaces/IERC20.sol";
import {Owned} from "./lib/Owned.sol";

/// @title MockUSDC
/// @notice A minimal ERC-20 with 6 decimals standing in for USDC in tests and the demo. The owner
/// mints, and can block an address as USDC's blacklist does, so tests can show that a token that
/// refuses one recipient does not stop the rollup. Errors follow ERC-6093.
contract MockUSDC is IERC20, Owned {
    string public constant name = "Mock USD Coin";
    string public constant symbol = "mUSDC";
    uint8 public constant decimals = 6;

    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;
    /// @notice Addresses that may neither send nor receive.
    mapping(address account => bool) public blocked;

    /// @notice `account` was blocked or unblocked.
    event BlockedSet(address indexed account, bool blocked);

    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    error ERC20InvalidSender(address sender);
    error ERC20InvalidReceiver(address receiver);
    error ERC20InvalidSpender(address spender);
    /// @notice `account` is blocked.
    error ERC20Blocked(address account);

    constructor(address owner_) Owned(owner_) {}

    /// @notice Creates `value` tokens for `to`.
    function mint(address to, uint256 value) external onlyOwner {
        _update(address(0), to, value);
    }

    /// @notice Blocks or unblocks `account`.
    function setBlocked(address account, bool isBlocked) external onlyOwner {
        blocked[account] = isBlocked;
        emit BlockedSet(account, isBlocked);
    }

    /// @notice Moves `value` of the caller's tokens to `to`.
    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    /// @notice Lets `spender` move up to `value` of the caller's tokens (the maximum never decreases).
    function approve(address spender, uint256 value) external returns (bool) {
        if (spender == address(0)) revert ERC20InvalidSpender(spender);
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// @notice Moves `value` of `from`'s tokens to `to` against the caller's allowance.
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert ERC20InsufficientAllowance(msg.sender, allowed, value);
            unchecked {
                allowance[from][msg.sender] = allowed - value;
            }
        }
        _transfer(from, to, value);
        return true;
    }

    function _transfer(address from, address to, uint256 value) private {
        if (from == address(0)) revert ERC20InvalidSender(from);
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        _update(from, to, value);
    }

    function _update(address from, address to, uint256 value) private {
        if (blocked[from]) revert ERC20Blocked(from);
        if (blocked[to]) revert ERC20Blocked(to);
        if (from == address(0)) {
            totalSupply += value;
        } else {
            uint256 balance = balanceOf[from];
            if (balance < value) revert ERC20InsufficientBalance(from, balance, value);
            unchecked {
                balanceOf[from] = balance - value;
            }
        }
        if (to == address(0)) revert ERC20InvalidReceiver(to);
        unchecked {
            balanceOf[to] += value; // cannot overflow: bounded by totalSupply
        }
        emit Transfer(from, to, value);
    }
}
