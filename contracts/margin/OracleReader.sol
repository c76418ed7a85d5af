// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPriceFeed} from "../interfaces/IPriceFeed.sol";
import {NotAContract} from "./RollupErrors.sol";

/// @title OracleReader
/// @notice Authenticates a batch's prices: each market's price is the answer of the feed round the
/// batch names, which must exist, hold a price in [1, 2^48), be recorded no later than the batch
/// timestamp and no more than `maxPriceAge` seconds before it.
abstract contract OracleReader {
    /// @notice Prices are below 2^48 (PRICE_BITS).
    uint256 public constant PRICE_LIMIT = 1 << 48;

    /// @notice Oldest a round may be, in seconds before the batch timestamp.
    uint256 public immutable maxPriceAge;
    // Immutables rather than an array: a batch reads every feed, and a storage array would cost a
    // cold SLOAD per market. M <= 3 (MarketRegistry.MAX_MARKETS).
    address private immutable _feed0;
    address private immutable _feed1;
    address private immutable _feed2;

    /// @notice Round `roundId` of market `market`'s feed does not exist.
    error UnknownPriceRound(uint256 market, uint80 roundId);
    /// @notice The round's answer is not a price in [1, 2^48).
    error InvalidPrice(uint256 market, uint80 roundId, int256 answer);
    /// @notice The round was recorded after the batch timestamp.
    error PriceRoundAfterBatch(uint256 market, uint80 roundId, uint256 updatedAt, uint256 batchTimestamp);
    /// @notice The round is older than maxPriceAge at the batch timestamp.
    error StalePriceRound(uint256 market, uint80 roundId, uint256 updatedAt, uint256 batchTimestamp);

    constructor(address[] memory feeds, uint256 maxPriceAge_) {
        for (uint256 m = 0; m < feeds.length; m++) {
            if (feeds[m].code.length == 0) revert NotAContract(feeds[m]);
        }
        maxPriceAge = maxPriceAge_;
        _feed0 = feeds.length > 0 ? feeds[0] : address(0);
        _feed1 = feeds.length > 1 ? feeds[1] : address(0);
        _feed2 = feeds.length > 2 ? feeds[2] : address(0);
    }

    /// @notice The feed of market `market` (zero beyond the markets the rollup was built with).
    function feed(uint256 market) public view returns (address) {
        return market == 0 ? _feed0 : market == 1 ? _feed1 : market == 2 ? _feed2 : address(0);
    }

    /// @dev The authenticated price of `market` from round `roundId` for a batch at `timestamp`.
    /// A low-level call (one staticcall, the three words it needs read from the return data): a
    /// feed that reverts or returns less than the AggregatorV3 tuple is an unknown round.
    function _price(uint256 market, uint80 roundId, uint256 timestamp) internal view returns (uint256) {
        address target = feed(market);
        bytes4 selector = IPriceFeed.getRoundData.selector;
        bool ok;
        uint256 id;
        int256 answer;
        uint256 updatedAt;
        assembly ("memory-safe") {
            let ptr := mload(0x40) // scratch above the free memory pointer, not kept
            mstore(ptr, selector)
            mstore(add(ptr, 4), roundId)
            ok := staticcall(gas(), target, ptr, 36, ptr, 160)
            ok := and(ok, gt(returndatasize(), 159)) // after the call: arguments run right to left
            id := mload(ptr)
            answer := mload(add(ptr, 32))
            updatedAt := mload(add(ptr, 96))
        }
        if (!ok || id != roundId || updatedAt == 0) revert UnknownPriceRound(market, roundId);
        if (answer <= 0 || uint256(answer) >= PRICE_LIMIT) revert InvalidPrice(market, roundId, answer);
        if (updatedAt > timestamp) revert PriceRoundAfterBatch(market, roundId, updatedAt, timestamp);
        if (timestamp - updatedAt > maxPriceAge) revert StalePriceRound(market, roundId, updatedAt, timestamp);
        return uint256(answer);
    }
}
