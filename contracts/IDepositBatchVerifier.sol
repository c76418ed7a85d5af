// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The Groth16 verifier snarkjs exports for the DepositBatch circuit. The length of the
/// public input array is fixed by the circuit: its public signals, in the order of
/// DEPOSIT_BATCH_PUBLIC_SIGNALS in sequencer/skeleton/constants.ts.
/// @dev b holds G2 coordinates in EIP-197 order ([c1, c0] per Fp2 element), as snarkjs' calldata.
interface IDepositBatchVerifier {
    function verifyProof(
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c,
        uint256[4] calldata publicInputs
    ) external view returns (bool);
}
