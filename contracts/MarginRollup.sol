// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IPoseidon3, Poseidon} from "./lib/Poseidon.sol";
import {SnarkField} from "./lib/SnarkField.sol";
import {Owned} from "./lib/Owned.sol";
import {Collateral} from "./margin/Collateral.sol";
import {DepositQueue} from "./margin/DepositQueue.sol";
import {MarketRegistry} from "./margin/MarketRegistry.sol";
import {OracleReader} from "./margin/OracleReader.sol";
import {WithdrawalVault} from "./margin/WithdrawalVault.sol";
import {BatchVerifier} from "./margin/BatchVerifier.sol";
import {NotAFieldElement} from "./margin/RollupErrors.sol";

/// @title MarginRollup
/// @notice Holds the root of the margin state tree and moves it only on a valid Groth16 proof of a
/// batch. A submission carries only what the contract cannot know (new root, timestamp, oracle
/// rounds, new funding indices, the deposit position consumed through, the withdrawals, new
/// insurance and fee totals, liquidation count); the verifier's public inputs are built here from
/// the contract's own state in the circuit's order (`publicSignalNames(M)`, docs/CORE_SPEC.md §8):
///
///   oldRoot, newRoot, batchNumber, timestamp, price[M], fundingOld[M], funding[M], paramsHash,
///   depositHashOld, depositHashNew, withdrawHash, insuranceOld, insuranceNew, feesOld, feesNew,
///   liquidations                                                          (13 + 3M elements)
///
/// so a proof made from any other starting point (root, batch number, prices, queue position,
/// parameters, funds) is rejected, a replay included.
/// @dev Generic over M (1..3). The proof is verified inline (BatchVerifier), against the key of the
/// batch circuit's exported verifier, copied into immutables at construction: no external call.
contract MarginRollup is MarketRegistry, OracleReader, DepositQueue, WithdrawalVault, BatchVerifier {
    /// @notice Poseidon contracts by arity; `poseidonMarkets` has arity M.
    struct Hashers {
        address poseidon3;
        address poseidon4;
        address poseidon5;
        address poseidonMarkets;
    }

    struct Config {
        address owner;
        address verifier;
        address collateral;
        Hashers hashers;
        address[] feeds;
        uint256 maxPriceAge;
        uint256 genesisRoot;
        MarketParams[] markets;
    }

    /// @notice A withdrawal the batch proves: `amount` (1 <= amount < 2^62) to L1 address `account`.
    struct Withdrawal {
        address account;
        uint64 amount;
    }

    /// @notice What a batch submission tells the contract; everything else it knows.
    struct Batch {
        uint256 newRoot;
        uint40 timestamp;
        uint80[] roundIds;
        int64[] funding;
        uint40 depositsThrough;
        Withdrawal[] withdrawals;
        uint64 insuranceNew;
        uint64 feesNew;
        uint32 liquidations;
    }

    /// @notice A Groth16 proof in the exported verifier's layout (b in EIP-197 order).
    struct Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice Funding indices are signed 49-bit (FUNDING_BITS): -2^48 <= F < 2^48.
    int256 public constant FUNDING_LIMIT = 1 << 48;
    uint256 private constant FEES_LANE = 3;

    address private immutable _poseidon3;

    /// @notice Root of the state tree after the last verified batch.
    uint256 public stateRoot;
    /// @dev 64-bit lanes: funding index of market m in lane m (two's complement), fee pool in lane 3.
    uint256 private _funds;
    /// @dev 80-bit lanes: oracle round of market m used by the last batch.
    uint256 private _rounds;

    /// @notice The rollup starts at `genesisRoot`.
    event RollupInitialized(uint256 genesisRoot, address verifier, address collateral, address[] feeds);
    /// @notice Batch `batchNumber` was verified and applied: the root is now `newRoot`, and
    /// `withdrawHash` commits to the withdrawals it credited. Everything else the batch set (timestamp,
    /// deposit position, insurance, fees, funding indices, oracle rounds, liquidations) is in the
    /// transaction's `submitBatch` calldata and readable from the contract's views.
    event BatchVerified(uint256 indexed batchNumber, uint256 newRoot, uint256 withdrawHash);

    /// @notice A batch names `given` markets' rounds or funding indices; the rollup has `expected`.
    error WrongMarketCount(uint256 given, uint256 expected);
    /// @notice The batch timestamp is after the current block's.
    error BatchTimestampInFuture(uint256 timestamp, uint256 blockTimestamp);
    /// @notice The batch timestamp is before the previous batch's.
    error BatchTimestampBeforePrevious(uint256 timestamp, uint256 previous);
    /// @notice Oracle rounds may not go back: market `market` last used `previous`.
    error PriceRoundRegressed(uint256 market, uint80 roundId, uint80 previous);
    /// @notice A funding index is outside the signed 49-bit range.
    error FundingOutOfRange(uint256 market, int64 funding);
    /// @notice The batch would consume the deposit queue through a position before the last consumed.
    error DepositPositionBehind(uint256 position, uint256 consumed);
    /// @notice Withdrawal number `index` has an amount outside [1, 2^62).
    error InvalidWithdrawalAmount(uint256 index, uint256 amount);

    constructor(Config memory c)
        Owned(c.owner)
        MarketRegistry(c.markets, c.hashers.poseidon5, c.hashers.poseidonMarkets)
        OracleReader(c.feeds, c.maxPriceAge)
        Collateral(c.collateral)
        DepositQueue(c.hashers.poseidon4)
        BatchVerifier(c.verifier, 13 + 3 * c.markets.length)
    {
        if (c.feeds.length != marketCount) revert WrongMarketCount(c.feeds.length, marketCount);
        if (c.genesisRoot >= SnarkField.R) revert NotAFieldElement(c.genesisRoot);
        Poseidon.probe(c.hashers.poseidon3, 3);
        _poseidon3 = c.hashers.poseidon3;
        stateRoot = c.genesisRoot;
        emit RollupInitialized(c.genesisRoot, c.verifier, c.collateral, c.feeds);
    }

    /// @notice Verifies batch number batchCount + 1 and applies it: root, batch count, timestamp,
    /// funding indices, oracle rounds, deposit position, insurance and fees move, and the
    /// withdrawals are credited for claiming. Reverts, changing nothing, on any failed check.
    function submitBatch(Batch calldata batch, Proof calldata proof) external {
        (uint256[] memory inputs, uint256 funds, uint256 rounds, uint256 depositCount_) = _build(batch);
        _verify(proof, inputs);
        uint256 batchNumber = _at(inputs, 2);
        stateRoot = batch.newRoot;
        // The whole head slot in one write, no read (RollupHead's layout: batchCount in bits 0..63,
        // lastTimestamp 64..103, depositCount 104..143, depositsConsumed 144..183, insurance
        // 184..247); its queue length is the one _build read, nothing can queue meanwhile.
        uint256 head = uint256(uint64(batchNumber)) | (uint256(batch.timestamp) << 64) | (depositCount_ << 104)
            | (uint256(batch.depositsThrough) << 144) | (uint256(batch.insuranceNew) << 184);
        assembly ("memory-safe") {
            sstore(_head.slot, head)
        }
        _funds = funds;
        _rounds = rounds;
        uint256 count = batch.withdrawals.length;
        for (uint256 i = 0; i < count; i++) {
            _credit(batchNumber, batch.withdrawals[i].account, batch.withdrawals[i].amount);
        }
        emit BatchVerified(batchNumber, batch.newRoot, _at(inputs, 7 + 3 * marketCount));
    }

    /// @notice The public inputs `submitBatch(batch, ...)` would hand the verifier now, after the
    /// same checks; reverts as it would.
    function publicInputs(Batch calldata batch) external view returns (uint256[] memory inputs) {
        (inputs,,,) = _build(batch);
    }

    /// @notice Number of the circuit's public inputs, 13 + 3M.
    function publicInputCount() public view returns (uint256) {
        return 13 + 3 * marketCount;
    }

    /// @notice Number of verified batches; the next is batchCount + 1.
    function batchCount() external view returns (uint256) {
        return _head.batchCount;
    }

    /// @notice Timestamp of the last verified batch (0 before the first).
    function lastBatchTimestamp() external view returns (uint256) {
        return _head.lastTimestamp;
    }

    /// @notice Deposit queue position the last batch consumed through.
    function depositsConsumed() external view returns (uint256) {
        return _head.depositsConsumed;
    }

    /// @notice Insurance fund after the last batch, as the proof committed to it.
    function insuranceFund() external view returns (uint256) {
        return _head.insurance;
    }

    /// @notice Fee pool after the last batch, as the proof committed to it.
    function feePool() external view returns (uint256) {
        return _lane(_funds, FEES_LANE, 64);
    }

    /// @notice Funding index of `market` after the last batch.
    function fundingIndex(uint256 market) external view returns (int64) {
        if (market >= marketCount) revert UnknownMarket(market);
        return int64(uint64(_lane(_funds, market, 64)));
    }

    /// @notice Oracle round of `market` the last batch used.
    function lastRoundId(uint256 market) external view returns (uint80) {
        if (market >= marketCount) revert UnknownMarket(market);
        return uint80(_lane(_rounds, market, 80));
    }

    function _nextBatchNumber() internal view override returns (uint256) {
        return uint256(_head.batchCount) + 1;
    }

    /// @dev The verifier input for `batch`, with the funds and rounds words it would store and the
    /// queue length it read. Storage is read once per slot; inputs are written without bounds checks
    /// (every index is below 13 + 3M, the length allocated).
    function _build(Batch calldata batch)
        private
        view
        returns (uint256[] memory inputs, uint256 funds, uint256 rounds, uint256 depositCount_)
    {
        Head memory h = _head;
        uint256 n = marketCount;
        uint256 newRoot = batch.newRoot;
        uint256 timestamp = batch.timestamp;
        uint256 through = batch.depositsThrough;
        if (newRoot >= SnarkField.R) revert NotAFieldElement(newRoot);
        if (timestamp > block.timestamp) revert BatchTimestampInFuture(timestamp, block.timestamp);
        if (timestamp < h.lastTimestamp) revert BatchTimestampBeforePrevious(timestamp, h.lastTimestamp);
        if (batch.roundIds.length != n) revert WrongMarketCount(batch.roundIds.length, n);
        if (batch.funding.length != n) revert WrongMarketCount(batch.funding.length, n);
        if (through < h.depositsConsumed) revert DepositPositionBehind(through, h.depositsConsumed);
        if (through > h.depositCount) revert DepositPositionBeyondQueue(through, h.depositCount);
        depositCount_ = h.depositCount;
        inputs = new uint256[](13 + 3 * n);
        _put(inputs, 0, stateRoot); // oldRoot
        _put(inputs, 1, newRoot); // newRoot
        _put(inputs, 2, uint256(h.batchCount) + 1); // batchNumber
        _put(inputs, 3, timestamp); // timestamp
        uint256 oldFunds = _funds;
        (funds, rounds) = _markets(batch, inputs, oldFunds, n, timestamp); // price[M], fundingOld[M], funding[M]
        uint256 i = 4 + 3 * n;
        uint64 feesNew = batch.feesNew;
        _put(inputs, i, paramsHash); // paramsHash
        _put(inputs, i + 1, _chainAt(h.depositsConsumed)); // depositHashOld
        _put(inputs, i + 2, through == h.depositsConsumed ? _at(inputs, i + 1) : _chainAt(through)); // depositHashNew
        _put(inputs, i + 3, _withdrawHash(batch.withdrawals)); // withdrawHash
        _put(inputs, i + 4, h.insurance); // insuranceOld
        _put(inputs, i + 5, batch.insuranceNew); // insuranceNew
        _put(inputs, i + 6, _lane(oldFunds, FEES_LANE, 64)); // feesOld
        _put(inputs, i + 7, feesNew); // feesNew
        _put(inputs, i + 8, batch.liquidations); // liquidations
        funds = _setLane(funds, FEES_LANE, 64, feesNew);
    }

    /// @dev Fills price[M], fundingOld[M], funding[M] (inputs[4 .. 4 + 3M)) and returns the new
    /// funds and rounds words.
    function _markets(Batch calldata batch, uint256[] memory inputs, uint256 oldFunds, uint256 n, uint256 timestamp)
        private
        view
        returns (uint256 funds, uint256 rounds)
    {
        funds = oldFunds;
        rounds = _rounds;
        uint80[] calldata roundIds = batch.roundIds;
        int64[] calldata funding = batch.funding;
        for (uint256 m = 0; m < n; m++) {
            uint80 roundId = roundIds[m];
            uint80 previous = uint80(_lane(rounds, m, 80));
            if (roundId < previous) revert PriceRoundRegressed(m, roundId, previous);
            int64 f = funding[m];
            if (f < -FUNDING_LIMIT || f >= FUNDING_LIMIT) revert FundingOutOfRange(m, f);
            _put(inputs, 4 + m, _price(m, roundId, timestamp));
            _put(inputs, 4 + n + m, SnarkField.fromInt(int64(uint64(_lane(oldFunds, m, 64)))));
            _put(inputs, 4 + 2 * n + m, SnarkField.fromInt(f));
            funds = _setLane(funds, m, 64, uint64(f));
            rounds = _setLane(rounds, m, 80, roundId);
        }
    }

    /// @dev w_0 = 0, w_{k+1} = Poseidon(w_k, account, amount) (docs/CORE_SPEC.md §7).
    function _withdrawHash(Withdrawal[] calldata withdrawals) private view returns (uint256 w) {
        for (uint256 k = 0; k < withdrawals.length; k++) {
            uint256 amount = withdrawals[k].amount;
            if (amount == 0 || amount >= AMOUNT_LIMIT) revert InvalidWithdrawalAmount(k, amount);
            w = IPoseidon3(_poseidon3).poseidon([w, uint256(uint160(withdrawals[k].account)), amount]);
        }
    }

    /// @dev Verifies the proof inline (BatchVerifier) against the inputs built from the state.
    function _verify(Proof calldata proof, uint256[] memory inputs) private view {
        uint256 offset;
        assembly ("memory-safe") {
            offset := proof
        }
        if (!_verifyProof(offset, inputs)) revert InvalidProof();
    }

    /// @dev a[i] = v for an index known to be in range.
    function _put(uint256[] memory a, uint256 i, uint256 v) private pure {
        assembly ("memory-safe") {
            mstore(add(a, shl(5, add(i, 1))), v)
        }
    }

    /// @dev a[i] for an index known to be in range.
    function _at(uint256[] memory a, uint256 i) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := mload(add(a, shl(5, add(i, 1))))
        }
    }

    function _lane(uint256 word, uint256 lane, uint256 bits) private pure returns (uint256) {
        unchecked {
            return (word >> (lane * bits)) & ((1 << bits) - 1); // lane * bits < 256
        }
    }

    function _setLane(uint256 word, uint256 lane, uint256 bits, uint256 value) private pure returns (uint256) {
        unchecked {
            uint256 mask = ((1 << bits) - 1) << (lane * bits);
            return (word & ~mask) | ((value << (lane * bits)) & mask);
        }
    }
}
