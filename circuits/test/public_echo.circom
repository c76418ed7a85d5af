pragma circom 2.2.3;

// PublicEcho(M): a stand-in for the margin batch circuit with exactly its public inputs, in its
// order (docs/CORE_SPEC.md §8, publicSignalNames(M) in sequencer/core/constants.ts), so that the
// MarginRollup contract can be tested with real proofs before the batch circuit exists. It proves
// nothing about them; each input is bound by one constraint (its square).
//
// Parameters:
//   M - number of markets, 1 <= M <= 3
// Inputs (all public in the registered instances, in this order):
//   oldRoot, newRoot       - Field  - state roots
//   batchNumber            - Uint64 - batch number
//   timestamp              - Uint64 - batch timestamp
//   price[M]               - Uint64 - oracle prices
//   fundingOld[M]          - Int64  - funding indices before the batch (negative: p - |x|)
//   funding[M]             - Int64  - funding indices after the batch
//   paramsHash             - Field  - market-parameter commitment
//   depositHashOld/New     - Field  - deposit chain before and after
//   withdrawHash           - Field  - withdrawal chain of the batch
//   insuranceOld/New       - Uint64 - insurance fund
//   feesOld/New            - Uint64 - fee pool
//   liquidations           - Uint64 - liquidations in the batch
template PublicEcho(M) {
    assert(M >= 1 && M <= 3);
    var N = 13 + 3 * M;

    signal input oldRoot;
    signal input newRoot;
    signal input batchNumber;
    signal input timestamp;
    signal input price[M];
    signal input fundingOld[M];
    signal input funding[M];
    signal input paramsHash;
    signal input depositHashOld;
    signal input depositHashNew;
    signal input withdrawHash;
    signal input insuranceOld;
    signal input insuranceNew;
    signal input feesOld;
    signal input feesNew;
    signal input liquidations;

    var all[N];
    all[0] = oldRoot;
    all[1] = newRoot;
    all[2] = batchNumber;
    all[3] = timestamp;
    for (var m = 0; m < M; m++) {
        all[4 + m] = price[m];
        all[4 + M + m] = fundingOld[m];
        all[4 + 2 * M + m] = funding[m];
    }
    all[4 + 3 * M] = paramsHash;
    all[5 + 3 * M] = depositHashOld;
    all[6 + 3 * M] = depositHashNew;
    all[7 + 3 * M] = withdrawHash;
    all[8 + 3 * M] = insuranceOld;
    all[9 + 3 * M] = insuranceNew;
    all[10 + 3 * M] = feesOld;
    all[11 + 3 * M] = feesNew;
    all[12 + 3 * M] = liquidations;

    signal square[N];
    for (var i = 0; i < N; i++) {
        square[i] <== all[i] * all[i];
    }
}
