pragma circom 2.2.3;

include "circomlib/circuits/eddsaposeidon.circom";
include "circomlib/circuits/poseidon.circom";
include "../constants.circom";

// SlotSignatures(): the two signature checks of an operation slot (docs/CORE_SPEC.md §6). Every
// message is one Poseidon(8), so each signer's message is assembled from the operation's fields
// with flags and hashed once, whatever the operation.
//
// Signature 0, by account A: its order (trade) or its withdrawal.
// Signature 1, by account B: its order (trade) or its liquidation take-over (unless B is the
// backstop account 0, which needs none).
//
// Inputs:
//   isTrade, isWithdraw, isLiq - Bool - operation flags
//   isBackstop   - Bool - B is account 0
//   index        - Uint{D}[2] - accounts A and B
//   pkX, pkY     - Field[2] - their keys (from their leaves)
//   nonce        - Uint32[2] - their nonces before the operation
//   orderMarket, orderSide, orderSize, orderLimit, orderExpiry, orderId - [2] - the orders
//   withdrawAmount, withdrawAddress - the withdrawal
//   sigR8x, sigR8y, sigS - [2] - the signatures
template SlotSignatures() {
    signal input isTrade;
    signal input isWithdraw;
    signal input isLiq;
    signal input isBackstop;
    signal input index[2];
    signal input pkX[2];
    signal input pkY[2];
    signal input nonce[2];
    signal input orderMarket[2];
    signal input orderSide[2];
    signal input orderSize[2];
    signal input orderLimit[2];
    signal input orderExpiry[2];
    signal input orderId[2];
    signal input withdrawAmount;
    signal input withdrawAddress;
    signal input sigR8x[2];
    signal input sigR8y[2];
    signal input sigS[2];

    // The second signer's alternative to an order: (TAG_LIQUIDATE, liquidator, liquidated, nonce).
    signal isTakeOver <== isLiq * (1 - isBackstop);
    signal enabled[2];
    enabled[0] <== isTrade + isWithdraw;
    enabled[1] <== isTrade + isTakeOver;

    signal alt[2][4];
    alt[0][0] <== isWithdraw * withdrawAmount;
    alt[0][1] <== isWithdraw * withdrawAddress;
    alt[0][2] <== isWithdraw * nonce[0];
    alt[0][3] <== 0;
    alt[1][0] <== isTakeOver * index[0];
    alt[1][1] <== isTakeOver * nonce[1];
    alt[1][2] <== 0;
    alt[1][3] <== 0;
    var altTag[2] = [TAG_WITHDRAW(), TAG_LIQUIDATE()];

    component msg[2];
    component verify[2];
    signal ord[2][6];
    for (var j = 0; j < 2; j++) {
        ord[j][0] <== isTrade * orderMarket[j];
        ord[j][1] <== isTrade * orderSide[j];
        ord[j][2] <== isTrade * orderSize[j];
        ord[j][3] <== isTrade * orderLimit[j];
        ord[j][4] <== isTrade * orderExpiry[j];
        ord[j][5] <== isTrade * orderId[j];
        msg[j] = Poseidon(8);
        msg[j].inputs[0] <== isTrade * TAG_ORDER() + (enabled[j] - isTrade) * altTag[j];
        msg[j].inputs[1] <== index[j];
        msg[j].inputs[2] <== ord[j][0] + alt[j][0];
        msg[j].inputs[3] <== ord[j][1] + alt[j][1];
        msg[j].inputs[4] <== ord[j][2] + alt[j][2];
        msg[j].inputs[5] <== ord[j][3] + alt[j][3];
        msg[j].inputs[6] <== ord[j][4];
        msg[j].inputs[7] <== ord[j][5];

        verify[j] = EdDSAPoseidonVerifier();
        verify[j].enabled <== enabled[j];
        verify[j].Ax <== pkX[j];
        verify[j].Ay <== pkY[j];
        verify[j].S <== sigS[j];
        verify[j].R8x <== sigR8x[j];
        verify[j].R8y <== sigR8y[j];
        verify[j].M <== msg[j].out;
    }
}
