// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice A Chainlink-style price feed (AggregatorV3Interface): numbered rounds, each an answer and
/// the time it was recorded.
interface IPriceFeed {
    function decimals() external view returns (uint8);
    function description() external view returns (string memory);
    function version() external view returns (uint256);

    /// @notice The round `roundId`; reverts when the round does not exist.
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);

    /// @notice The most recent round; reverts when there is none yet.
    function latestRoundData()
        external
        view
        returns (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
