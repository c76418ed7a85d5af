// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The rollup's counters and fund, packed in one storage slot: every batch reads and
/// rewrites it, every deposit bumps its queue length.
abstract contract RollupHead {
    /// @dev Widths from docs/CORE_SPEC.md §1: batch numbers BATCH_NUMBER_BITS = 64, timestamps
    /// TIME_BITS = 40, the insurance fund FUND_BITS = 64. 2^40 deposits would cost more gas than
    /// any chain will ever burn.
    struct Head {
        uint64 batchCount;
        uint40 lastTimestamp;
        uint40 depositCount;
        uint40 depositsConsumed;
        uint64 insurance;
    }

    /// @dev MarginRollup.submitBatch writes this slot as one word in this layout (fields from the
    /// low bits up): keep the two in step if a field is added, removed or resized.
    Head internal _head;
}
