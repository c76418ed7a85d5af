/** The account leaf: hash input order (against circomlibjs), empty leaf, aggregates, settlement, JSON. */
import { buildPoseidon } from "circomlibjs";
import { beforeAll, describe, expect, it } from "vitest";
import { toField } from "../sequencer/crypto/field.js";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { Account } from "../sequencer/core/account.js";
import { COLLATERAL_BITS, NO_CEIL, NO_FLOOR, NONCE_BITS, SIZE_BITS } from "../sequencer/core/constants.js";
import { prng } from "./helpers/core.js";

let poseidon: Poseidon;

beforeAll(async () => {
  poseidon = await getPoseidon();
});

const sample = (): Account =>
  Account.create({
    pkX: 11n,
    pkY: 12n,
    nonce: 3n,
    collateral: -500n,
    ordersRoot: 13n,
    salt: 14n,
    size: [7n, -9n, 0n],
    funding: [-2n, 5n, 6n],
    bound: [-100n, 200n, 0n],
  });

describe("Account", () => {
  it("hashes Poseidon(pkX, pkY, nonce, c, ordersRoot, salt, s_0, f_0, b_0, ...) with negatives as p - |x|", async () => {
    const ref = await buildPoseidon();
    const expected = ref.F.toObject(ref([11n, 12n, 3n, -500n, 13n, 14n, 7n, -2n, -100n, -9n, 5n, 200n, 0n, 6n, 0n].map(toField)));
    expect(sample().leafHash(poseidon)).toBe(expected);
  });

  it("an empty account is leaf 0 with all fields zero and sentinel aggregates", () => {
    const e = Account.empty(2);
    expect(e.isEmpty).toBe(true);
    expect(e.leafHash(poseidon)).toBe(0n);
    expect(e.aggregates()).toEqual([
      [NO_FLOOR, NO_CEIL],
      [NO_FLOOR, NO_CEIL],
    ]);
    expect([e.pkX, e.pkY, e.nonce, e.collateral, e.ordersRoot, e.salt, ...e.size, ...e.funding, ...e.bound]).toEqual(Array(12).fill(0n));
    // A non-empty account of all-zero fields is not the empty leaf.
    expect(e.with({}).leafHash(poseidon)).not.toBe(0n);
  });

  it("aggregates: a long's bound is a floor, a short's a ceiling, a flat market sentinels", () => {
    expect(sample().aggregates()).toEqual([
      [-100n, NO_CEIL],
      [NO_FLOOR, 200n],
      [NO_FLOOR, NO_CEIL],
    ]);
  });

  it("settles funding: c -= sum s (F - f), f = F, K unchanged", () => {
    const a = sample();
    const s = a.settle([3n, 1n, 100n]);
    // long 7 pays 7 * (3 - -2) = 35, short -9 receives 9 * (1 - 5) -> pays -36 => c = -500 - 35 - 36
    expect(s.collateral).toBe(-500n - 35n - 36n);
    expect(s.funding).toEqual([3n, 1n, 100n]);
    expect(s.k()).toBe(a.k());
    expect(a.k()).toBe(-500n + 7n * -2n + -9n * 5n);
    const rng = prng(1);
    for (let i = 0; i < 200; i++) {
      const acc = Account.create({
        ...a.fields(),
        collateral: rng.big(-(10n ** 12n), 10n ** 12n),
        size: [rng.big(-1000n, 1000n), rng.big(-1000n, 1000n), 0n],
        funding: [rng.big(-1000n, 1000n), rng.big(-1000n, 1000n), 0n],
      });
      expect(acc.settle([rng.big(-1000n, 1000n), rng.big(-1000n, 1000n), 0n]).k()).toBe(acc.k());
    }
  });

  it("reports range violations at the circuit's edges", () => {
    const a = sample();
    const top = 2n ** BigInt(COLLATERAL_BITS - 1);
    expect(a.with({ collateral: top - 1n }).rangeViolation()).toBeUndefined();
    expect(a.with({ collateral: -top }).rangeViolation()).toBeUndefined();
    expect(a.with({ collateral: top }).rangeViolation()).toMatch(/collateral/);
    expect(a.with({ collateral: -top - 1n }).rangeViolation()).toMatch(/collateral/);
    expect(a.with({ nonce: 2n ** BigInt(NONCE_BITS) }).rangeViolation()).toMatch(/nonce/);
    expect(a.with({ size: [2n ** BigInt(SIZE_BITS - 1), 0n, 0n] }).rangeViolation()).toMatch(/size/);
    expect(a.with({ bound: [2n ** 79n, 0n, 0n] }).rangeViolation()).toMatch(/bound/);
  });

  it("round-trips through JSON and knows canonical form", () => {
    const a = sample();
    const back = Account.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(back.leafHash(poseidon)).toBe(a.leafHash(poseidon));
    expect(Account.fromJSON(Account.empty(3).toJSON()).isEmpty).toBe(true);
    expect(a.isCanonical()).toBe(true);
    expect(a.with({ bound: [-100n, 200n, 1n] }).isCanonical()).toBe(false);
  });
});
