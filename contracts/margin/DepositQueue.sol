// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Poseidon} from "../lib/Poseidon.sol";
import {IPoseidon4} from "../lib/Poseidon.sol";
import {SnarkField} from "../lib/SnarkField.sol";
import {TokenTransfer} from "../lib/TokenTransfer.sol";
import {Collateral} from "./Collateral.sol";
import {RollupHead} from "./RollupHead.sol";
import {NotAFieldElement} from "./RollupErrors.sol";

/// @title DepositQueue
/// @notice L1 deposits of collateral to a BabyJubJub key, in a queue the batch circuit consumes in
/// order. The queue is a Poseidon hash chain, h_0 = 0, h_{n+1} = Poseidon(h_n, pkX, pkY, amount)
/// (docs/CORE_SPEC.md §7), hashed by the circomlibjs Poseidon contract so that chain and circuit
/// agree; every chain value is kept, so a batch can name any position it consumed through.
abstract contract DepositQueue is Collateral, RollupHead {
    /// @notice Deposit amounts are below 2^62 (AMOUNT_BITS), quote micro-units.
    uint256 public constant AMOUNT_LIMIT = 1 << 62;

    address private immutable _poseidon4;

    mapping(uint256 position => uint256) private _chain;

    /// @notice Deposit number `position` was queued; `chainValue` is h_position.
    event Deposited(
        uint256 indexed position, address indexed sender, uint256 pkX, uint256 pkY, uint256 amount, uint256 chainValue
    );

    /// @notice Amounts must satisfy 1 <= amount < 2^62.
    error InvalidAmount(uint256 amount);
    /// @notice The queue has only `queueLength` deposits.
    error DepositPositionBeyondQueue(uint256 position, uint256 queueLength);

    constructor(address poseidon4) {
        Poseidon.probe(poseidon4, 4);
        _poseidon4 = poseidon4;
    }

    /// @notice Pulls `amount` of collateral from the caller (approve first) and queues it for the
    /// account with public key (pkX, pkY).
    /// @return position the deposit's position in the queue.
    function deposit(uint256 pkX, uint256 pkY, uint256 amount) external returns (uint256 position) {
        if (pkX >= SnarkField.R) revert NotAFieldElement(pkX);
        if (pkY >= SnarkField.R) revert NotAFieldElement(pkY);
        if (amount == 0 || amount >= AMOUNT_LIMIT) revert InvalidAmount(amount);
        uint256 last = _head.depositCount;
        uint256 h = IPoseidon4(_poseidon4).poseidon([_chain[last], pkX, pkY, amount]);
        position = last + 1;
        _chain[position] = h;
        _head.depositCount = uint40(position); // 2^40 deposits: beyond any chain's gas
        emit Deposited(position, msg.sender, pkX, pkY, amount, h);
        TokenTransfer.pull(collateral, msg.sender, amount);
    }

    /// @notice Number of deposits ever queued; positions run from 1 to depositCount.
    function depositCount() external view returns (uint256) {
        return _head.depositCount;
    }

    /// @notice The chain value h_position (h_0 = 0).
    function depositChainAt(uint256 position) external view returns (uint256) {
        uint256 count = _head.depositCount;
        if (position > count) revert DepositPositionBeyondQueue(position, count);
        return _chain[position];
    }

    /// @dev h_position, for a position already checked against the queue length.
    function _chainAt(uint256 position) internal view returns (uint256) {
        return _chain[position];
    }
}
