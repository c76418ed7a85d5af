// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceFeed} from "./interfaces/IPriceFeed.sol";
import {Owned} from "./lib/Owned.sol";

/// @title PriceFeed
/// @notice A Chainlink-style feed for one market: updaters append rounds (answer, time of the
/// block), readers get the Chainlink tuple by round id or for the latest round. Round ids count
/// from 1. The owner grants and revokes the updater role.
/// @dev For MarginRollup the answer is the market's price in protocol units (quote micro-units per
/// lot, docs/CORE_SPEC.md §1); a real Chainlink feed in other units needs an adapter.
contract PriceFeed is IPriceFeed, Owned {
    struct Round {
        int192 answer;
        uint64 updatedAt;
    }

    uint8 public immutable decimals;
    string public description;
    uint256 public constant version = 1;

    /// @notice Id of the latest round; 0 before the first.
    uint80 public latestRound;
    /// @notice Holders of the updater role.
    mapping(address account => bool) public isUpdater;
    mapping(uint256 roundId => Round) private _rounds;

    /// @notice Chainlink's event for a new answer.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
    /// @notice `account` was granted (`enabled`) or denied the updater role.
    event UpdaterSet(address indexed account, bool enabled);

    /// @notice The caller does not hold the updater role.
    error NotUpdater(address caller);
    /// @notice Round `roundId` does not exist.
    error UnknownRound(uint80 roundId);
    /// @notice The answer does not fit the feed's storage (int192).
    error AnswerOutOfRange(int256 answer);

    constructor(address owner_, uint8 decimals_, string memory description_) Owned(owner_) {
        decimals = decimals_;
        description = description_;
    }

    /// @notice Grants or revokes the updater role.
    function setUpdater(address account, bool enabled) external onlyOwner {
        isUpdater[account] = enabled;
        emit UpdaterSet(account, enabled);
    }

    /// @notice Records `answer` as a new round at the current block time.
    /// @return roundId the id of the new round.
    function submit(int256 answer) external returns (uint80 roundId) {
        if (!isUpdater[msg.sender]) revert NotUpdater(msg.sender);
        if (answer < type(int192).min || answer > type(int192).max) revert AnswerOutOfRange(answer);
        roundId = latestRound + 1;
        latestRound = roundId;
        _rounds[roundId] = Round(int192(answer), uint64(block.timestamp));
        emit AnswerUpdated(answer, roundId, block.timestamp);
    }

    /// @inheritdoc IPriceFeed
    function getRoundData(uint80 roundId) public view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = _rounds[roundId];
        if (r.updatedAt == 0) revert UnknownRound(roundId);
        return (roundId, r.answer, r.updatedAt, r.updatedAt, roundId);
    }

    /// @inheritdoc IPriceFeed
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return getRoundData(latestRound);
    }
}
