pragma circom 2.2.3;

// The margin core's constants (docs/CORE_SPEC.md §1). sequencer/core/constants.ts holds the same
// values; test/core.constants.test.ts compiles these functions and compares.

function RATIO() { return 1000000; }
function COLLATERAL_BITS() { return 64; }
function AMOUNT_BITS() { return 62; }
function SIZE_BITS() { return 48; }
function PRICE_BITS() { return 48; }
function FUNDING_BITS() { return 49; }
function RATIO_BITS() { return 20; }
function CERT_BITS() { return 72; }
function HEALTH_BITS() { return 130; }
function NONCE_BITS() { return 32; }
function ORDER_ID_BITS() { return 32; }
function TIME_BITS() { return 40; }
function FUND_BITS() { return 64; }
function NO_FLOOR() { return -(1 << 71); }
function NO_CEIL() { return (1 << 71) - 1; }
function TAG_ORDER() { return 1; }
function TAG_WITHDRAW() { return 2; }
function TAG_LIQUIDATE() { return 3; }
function MAX_MARKETS() { return 3; }

// Root of an order-slot tree of depth K whose 2^K slots are all Poseidon(0, 0) (a new account's
// ordersRoot). Literals, because circom cannot hash at compile time; test/core.constants.test.ts
// recomputes them with circomlibjs.
function EMPTY_ORDERS_ROOT(K) {
    if (K == 1) return 7423237065226347324353380772367382631490014989348495481811164164159255474657;
    if (K == 2) return 11286972368698509976183087595462810875513684078608517520839298933882497716792;
    if (K == 3) return 3607627140608796879659380071776844901612302623152076817094415224584923813162;
    if (K == 4) return 19712377064642672829441595136074946683621277828620209496774504837737984048981;
    if (K == 5) return 20775607673010627194014556968476266066927294572720319469184847051418138353016;
    if (K == 6) return 3396914609616007258851405644437304192397291162432396347162513310381425243293;
    if (K == 7) return 21551820661461729022865262380882070649935529853313286572328683688269863701601;
    if (K == 8) return 6573136701248752079028194407151022595060682063033565181951145966236778420039;
    assert(K >= 1 && K <= 8);
    return 0;
}
