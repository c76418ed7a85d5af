/** Field encoding of signed values and the EdDSA-Poseidon helpers, against circomlibjs directly. */
import { buildEddsa } from "circomlibjs";
import { beforeAll, describe, expect, it } from "vitest";
import { getEddsa, type EdDSA } from "../sequencer/crypto/babyjub.js";
import { fromFieldSigned, randomFieldElement, SNARK_FIELD_SIZE, toField, toFieldNested } from "../sequencer/crypto/field.js";

const P = SNARK_FIELD_SIZE;
let eddsa: EdDSA;
const prv = new Uint8Array(32).fill(9);

beforeAll(async () => {
  eddsa = await getEddsa();
});

describe("field encoding", () => {
  it("maps signed integers to [0, p) and back", () => {
    expect(toField(0n)).toBe(0n);
    expect(toField(-1n)).toBe(P - 1n);
    expect(toField(P)).toBe(0n);
    expect(toField(-(2n ** 79n))).toBe(P - 2n ** 79n);
    for (const x of [0n, 1n, -1n, 2n ** 79n - 1n, -(2n ** 79n), -(2n ** 129n)]) expect(fromFieldSigned(toField(x))).toBe(x);
    expect(() => fromFieldSigned(P)).toThrow(RangeError);
  });

  it("encodes nested arrays element by element", () => {
    expect(toFieldNested([[-1n, 2n], [3n]])).toEqual([[P - 1n, 2n], [3n]]);
  });

  it("draws salts inside the field", () => {
    for (let i = 0; i < 20; i++) {
      const x = randomFieldElement();
      expect(x >= 0n && x < P).toBe(true);
    }
  });
});

describe("EdDSA-Poseidon", () => {
  it("signs exactly as circomlibjs signPoseidon and verifies", async () => {
    const raw = await buildEddsa();
    const key = eddsa.keyPair(prv);
    const [ax, ay] = raw.prv2pub(prv);
    expect(key.pub).toEqual({ x: raw.F.toObject(ax), y: raw.F.toObject(ay) });
    const sig = key.sign(123456789n);
    const ref = raw.signPoseidon(prv, raw.F.e(123456789n));
    expect(sig).toEqual({ R8x: raw.F.toObject(ref.R8[0]), R8y: raw.F.toObject(ref.R8[1]), S: ref.S });
    expect(eddsa.verify(key.pub, 123456789n, sig)).toBe(true);
  });

  it("rejects another message, another key, S >= subgroup order, and non-canonical coordinates", () => {
    const key = eddsa.keyPair(prv);
    const other = eddsa.keyPair(new Uint8Array(32).fill(10));
    const sig = key.sign(5n);
    expect(eddsa.verify(key.pub, 6n, sig)).toBe(false);
    expect(eddsa.verify(other.pub, 5n, sig)).toBe(false);
    expect(eddsa.verify(key.pub, 5n, { ...sig, S: sig.S + eddsa.subOrder })).toBe(false);
    expect(eddsa.verify(key.pub, 5n, { ...sig, R8x: sig.R8x + P })).toBe(false);
    expect(eddsa.verify({ x: key.pub.x + P, y: key.pub.y }, 5n, sig)).toBe(false);
    expect(() => key.sign(P)).toThrow(RangeError);
    expect(() => eddsa.keyPair(new Uint8Array(31))).toThrow(RangeError);
  });
});
