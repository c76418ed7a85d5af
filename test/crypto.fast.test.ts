/**
 * The fast EdDSA-Poseidon verifier and Poseidon against circomlibjs (the reference): random
 * signatures, tampering, malleability, off-curve and low-order points, non-canonical encodings,
 * and Poseidon(n) for every arity 1..16. No timings are asserted here (see bench/crypto.ts).
 */
import { createHash } from "node:crypto";
import { buildEddsa, buildPoseidon, type Eddsa, type FieldElement, type PoseidonHasher } from "circomlibjs";
import { beforeAll, describe, expect, it } from "vitest";
import { getEddsa, type EdDSA, type PublicKey, type Signature } from "../sequencer/crypto/babyjub.js";
import { BASE8, FastEddsaVerifier, mulBase8, onCurve, SUB_ORDER } from "../sequencer/crypto/babyjubFast.js";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import { getPoseidon, type Poseidon } from "../sequencer/crypto/poseidon.js";
import { poseidonBigint, poseidonUnchecked } from "../sequencer/crypto/poseidonBigint.js";
import { FIELD_BYTES, poseidonWasmUnchecked, wasmField, wasmMulMod } from "../sequencer/crypto/poseidonWasm.js";

const P = SNARK_FIELD_SIZE;

/** circomlibjs's babyJub point arithmetic, untyped in our declarations. */
interface RefBabyJub {
  F: { e(v: bigint): FieldElement; toObject(e: FieldElement): bigint };
  mulPointEscalar(p: readonly FieldElement[], k: bigint): FieldElement[];
  addPoint(a: readonly FieldElement[], b: readonly FieldElement[]): FieldElement[];
  inCurve(p: readonly FieldElement[]): boolean;
}

let raw: Eddsa;
let rawHash: PoseidonHasher;
let bj: RefBabyJub;
let eddsa: EdDSA;
let poseidon: Poseidon;

/** Deterministic pseudo-random bytes and field elements. */
function bytes(label: string, i: number): Buffer {
  return createHash("sha256").update(`${label} ${i}`).digest();
}
function fe(label: string, i: number): bigint {
  return BigInt(`0x${bytes(label, i).toString("hex")}`) % P;
}

/** circomlibjs's verdict, with the wrapper's canonical-encoding rule applied first. */
function reference(pub: PublicKey, msg: bigint, sig: Signature): boolean {
  const F = raw.F;
  return raw.verifyPoseidon(F.e(msg), { R8: [F.e(sig.R8x), F.e(sig.R8y)], S: sig.S }, [F.e(pub.x), F.e(pub.y)]);
}

function affine(p: readonly FieldElement[]): PublicKey {
  return { x: bj.F.toObject(p[0]!), y: bj.F.toObject(p[1]!) };
}

beforeAll(async () => {
  [raw, rawHash, eddsa, poseidon] = await Promise.all([buildEddsa(), buildPoseidon(), getEddsa(), getPoseidon()]);
  bj = raw.babyJub as unknown as RefBabyJub;
});

describe("fast EdDSA-Poseidon verification", () => {
  it("accepts several hundred random signatures over many keys, cached and cold", () => {
    const cold = new FastEddsaVerifier(poseidon, { keyCacheSize: 0 });
    const small = new FastEddsaVerifier(poseidon, { keyCacheSize: 3 });
    const keys = Array.from({ length: 24 }, (_, k) => eddsa.keyPair(bytes("key", k)));
    for (let i = 0; i < 300; i++) {
      const key = keys[(i * 7) % keys.length]!;
      const msg = i % 50 === 0 ? (i % 100 === 0 ? 0n : P - 1n) : fe("msg", i);
      const sig = key.sign(msg);
      expect(eddsa.verify(key.pub, msg, sig)).toBe(true);
      expect(cold.verify(key.pub.x, key.pub.y, msg, sig.R8x, sig.R8y, sig.S)).toBe(true);
      expect(small.verify(key.pub.x, key.pub.y, msg, sig.R8x, sig.R8y, sig.S)).toBe(true);
      if (i % 10 === 0) expect(reference(key.pub, msg, sig)).toBe(true);
      // A wrong message, another key: always rejected by both.
      expect(eddsa.verify(key.pub, (msg + 1n) % P, sig)).toBe(false);
      expect(eddsa.verify(keys[(i * 7 + 1) % keys.length]!.pub, msg, sig)).toBe(false);
    }
    expect(small.cachedKeys).toBeLessThanOrEqual(3);
    expect(cold.cachedKeys).toBe(0);
  });

  it("keeps verdicts right while per-key tables are built, evicted and their slots reused", () => {
    const v = new FastEddsaVerifier(poseidon, { keyCacheSize: 2 });
    const keys = Array.from({ length: 5 }, (_, k) => eddsa.keyPair(bytes("lru key", k)));
    const sigs = keys.map((k, i) => k.sign(BigInt(1000 + i)));
    const order = [0, 0, 0, 1, 1, 2, 2, 2, 0, 0, 3, 3, 1, 1, 4, 4, 4, 2, 0, 0, 1];
    for (const [step, k] of order.entries()) {
      const { pub } = keys[k]!;
      const sig = sigs[k]!;
      expect(v.verify(pub.x, pub.y, BigInt(1000 + k), sig.R8x, sig.R8y, sig.S)).toBe(true);
      expect(v.verify(pub.x, pub.y, BigInt(1001 + k), sig.R8x, sig.R8y, sig.S)).toBe(false);
      const other = sigs[(k + 1) % keys.length]!;
      expect(v.verify(pub.x, pub.y, BigInt(1000 + k), other.R8x, other.R8y, other.S)).toBe(false);
      expect(v.cachedKeys).toBeLessThanOrEqual(2);
      expect(step).toBeGreaterThanOrEqual(0);
    }
  });

  it("agrees with circomlibjs on tampered R8x, R8y, S, message and key", () => {
    const keys = Array.from({ length: 6 }, (_, k) => eddsa.keyPair(bytes("tamper key", k)));
    let checked = 0;
    for (let i = 0; i < 36; i++) {
      const key = keys[i % keys.length]!;
      const msg = fe("tamper msg", i);
      const sig = key.sign(msg);
      const other = keys[(i + 1) % keys.length]!;
      const cases: [PublicKey, bigint, Signature][] = [
        [key.pub, msg, { ...sig, R8x: (sig.R8x + 1n) % P }],
        [key.pub, msg, { ...sig, R8x: P - sig.R8x }], // −R8: still on the curve
        [key.pub, msg, { ...sig, R8y: (sig.R8y + 1n) % P }],
        [key.pub, msg, { ...sig, S: (sig.S + 1n) % SUB_ORDER }],
        [key.pub, msg, { ...sig, S: fe("random S", i) % SUB_ORDER }],
        [key.pub, (msg + fe("delta", i)) % P, sig],
        [other.pub, msg, sig],
        [{ x: P - key.pub.x, y: key.pub.y }, msg, sig], // −A
        [key.pub, msg, { R8x: sig.R8x, R8y: sig.R8y, S: sig.S }],
      ];
      for (const [pub, m, s] of cases) {
        const want = reference(pub, m, s);
        expect(eddsa.verify(pub, m, s)).toBe(want);
        checked++;
      }
    }
    expect(checked).toBe(36 * 9);
  });

  it("rejects S = subOrder, S + subOrder (malleability), S ≥ p, negative S; matches circomlibjs on S = 0", () => {
    const key = eddsa.keyPair(bytes("malleable", 0));
    const msg = fe("malleable msg", 0);
    const sig = key.sign(msg);
    expect(eddsa.subOrder).toBe(SUB_ORDER);
    for (const S of [SUB_ORDER, sig.S + SUB_ORDER, sig.S + 8n * SUB_ORDER, P, P + sig.S, -1n, -sig.S]) {
      expect(eddsa.verify(key.pub, msg, { ...sig, S })).toBe(false);
    }
    for (const s of [{ ...sig, S: 0n }, { R8x: 0n, R8y: 1n, S: 0n }, { R8x: 0n, R8y: 1n, S: SUB_ORDER - 1n }]) {
      expect(eddsa.verify(key.pub, msg, s)).toBe(reference(key.pub, msg, s));
    }
  });

  it("rejects points off the curve, like circomlibjs", () => {
    const key = eddsa.keyPair(bytes("curve", 0));
    const msg = 77n;
    const sig = key.sign(msg);
    expect(onCurve(sig.R8x, sig.R8y)).toBe(true);
    const offR = [{ ...sig, R8x: 1n, R8y: 1n }, { ...sig, R8y: 0n }, { ...sig, R8x: 0n, R8y: 2n }];
    for (const s of offR) {
      expect(reference(key.pub, msg, s)).toBe(false);
      expect(eddsa.verify(key.pub, msg, s)).toBe(false);
    }
    for (const pub of [{ x: 1n, y: 2n }, { x: key.pub.x, y: (key.pub.y + 1n) % P }, { x: 0n, y: 0n }]) {
      expect(reference(pub, msg, sig)).toBe(false);
      expect(eddsa.verify(pub, msg, sig)).toBe(false);
    }
  });

  it("refuses non-canonical (≥ p) coordinates that circomlibjs would reduce and accept", () => {
    const key = eddsa.keyPair(bytes("canonical", 0));
    const msg = fe("canonical msg", 0);
    const sig = key.sign(msg);
    const variants: [PublicKey, Signature][] = [
      [key.pub, { ...sig, R8x: sig.R8x + P }],
      [key.pub, { ...sig, R8y: sig.R8y + P }],
      [{ x: key.pub.x + P, y: key.pub.y }, sig],
      [{ x: key.pub.x, y: key.pub.y + P }, sig],
      [{ x: key.pub.x - P, y: key.pub.y }, sig],
    ];
    for (const [pub, s] of variants) {
      expect(reference(pub, msg, s)).toBe(true); // circomlibjs reduces mod p
      expect(eddsa.verify(pub, msg, s)).toBe(false);
    }
    expect(() => eddsa.verify(key.pub, msg + P, sig)).toThrow(RangeError); // the message is the caller's
  });

  it("never throws on malformed signature or key data", () => {
    const key = eddsa.keyPair(bytes("garbage", 0));
    const sig = key.sign(5n);
    const junk = [undefined, null, 1, "1", {}] as unknown[];
    for (const j of junk) {
      expect(eddsa.verify(key.pub, 5n, j as Signature)).toBe(false);
      expect(eddsa.verify(j as PublicKey, 5n, sig)).toBe(false);
      expect(eddsa.verify(key.pub, 5n, { ...sig, S: j as bigint })).toBe(false);
      expect(eddsa.verify({ x: j as bigint, y: key.pub.y }, 5n, sig)).toBe(false);
    }
  });

  it("rejects the identity and points of order 2, 4, 8 as keys, where circomlibjs accepts forgeries", () => {
    // circomlibjs only checks S·B8 == R8 + 8h·A: for 8A = O any (R8 = s·B8, S = s) passes. The
    // circuit's EdDSAPoseidonVerifier refuses such keys (IsZero on the x of 4A), so a sequencer
    // that accepted them would build an unprovable batch: we follow the circuit.
    const torsion = lowOrderPoints();
    expect(torsion.map((t) => t.order).sort()).toEqual([1, 2, 4, 4, 8, 8, 8, 8]);
    const s = fe("forger", 0) % SUB_ORDER;
    const r8 = mulBase8(s);
    const forged: Signature = { R8x: r8.x, R8y: r8.y, S: s };
    for (const { point } of torsion) {
      expect(reference(point, 1234n, forged)).toBe(true);
      expect(eddsa.verify(point, 1234n, forged)).toBe(false);
      expect(new FastEddsaVerifier(poseidon, { keyCacheSize: 0 }).verify(point.x, point.y, 1234n, r8.x, r8.y, s)).toBe(false);
    }
    // A full-order key (honest key + torsion point) is not low order: both verifiers agree.
    const key = eddsa.keyPair(bytes("mixed order", 0));
    const t8 = torsion.find((t) => t.order === 8)!.point;
    const mixed = affine(bj.addPoint([bj.F.e(key.pub.x), bj.F.e(key.pub.y)], [bj.F.e(t8.x), bj.F.e(t8.y)]));
    const sig = key.sign(9n);
    for (const pub of [mixed, key.pub]) {
      for (const sg of [sig, forged]) expect(eddsa.verify(pub, 9n, sg)).toBe(reference(pub, 9n, sg));
    }
  });

  it("computes S·B8 like circomlibjs", () => {
    for (let i = 0; i < 20; i++) {
      const s = i < 2 ? [0n, SUB_ORDER - 1n][i]! : fe("mulBase8", i) % SUB_ORDER;
      const ref = affine(bj.mulPointEscalar([bj.F.e(BASE8.x), bj.F.e(BASE8.y)], s));
      expect(mulBase8(s)).toEqual(ref);
    }
  });
});

describe("Poseidon", () => {
  it("equals circomlibjs for every arity 1..16 on random and edge inputs", () => {
    for (let n = 1; n <= 16; n++) {
      const vectors: bigint[][] = [
        Array<bigint>(n).fill(0n),
        Array<bigint>(n).fill(P - 1n),
        Array.from({ length: n }, (_, j) => (j % 2 ? P - 1n : 0n)),
        Array.from({ length: n }, (_, j) => BigInt(j + 1)),
      ];
      for (let r = 0; r < 12; r++) vectors.push(Array.from({ length: n }, (_, j) => fe(`poseidon ${n} ${r}`, j)));
      for (const v of vectors) {
        const want = rawHash.F.toObject(rawHash(v));
        expect(poseidonBigint(v)).toBe(want);
        expect(poseidon(v)).toBe(want);
      }
    }
  });

  it("multiplies in WebAssembly exactly like BigInt mod p", () => {
    const edge = [0n, 1n, 2n, P - 1n, P - 2n, (P - 1n) / 2n, 1n << 253n, (1n << 232n) - 1n, (1n << 29n) - 1n, 1n << 29n];
    const values = [...edge, ...Array.from({ length: 200 }, (_, i) => fe("mulmod", i))];
    for (let i = 0; i < values.length; i++) {
      for (const b of [values[(i * 31 + 7) % values.length]!, values[i]!, P - 1n]) {
        expect(wasmMulMod(values[i]!, b)).toBe((values[i]! * b) % P);
      }
    }
  });

  it("adds, subtracts, squares, fuses a·b + x and takes dot products like BigInt mod p", () => {
    const f = wasmField();
    const base = f.alloc(40 * FIELD_BYTES);
    const at = (k: number): number => base + k * FIELD_BYTES;
    const edge = [0n, 1n, P - 1n, P - 2n, (P - 1n) / 2n, (P + 1n) / 2n, 1n << 253n];
    const values = [...edge, ...Array.from({ length: 60 }, (_, i) => fe("field ops", i))];
    const m = (x: bigint): bigint => ((x % P) + P) % P;
    for (let i = 0; i < values.length; i++) {
      const a = values[i]!;
      const b = values[(i * 13 + 5) % values.length]!;
      const x = values[(i * 7 + 3) % values.length]!;
      f.put(at(0), a);
      f.put(at(1), b);
      f.put(at(2), x);
      f.ex.add(at(0), at(1), at(3));
      expect(f.get(at(3))).toBe(m(a + b));
      f.ex.sub(at(0), at(1), at(3));
      expect(f.get(at(3))).toBe(m(a - b));
      f.ex.sub(at(0), at(0), at(3));
      expect(f.isZero(at(3))).toBe(true);
      f.ex.sqr(at(0), at(3));
      expect(f.get(at(3))).toBe(m(a * a));
      f.ex.fma(at(0), at(1), at(2), at(3));
      expect(f.get(at(3))).toBe(m(a * b + x));
    }
    for (const n of [1, 2, 3, 5, 8, 9, 16, 17]) {
      let want = 0n;
      for (let k = 0; k < n; k++) {
        const a = k % 3 === 0 ? P - 1n : fe(`dot a ${n}`, k);
        const b = k % 4 === 1 ? P - 1n : fe(`dot b ${n}`, k);
        f.put(at(k), a);
        f.put(at(20 + k), b);
        want += a * b;
      }
      f.ex.dot(at(0), at(20), n, at(38));
      expect(f.get(at(38))).toBe(m(want));
    }
  });

  it("agrees across our three implementations on many random inputs", () => {
    for (let i = 0; i < 300; i++) {
      const n = 1 + (i % 16);
      const v = Array.from({ length: n }, (_, j) => fe(`many ${i}`, j));
      expect(poseidonWasmUnchecked(v)).toBe(poseidonUnchecked(v));
      expect(poseidon(v)).toBe(poseidonUnchecked(v));
    }
  });

  it("refuses inputs outside the field and arities outside 1..16", () => {
    for (const bad of [P, -1n, P + 5n]) {
      expect(() => poseidon([1n, bad])).toThrow(RangeError);
      expect(() => poseidonBigint([bad, 1n])).toThrow(RangeError);
    }
    expect(() => poseidonUnchecked([])).toThrow(RangeError);
    expect(() => poseidonUnchecked(Array<bigint>(17).fill(1n))).toThrow(RangeError);
    expect(() => poseidon([])).toThrow(RangeError);
    expect(() => poseidon(Array<bigint>(17).fill(1n))).toThrow(RangeError);
  });
});

/** The 8 points T with 8T = O, with their orders, found with circomlibjs's arithmetic. */
function lowOrderPoints(): { point: PublicKey; order: number }[] {
  const found = new Map<string, { point: PublicKey; order: number }>();
  const F = bj.F;
  const isId = (p: FieldElement[]): boolean => F.toObject(p[0]!) === 0n && F.toObject(p[1]!) === 1n;
  for (let i = 0; found.size < 8 && i < 200; i++) {
    const x = fe("torsion x", i);
    const y = curveY(x);
    if (y === null) continue;
    const g = [F.e(x), F.e(y)];
    if (!bj.inCurve(g)) continue;
    const t = bj.mulPointEscalar(g, SUB_ORDER);
    let order = 1;
    for (let q = t; !isId(q); q = bj.addPoint(q, q)) order *= 2;
    const point = affine(t);
    found.set(`${point.x},${point.y}`, { point, order });
  }
  return [...found.values()];
}

/** A y with a·x² + y² = 1 + d·x²·y², or null: y² = (1 − a·x²) / (1 − d·x²). */
function curveY(x: bigint): bigint | null {
  const x2 = (x * x) % P;
  const num = (((1n - 168700n * x2) % P) + P) % P;
  const den = (((1n - 168696n * x2) % P) + P) % P;
  if (den === 0n) return null;
  return sqrtMod((num * powMod(den, P - 2n)) % P);
}

function powMod(b: bigint, e: bigint): bigint {
  let r = 1n;
  b %= P;
  for (; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
}

/** Tonelli–Shanks square root mod p, or null for non-residues. */
function sqrtMod(n: bigint): bigint | null {
  if (n === 0n) return 0n;
  if (powMod(n, (P - 1n) / 2n) !== 1n) return null;
  let q = P - 1n;
  let s = 0n;
  while ((q & 1n) === 0n) {
    q >>= 1n;
    s++;
  }
  let z = 2n;
  while (powMod(z, (P - 1n) / 2n) !== P - 1n) z++;
  let m = s;
  let c = powMod(z, q);
  let t = powMod(n, q);
  let r = powMod(n, (q + 1n) / 2n);
  while (t !== 1n) {
    let i = 0n;
    for (let tt = t; tt !== 1n; tt = (tt * tt) % P) i++;
    const b = powMod(c, 1n << (m - i - 1n));
    m = i;
    c = (b * b) % P;
    t = (t * c) % P;
    r = (r * b) % P;
  }
  return r;
}
