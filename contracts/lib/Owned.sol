// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A single owner role with a two-step transfer (the new owner must accept), so a typo in
/// the address cannot lock the role away.
abstract contract Owned {
    /// @notice Holder of the owner role.
    address public owner;
    /// @notice Address named by `transferOwnership`, until it accepts.
    address public pendingOwner;

    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    /// @notice The caller does not hold the owner role.
    error NotOwner(address caller);
    /// @notice The caller is not the pending owner.
    error NotPendingOwner(address caller);
    /// @notice The owner would be the zero address.
    error ZeroOwner();

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor(address owner_) {
        if (owner_ == address(0)) revert ZeroOwner();
        owner = owner_;
        emit OwnershipTransferred(address(0), owner_);
    }

    /// @notice Names `newOwner` as the next owner; it takes the role with `acceptOwnership`.
    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroOwner();
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(owner, newOwner);
    }

    /// @notice Completes a transfer started by `transferOwnership`.
    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert NotPendingOwner(msg.sender);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }
}
