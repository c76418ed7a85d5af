// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDepositBatchVerifier} from "./IDepositBatchVerifier.sol";

/// @title Rollup (walking skeleton)
/// @notice Holds the state root of the account tree and moves it only on a valid batch proof.
/// The proof's public inputs are assembled here from the contract's own state (current root, next
/// batch number) plus the claimed new root and deposits hash, so a proof made for any other
/// starting point or position in the chain is rejected - including a replay of an applied batch.
/// @dev Deposit queue, collateral token and oracle come later; until then depositsHash is only
/// recorded in the event.
contract Rollup {
    /// @notice Number of public inputs of the batch circuit; equals DEPOSIT_BATCH_PUBLIC_SIGNALS.length.
    uint256 public constant NUM_PUBLIC_INPUTS = 4;

    /// @notice BN254 scalar field order: public inputs must be below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    IDepositBatchVerifier public immutable verifier;

    /// @notice Root of the account tree after the last verified batch.
    uint256 public stateRoot;

    /// @notice Number of verified batches; the next batch is number batchCount + 1.
    uint256 public batchCount;

    /// @notice A batch proof was verified and the state root moved from oldRoot to newRoot.
    event BatchVerified(uint256 indexed batchNumber, uint256 oldRoot, uint256 newRoot, uint256 depositsHash);

    /// @notice The verifier address is zero.
    error ZeroVerifier();
    /// @notice A root or hash is not a field element, so no proof could ever bind it.
    error NotAFieldElement(uint256 value);
    /// @notice The proof does not verify against the public inputs built from this contract's state.
    error InvalidProof();

    constructor(IDepositBatchVerifier verifier_, uint256 genesisRoot) {
        if (address(verifier_) == address(0)) revert ZeroVerifier();
        if (genesisRoot >= SNARK_SCALAR_FIELD) revert NotAFieldElement(genesisRoot);
        verifier = verifier_;
        stateRoot = genesisRoot;
    }

    /// @notice Verifies the proof of batch number batchCount + 1 from the current root to newRoot.
    function submitBatch(
        uint256 newRoot,
        uint256 depositsHash,
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c
    ) external {
        if (newRoot >= SNARK_SCALAR_FIELD) revert NotAFieldElement(newRoot);
        if (depositsHash >= SNARK_SCALAR_FIELD) revert NotAFieldElement(depositsHash);
        uint256 oldRoot = stateRoot;
        uint256 batchNumber = batchCount + 1;
        if (!verifier.verifyProof(a, b, c, publicInputs(oldRoot, newRoot, depositsHash, batchNumber))) {
            revert InvalidProof();
        }
        stateRoot = newRoot;
        batchCount = batchNumber;
        emit BatchVerified(batchNumber, oldRoot, newRoot, depositsHash);
    }

    /// @notice The verifier's public input array, in the circuit's declaration order
    /// (DEPOSIT_BATCH_PUBLIC_SIGNALS: oldRoot, newRoot, depositsHash, batchNumber).
    function publicInputs(uint256 oldRoot, uint256 newRoot, uint256 depositsHash, uint256 batchNumber)
        public
        pure
        returns (uint256[NUM_PUBLIC_INPUTS] memory)
    {
        return [oldRoot, newRoot, depositsHash, batchNumber];
    }
}
