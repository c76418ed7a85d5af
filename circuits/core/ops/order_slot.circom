pragma circom 2.2.3;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "../constants.circom";
include "../../lib/merkle_path_root.circom";

// OrderSlot(K): the fill of one order against its account's order-slot tree (docs/CORE_SPEC.md §5):
// replay and overfill protection for partial fills.
//
// Parameters:
//   K           - slot-tree depth, 1 <= K <= ORDER_ID_BITS
// Inputs:
//   enabled     - Bool - 0: nothing is checked and rootOut = rootIn
//   rootIn      - Field - the account's ordersRoot
//   orderId     - Uint32 - the order's id, >= 1 when enabled (range-checked here)
//   orderSize   - Uint47 - the order's size (range-checked by the caller)
//   fill        - Uint47 - this fill's size (range-checked by the caller)
//   slotId      - Uint32 - the id stored in slot orderId mod 2^K (hash-bound to rootIn)
//   slotFilled  - Uint47 - the filled size stored there (hash-bound to rootIn)
//   siblings    - Field[K] - the slot's Merkle path
// Outputs:
//   rootOut     - Field - rootIn with slot (orderId, prior + fill) when enabled
// Preconditions:
//   slotId and slotFilled are in range by induction: every slot written here has a range-checked
//   id and a filled size at most its order's size.
template OrderSlot(K) {
    assert(K >= 1);
    assert(K <= ORDER_ID_BITS());
    signal input enabled;
    signal input rootIn;
    signal input orderId;
    signal input orderSize;
    signal input fill;
    signal input slotId;
    signal input slotFilled;
    signal input siblings[K];
    signal output rootOut;

    signal idBits[ORDER_ID_BITS()] <== Num2Bits(ORDER_ID_BITS())(orderId);
    signal idIsZero <== IsZero()(orderId);
    enabled * idIsZero === 0;

    // A newer id than the slot's starts from nothing; the same id continues; an older one is a
    // replay of an order the slot has moved past.
    signal newer <== GreaterThan(ORDER_ID_BITS())([orderId, slotId]);
    signal same <== IsEqual()([orderId, slotId]);
    enabled * (1 - newer - same) === 0;
    signal prior <== same * slotFilled;
    signal filledAfter <== prior + fill;
    signal withinSize <== LessEqThan(SIZE_BITS())([filledAfter, orderSize]);
    enabled * (1 - withinSize) === 0;

    signal slotBits[K];
    for (var i = 0; i < K; i++) slotBits[i] <== idBits[i];
    signal oldLeaf <== Poseidon(2)([slotId, slotFilled]);
    signal oldRoot <== MerklePathRoot(K)(oldLeaf, slotBits, siblings);
    enabled * (oldRoot - rootIn) === 0;
    signal newLeaf <== Poseidon(2)([orderId, filledAfter]);
    signal newRoot <== MerklePathRoot(K)(newLeaf, slotBits, siblings);
    rootOut <== rootIn + enabled * (newRoot - rootIn);
}
