// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Owned} from "../lib/Owned.sol";
import {Poseidon} from "../lib/Poseidon.sol";

/// @title MarketRegistry
/// @notice The risk parameters of the M markets, set by the owner, and their Poseidon commitment
/// `paramsHash = Poseidon(Poseidon(mmr_0, imr_0, penalty_0, fee_0, maxFunding_0), ..., _{M-1})`
/// (docs/CORE_SPEC.md §2), which every batch proof takes as a public input. A change is in force
/// from the next batch the rollup verifies.
abstract contract MarketRegistry is Owned {
    /// @notice Scale of every ratio: parts per million.
    uint256 public constant RATIO = 1_000_000;
    /// @notice Most markets an instance supports (the circuit's account leaf bounds it).
    uint256 public constant MAX_MARKETS = 3;

    /// @notice One market's parameters, each in parts per million.
    struct MarketParams {
        uint32 mmr;
        uint32 imr;
        uint32 penalty;
        uint32 fee;
        uint32 maxFunding;
    }

    /// @notice Number of markets, M.
    uint256 public immutable marketCount;
    address private immutable _poseidon5;
    address private immutable _poseidonMarkets;

    /// @notice Commitment to every market's parameters, as the next batch proves against.
    uint256 public paramsHash;
    mapping(uint256 market => MarketParams) private _params;

    /// @notice Market `market` now has `params`; the commitment is `paramsHash` from batch
    /// `effectiveFromBatch` on.
    event MarketParamsSet(uint256 indexed market, MarketParams params, uint256 paramsHash, uint256 effectiveFromBatch);

    /// @notice M must be between 1 and MAX_MARKETS.
    error MarketCountOutOfRange(uint256 count);
    /// @notice No market has this index.
    error UnknownMarket(uint256 market);
    /// @notice Parameters must satisfy 0 < mmr <= imr < RATIO and penalty, fee, maxFunding < RATIO.
    error InvalidMarketParams(uint256 market, MarketParams params);

    constructor(MarketParams[] memory params, address poseidon5, address poseidonMarkets) {
        uint256 n = params.length;
        if (n == 0 || n > MAX_MARKETS) revert MarketCountOutOfRange(n);
        Poseidon.probe(poseidon5, 5);
        Poseidon.probe(poseidonMarkets, n);
        marketCount = n;
        _poseidon5 = poseidon5;
        _poseidonMarkets = poseidonMarkets;
        for (uint256 m = 0; m < n; m++) {
            _check(m, params[m]);
            _params[m] = params[m];
        }
        uint256 h = _rehash();
        for (uint256 m = 0; m < n; m++) emit MarketParamsSet(m, params[m], h, _nextBatchNumber());
    }

    /// @notice Replaces the parameters of `market`, in force from the next verified batch.
    function setMarketParams(uint256 market, MarketParams calldata params) external onlyOwner {
        if (market >= marketCount) revert UnknownMarket(market);
        _check(market, params);
        _params[market] = params;
        emit MarketParamsSet(market, params, _rehash(), _nextBatchNumber());
    }

    /// @notice The parameters of `market`.
    function marketParams(uint256 market) external view returns (MarketParams memory) {
        if (market >= marketCount) revert UnknownMarket(market);
        return _params[market];
    }

    /// @dev Number of the batch the rollup verifies next.
    function _nextBatchNumber() internal view virtual returns (uint256);

    function _check(uint256 market, MarketParams memory p) private pure {
        bool ok = p.mmr > 0 && p.mmr <= p.imr && p.imr < RATIO && p.penalty < RATIO && p.fee < RATIO
            && p.maxFunding < RATIO;
        if (!ok) revert InvalidMarketParams(market, p);
    }

    function _rehash() private returns (uint256 h) {
        uint256 n = marketCount;
        uint256[] memory marketHashes = new uint256[](n);
        uint256[] memory fields = new uint256[](5);
        for (uint256 m = 0; m < n; m++) {
            MarketParams memory p = _params[m];
            (fields[0], fields[1], fields[2], fields[3], fields[4]) = (p.mmr, p.imr, p.penalty, p.fee, p.maxFunding);
            marketHashes[m] = Poseidon.hash(_poseidon5, fields);
        }
        h = Poseidon.hash(_poseidonMarkets, marketHashes);
        paramsHash = h;
    }
}
