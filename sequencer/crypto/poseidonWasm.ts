/**
 * Poseidon over BN254's scalar field in a small WebAssembly module we emit ourselves (no
 * toolchain: the bytes are assembled below). Field elements are 9 × 29-bit limbs in Montgomery
 * form (R = 2^261): limb products fit 58 bits, so products accumulate in i64 without per-step
 * carries. Besides mul/add/sub there are a squaring (45 limb products), a fused a·b + x, and a dot
 * product that reduces once for all its terms, which the matrix steps use. Rounds follow the
 * optimised schedule of poseidon.circom (see poseidonBigint.ts, the BigInt version it is tested
 * against); JavaScript drives them, one call into WebAssembly per round.
 *
 * The same module carries BabyJubJub's extended-coordinate point formulas, used by
 * babyjubFast.ts through `wasmField()`.
 *
 * Only the round constants come from circomlibjs (its poseidon_constants_opt.json, via
 * poseidonBigint.ts's loader); the code is ours.
 */
import { SNARK_FIELD_SIZE as P } from "./field.js";
import { N_ROUNDS_P, rawConstants } from "./poseidonBigint.js";

// ---- A minimal WebAssembly encoder: just what the module below uses. ----

type Bytes = number[];

function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: bigint): Bytes {
  const out: Bytes = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const I32 = 0x7f;
const I64 = 0x7e;
const op = {
  get: (i: number): Bytes => [0x20, ...uleb(i)],
  set: (i: number): Bytes => [0x21, ...uleb(i)],
  tee: (i: number): Bytes => [0x22, ...uleb(i)],
  i32: (v: number): Bytes => [0x41, ...sleb(BigInt(v))],
  i64: (v: bigint): Bytes => [0x42, ...sleb(BigInt.asIntN(64, v))],
  load32u: (offset: number): Bytes => [0x35, 2, ...uleb(offset)], // i64.load32_u
  store32: (offset: number): Bytes => [0x3e, 2, ...uleb(offset)], // i64.store32
  call: (f: number): Bytes => [0x10, ...uleb(f)],
  i64mul: 0x7e,
  i64add: 0x7c,
  i64sub: 0x7d,
  i64and: 0x83,
  i64shrU: 0x88,
  i64eqz: 0x50,
  i32add: 0x6a,
  i32mul: 0x6c,
  i32geU: 0x4f,
  select: 0x1b,
  end: 0x0b,
};

/** `for (i = from; i < limit; i++) body` with i, limit as i32 locals. */
function loop(i: number, from: Bytes, limit: Bytes, body: Bytes): Bytes {
  return [
    ...from, ...op.set(i),
    0x02, 0x40, 0x03, 0x40, // block, loop
    ...op.get(i), ...limit, op.i32geU, 0x0d, 1, // br_if exit
    ...body,
    ...op.get(i), ...op.i32(1), op.i32add, ...op.set(i),
    0x0c, 0, // br loop
    op.end, op.end,
  ];
}

/** addr + 32·idx (i32), idx an expression. */
function at(base: Bytes, idx: Bytes): Bytes {
  return [...base, ...idx, ...op.i32(ELEM), op.i32mul, op.i32add];
}

// Field elements live in memory as 9 limbs of 29 bits (u32 each, ELEM bytes), Montgomery form
// with R = 2^261. Limb products are < 2^58, so a Montgomery product can accumulate a whole
// row of them (and of m·p) in i64 locals without carrying: carries are propagated once at the end.
const BITS = 29;
const LIMBS = 9;
const ELEM = 4 * LIMBS;
const MASK = (1n << BigInt(BITS)) - 1n;
const pLimbs = Array.from({ length: LIMBS }, (_, j) => (P >> BigInt(BITS * j)) & MASK);
/** −p⁻¹ mod 2^29. */
const pInv = (() => {
  let inv = 1n;
  for (let i = 0; i < 5; i++) inv = (inv * (2n - pLimbs[0]! * inv)) & MASK; // Newton: doubles bits
  return (-inv) & MASK;
})();

/** Local allocator for one function: params first, then i64 locals. */
class Locals {
  count = 0;
  constructor(private next: number) {}
  alloc(): number {
    this.count++;
    return this.next++;
  }
}

/**
 * Normalises limbs t (i64 locals, each < 2^63) by one carry pass, then stores
 * (t ≥ p ? t − p : t) at the address in param `rParam`. The value must be < 2p.
 */
function normalizeStore(t: number[], L: Locals, rParam: number, subs = 1): Bytes {
  const x = L.alloc();
  const borrow = L.alloc();
  const d = t.map(() => L.alloc());
  const code: Bytes = [...op.i64(0n), ...op.set(borrow)]; // borrow doubles as the carry here
  for (let j = 0; j < LIMBS; j++) {
    code.push(...op.get(t[j]!), ...op.get(borrow), op.i64add, ...op.tee(x));
    code.push(...op.i64(BigInt(BITS)), op.i64shrU, ...op.set(borrow));
    code.push(...op.get(x), ...op.i64(MASK), op.i64and, ...op.set(t[j]!));
  }
  for (let round = 0; round < subs; round++) {
    const last = round === subs - 1;
    code.push(...op.i64(0n), ...op.set(borrow));
    for (let j = 0; j < LIMBS; j++) {
      // x = t_j − p_j − borrow; borrow = x >>> 63; d_j = x & MASK
      code.push(...op.get(t[j]!), ...op.i64(pLimbs[j]!), op.i64sub, ...op.get(borrow), op.i64sub, ...op.tee(x));
      code.push(...op.i64(63n), op.i64shrU, ...op.set(borrow));
      code.push(...op.get(x), ...op.i64(MASK), op.i64and, ...op.set(d[j]!));
    }
    for (let j = 0; j < LIMBS; j++) {
      // t_j (or r_j) = borrow == 0 ? d_j : t_j
      if (last) code.push(...op.get(rParam));
      code.push(...op.get(d[j]!), ...op.get(t[j]!), ...op.get(borrow), op.i64eqz, op.select);
      code.push(...(last ? op.store32(4 * j) : op.set(t[j]!)));
    }
  }
  return code;
}

interface Func {
  type: number;
  locals: Bytes; // encoded local declarations (vec)
  code: Bytes;
}

function i64Locals(L: Locals): Bytes {
  return [...uleb(1), ...uleb(L.count), I64];
}

/** f0 mul(a, b, r): r = a·b·R⁻¹ mod p, fully reduced, for a, b < p; r may alias a or b. */
function mulFunc(fma = false): Func {
  const L = new Locals(fma ? 4 : 3);
  const a = Array.from({ length: LIMBS }, () => L.alloc());
  const slots = Array.from({ length: LIMBS }, () => L.alloc());
  const bi = L.alloc();
  const m = L.alloc();
  const code: Bytes = [];
  for (let j = 0; j < LIMBS; j++) code.push(...op.get(0), ...op.load32u(4 * j), ...op.set(a[j]!));
  // t[j] is slots[(j + shift) % LIMBS]; zero[j] marks positions not yet written.
  let t = [...slots];
  let zero = t.map(() => true);
  for (let i = 0; i < LIMBS; i++) {
    code.push(...op.get(1), ...op.load32u(4 * i), ...op.set(bi));
    for (let j = 0; j < LIMBS; j++) {
      code.push(...op.get(a[j]!), ...op.get(bi), op.i64mul);
      if (!zero[j]) code.push(...op.get(t[j]!), op.i64add);
      code.push(...op.set(t[j]!));
    }
    zero = zero.map(() => false);
    code.push(...op.get(t[0]!), ...op.i64(pInv), op.i64mul, ...op.i64(MASK), op.i64and, ...op.set(m));
    for (let j = 0; j < LIMBS; j++) {
      code.push(...op.get(m), ...op.i64(pLimbs[j]!), op.i64mul, ...op.get(t[j]!), op.i64add);
      if (j === 0) code.push(...op.i64(BigInt(BITS)), op.i64shrU, ...op.set(t[0]!)); // t0 is now a multiple of 2^29
      else code.push(...op.set(t[j]!));
    }
    // Shift down one limb: the carry of t0 joins t1, which becomes t0.
    code.push(...op.get(t[1]!), ...op.get(t[0]!), op.i64add, ...op.set(t[1]!));
    t = [...t.slice(1), t[0]!];
    zero = [...zero.slice(1), true];
    if (i === LIMBS - 1) code.push(...op.i64(0n), ...op.set(t[LIMBS - 1]!));
  }
  if (fma) {
    // + x (param 2): the result is below 2p + p/128, hence two conditional subtractions.
    for (let j = 0; j < LIMBS; j++) code.push(...op.get(t[j]!), ...op.get(2), ...op.load32u(4 * j), op.i64add, ...op.set(t[j]!));
    code.push(...normalizeStore(t, L, 3, 2));
    return { type: 3, locals: i64Locals(L), code };
  }
  code.push(...normalizeStore(t, L, 2));
  return { type: 0, locals: i64Locals(L), code };
}

/** f1 add(a, b, r): r = a + b mod p for a, b < p; r may alias. */
function addFunc(): Func {
  const L = new Locals(3);
  const s = Array.from({ length: LIMBS }, () => L.alloc());
  const code: Bytes = [];
  for (let j = 0; j < LIMBS; j++) code.push(...op.get(0), ...op.load32u(4 * j), ...op.get(1), ...op.load32u(4 * j), op.i64add, ...op.set(s[j]!));
  code.push(...normalizeStore(s, L, 2));
  return { type: 0, locals: i64Locals(L), code };
}

/** f7 fromU64(src, dst): 4 little-endian u64 words (a value < 2^256) to 9 limbs, not Montgomery. */
function fromU64Func(): Func {
  const L = new Locals(2);
  const w = Array.from({ length: 4 }, () => L.alloc());
  const code: Bytes = [];
  for (let q = 0; q < 4; q++) code.push(...op.get(0), 0x29, 3, ...uleb(8 * q), ...op.set(w[q]!)); // i64.load
  for (let k = 0; k < LIMBS; k++) {
    const bit = BITS * k;
    const q = bit >> 6;
    const off = bit & 63;
    code.push(...op.get(1));
    if (q < 4) {
      code.push(...op.get(w[q]!), ...op.i64(BigInt(off)), op.i64shrU);
      if (off + BITS > 64 && q + 1 < 4) code.push(...op.get(w[q + 1]!), ...op.i64(BigInt(64 - off)), 0x86 /* i64.shl */, 0x84 /* i64.or */);
      code.push(...op.i64(MASK), op.i64and);
    } else code.push(...op.i64(0n));
    code.push(...op.store32(4 * k));
  }
  return { type: 1, locals: i64Locals(L), code };
}

/** f8 toU64(src, dst): 9 limbs (normalised, < 2^256) to 4 little-endian u64 words. */
function toU64Func(): Func {
  const code: Bytes = [];
  for (let q = 0; q < 4; q++) {
    code.push(...op.get(1), ...op.i64(0n));
    for (let k = 0; k < LIMBS; k++) {
      const lo = BITS * k;
      const hi = lo + BITS;
      if (hi <= 64 * q || lo >= 64 * (q + 1)) continue;
      code.push(...op.get(0), ...op.load32u(4 * k));
      if (lo >= 64 * q) code.push(...op.i64(BigInt(lo - 64 * q)), 0x86);
      else code.push(...op.i64(BigInt(64 * q - lo)), op.i64shrU);
      code.push(0x84);
    }
    code.push(0x37, 3, ...uleb(8 * q)); // i64.store
  }
  return { type: 1, locals: uleb(0), code };
}

const F_MUL = 0, F_ADD = 1, F_POW5 = 2, F_DOT = 15, F_SQR = 16, F_FMA = 17;
const call3 = (f: number, a: Bytes, b: Bytes, r: Bytes): Bytes => [...a, ...b, ...r, ...op.call(f)];

/** f2 pow5(p, scr): p ← p^5, using scr. */
function pow5Func(): Func {
  const p = op.get(0), s = op.get(1);
  return {
    type: 1,
    locals: uleb(0),
    code: [...p, ...s, ...op.call(F_SQR), ...s, ...s, ...op.call(F_SQR), ...call3(F_MUL, s, p, p)],
  };
}

const memcopy = (dst: Bytes, src: Bytes, n: Bytes): Bytes => [...dst, ...src, ...n, 0xfc, 10, 0, 0];

/** Σ_j m[row·t + j]·st[j] into acc (m stored row by row of the output). */
function dot(m: Bytes, row: Bytes, st: Bytes, t: Bytes, acc: Bytes): Bytes {
  const mRow = [...m, ...row, ...t, op.i32mul, ...op.i32(ELEM), op.i32mul, op.i32add];
  return [...mRow, ...st, ...t, ...acc, ...op.call(F_DOT)];
}

/** f3 fullRound(st, c, m, t, tmp): st ← M·(st^5 + c). Locals: i 5, (unused) 6, scr 7. */
function fullRoundFunc(): Func {
  const st = op.get(0), c = op.get(1), m = op.get(2), t = op.get(3), tmp = op.get(4);
  const i = 5, scr = op.get(7);
  return {
    type: 2,
    locals: [...uleb(1), ...uleb(3), I32],
    code: [
      ...at(tmp, t), ...op.set(7),
      ...loop(i, op.i32(0), t, [
        ...at(st, op.get(i)), ...scr, ...op.call(F_POW5),
        ...call3(F_ADD, at(st, op.get(i)), at(c, op.get(i)), at(st, op.get(i))),
      ]),
      ...loop(i, op.i32(0), t, dot(m, op.get(i), st, t, at(tmp, op.get(i)))),
      ...memcopy(st, tmp, [...t, ...op.i32(ELEM), op.i32mul]),
    ],
  };
}

/** f4 partialRound(st, c, s, t, tmp): st0 ← st0^5 + c; sparse matrix s (first row, first column). Locals: j 5, scr 6. */
function partialRoundFunc(): Func {
  const st = op.get(0), c = op.get(1), s = op.get(2), t = op.get(3), tmp = op.get(4);
  const j = 5, scr = op.get(6);
  return {
    type: 2,
    locals: [...uleb(1), ...uleb(2), I32],
    code: [
      ...tmp, ...op.i32(ELEM), op.i32add, ...op.set(6),
      ...st, ...scr, ...op.call(F_POW5),
      ...call3(F_ADD, st, c, st),
      ...s, ...st, ...t, ...tmp, ...op.call(F_DOT),
      // st_j += st0 · s[t + j − 1]
      ...loop(j, op.i32(1), t, [
        ...st, ...at(s, [...t, ...op.get(j), op.i32add, ...op.i32(-1), op.i32add]), ...at(st, op.get(j)), ...at(st, op.get(j)), ...op.call(F_FMA),
      ]),
      ...memcopy(st, tmp, op.i32(ELEM)),
    ],
  };
}

/** f5 lastRound(st, m, t, tmp): st0 ← (M·st^5)_0. Locals: i 4, scr 5. */
function lastRoundFunc(): Func {
  const st = op.get(0), m = op.get(1), t = op.get(2), tmp = op.get(3);
  const i = 4, scr = op.get(5);
  return {
    type: 3,
    locals: [...uleb(1), ...uleb(2), I32],
    code: [
      ...at(tmp, t), ...op.set(5),
      ...loop(i, op.i32(0), t, [...at(st, op.get(i)), ...scr, ...op.call(F_POW5)]),
      ...dot(m, op.i32(0), st, t, tmp),
      ...memcopy(st, tmp, op.i32(ELEM)),
    ],
  };
}

/** f6 init(st, c, t, r2): st_i ← st_i·R (to Montgomery form) + c_i. Locals: i 4. */
function initFunc(): Func {
  const st = op.get(0), c = op.get(1), t = op.get(2), r2 = op.get(3);
  const i = 4;
  return {
    type: 3,
    locals: [...uleb(1), ...uleb(1), I32],
    code: loop(i, op.i32(0), t, [
      ...call3(F_MUL, at(st, op.get(i)), r2, at(st, op.get(i))),
      ...call3(F_ADD, at(st, op.get(i)), at(c, op.get(i)), at(st, op.get(i))),
    ]),
  };
}

/** f9 sub(a, b, r): r = a − b mod p for a, b < p; r may alias. */
function subFunc(): Func {
  const L = new Locals(3);
  const d = Array.from({ length: LIMBS }, () => L.alloc());
  const e = Array.from({ length: LIMBS }, () => L.alloc());
  const x = L.alloc();
  const borrow = L.alloc();
  const carry = L.alloc();
  const code: Bytes = [...op.i64(0n), ...op.set(borrow)];
  for (let j = 0; j < LIMBS; j++) {
    code.push(...op.get(0), ...op.load32u(4 * j), ...op.get(1), ...op.load32u(4 * j), op.i64sub, ...op.get(borrow), op.i64sub, ...op.tee(x));
    code.push(...op.i64(63n), op.i64shrU, ...op.set(borrow));
    code.push(...op.get(x), ...op.i64(MASK), op.i64and, ...op.set(d[j]!));
  }
  code.push(...op.i64(0n), ...op.set(carry));
  for (let j = 0; j < LIMBS; j++) {
    code.push(...op.get(d[j]!), ...op.i64(pLimbs[j]!), op.i64add, ...op.get(carry), op.i64add, ...op.tee(x));
    code.push(...op.i64(BigInt(BITS)), op.i64shrU, ...op.set(carry));
    code.push(...op.get(x), ...op.i64(MASK), op.i64and, ...op.set(e[j]!));
  }
  for (let j = 0; j < LIMBS; j++) {
    // r_j = borrow ? e_j : d_j
    code.push(...op.get(2), ...op.get(e[j]!), ...op.get(d[j]!), ...op.get(borrow), 0xa7 /* i32.wrap_i64 */, op.select, ...op.store32(4 * j));
  }
  return { type: 0, locals: i64Locals(L), code };
}

const F_SUB = 9;
/** An address: param + offset, or absolute. */
type Addr = Bytes;
const par = (i: number, off = 0): Addr => (off ? [...op.get(i), ...op.i32(off), op.i32add] : op.get(i));
const abs = (addr: number): Addr => op.i32(addr);
const scr = (k: number): Addr => abs(SCR + ELEM * k);
const mulA = (a: Addr, b: Addr, r: Addr): Bytes => call3(F_MUL, a, b, r);
const addA = (a: Addr, b: Addr, r: Addr): Bytes => call3(F_ADD, a, b, r);
const subA = (a: Addr, b: Addr, r: Addr): Bytes => call3(F_SUB, a, b, r);
const sqrA = (a: Addr, r: Addr): Bytes => [...a, ...r, ...op.call(F_SQR)];

/**
 * Twisted Edwards point operations on extended coordinates (X, Y, Z, T at 4 consecutive
 * elements). Formulas: add-2008-hwcd / dbl-2008-hwcd with general a (complete on BabyJubJub).
 * All outputs are written after every input is read, so r may alias p.
 */
/** f10 dbl(p, r). */
function dblFunc(): Func {
  const X = par(0), Y = par(0, ELEM), Z = par(0, 2 * ELEM);
  const [A, B, C, D, E, F, G, H, S] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(scr) as Addr[] as [Addr, Addr, Addr, Addr, Addr, Addr, Addr, Addr, Addr];
  const code: Bytes = [
    ...sqrA(X, A!), ...sqrA(Y, B!), ...sqrA(Z, C!), ...addA(C!, C!, C!),
    ...mulA(A!, abs(A_M), D!), ...addA(X, Y, S!), ...sqrA(S!, E!), ...subA(E!, A!, E!), ...subA(E!, B!, E!),
    ...addA(D!, B!, G!), ...subA(G!, C!, F!), ...subA(D!, B!, H!),
    ...mulA(E!, F!, par(1)), ...mulA(G!, H!, par(1, ELEM)), ...mulA(F!, G!, par(1, 2 * ELEM)), ...mulA(E!, H!, par(1, 3 * ELEM)),
  ];
  return { type: 1, locals: uleb(0), code };
}

/**
 * f11..f14 add(p, q, r): mixed (q = x, y, u = d·x·y with Z = 1) or full (q = X, Y, Z, d·T),
 * optionally adding −q instead (x → −x, u → −u).
 */
function addFunc2(mixed: boolean, neg: boolean): Func {
  const X1 = par(0), Y1 = par(0, ELEM), Z1 = par(0, 2 * ELEM), T1 = par(0, 3 * ELEM);
  const X2 = par(1), Y2 = par(1, ELEM);
  const Z2 = mixed ? undefined : par(1, 2 * ELEM);
  const U2 = par(1, (mixed ? 2 : 3) * ELEM);
  const [A, B, C, D, E, F, G, H, S1, S2, AA] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(scr) as Addr[];
  const code: Bytes = [
    ...mulA(X1, X2, A!), // A = ±X1·X2 (sign folded below)
    ...mulA(Y1, Y2, B!),
    ...mulA(T1, U2, C!), // C = ±T1·dT2
    ...(Z2 ? mulA(Z1, Z2, D!) : []),
    ...addA(X1, Y1, S1!),
    ...(neg ? subA(Y2, X2, S2!) : addA(X2, Y2, S2!)),
    ...mulA(S1!, S2!, E!),
    ...(neg ? addA(E!, A!, E!) : subA(E!, A!, E!)),
    ...subA(E!, B!, E!),
    ...(neg ? addA(Z2 ? D! : Z1, C!, F!) : subA(Z2 ? D! : Z1, C!, F!)),
    ...(neg ? subA(Z2 ? D! : Z1, C!, G!) : addA(Z2 ? D! : Z1, C!, G!)),
    ...mulA(A!, abs(A_M), AA!),
    ...(neg ? addA(B!, AA!, H!) : subA(B!, AA!, H!)),
    ...mulA(E!, F!, par(2)), ...mulA(G!, H!, par(2, ELEM)), ...mulA(F!, G!, par(2, 2 * ELEM)), ...mulA(E!, H!, par(2, 3 * ELEM)),
  ];
  return { type: 0, locals: uleb(0), code };
}

/**
 * f15 dot(a, b, n, r): r = Σ_{k<n} a_k·b_k·R⁻¹ mod p (a, b: n consecutive elements, n ≤ 17).
 * The n products are summed unreduced in 18 columns (carried every 4 terms so no column passes
 * 2^64) and reduced once: 81 limb products per term plus 81 for the reduction, not 162 per term.
 */
function dotFunc(): Func {
  const L = new Locals(4);
  const c = Array.from({ length: 2 * LIMBS }, () => L.alloc());
  const a = Array.from({ length: LIMBS }, () => L.alloc());
  const bi = L.alloc();
  const m = L.alloc();
  const k = L.alloc(); // i64 counter for "carry every 4 terms"
  const pa = 0, pb = 1, n = 2, r = 3;
  const carryPass = (): Bytes => {
    const out: Bytes = [];
    for (let j = 0; j < 2 * LIMBS - 1; j++) {
      out.push(...op.get(c[j + 1]!), ...op.get(c[j]!), ...op.i64(BigInt(BITS)), op.i64shrU, op.i64add, ...op.set(c[j + 1]!));
      out.push(...op.get(c[j]!), ...op.i64(MASK), op.i64and, ...op.set(c[j]!));
    }
    return out;
  };
  const body: Bytes = [];
  for (let j = 0; j < LIMBS; j++) body.push(...op.get(pa), ...op.load32u(4 * j), ...op.set(a[j]!));
  for (let i = 0; i < LIMBS; i++) {
    body.push(...op.get(pb), ...op.load32u(4 * i), ...op.set(bi));
    for (let j = 0; j < LIMBS; j++) body.push(...op.get(a[j]!), ...op.get(bi), op.i64mul, ...op.get(c[i + j]!), op.i64add, ...op.set(c[i + j]!));
  }
  // k += 1; if k == 4 { carry; k = 0 }
  body.push(...op.get(k), ...op.i64(1n), op.i64add, ...op.tee(k), ...op.i64(4n), 0x51 /* i64.eq */, 0x04, 0x40, ...carryPass(), ...op.i64(0n), ...op.set(k), op.end);
  // pa += ELEM; pb += ELEM; n -= 1
  body.push(...op.get(pa), ...op.i32(ELEM), op.i32add, ...op.set(pa), ...op.get(pb), ...op.i32(ELEM), op.i32add, ...op.set(pb));
  body.push(...op.get(n), ...op.i32(-1), op.i32add, ...op.tee(n), 0x0d, 0); // br_if loop while n != 0
  const code: Bytes = [0x03, 0x40, ...body, op.end];
  code.push(...reduceStore(c, m, L, r));
  return { type: 3, locals: i64Locals(L), code };
}

/** Montgomery reduction of an 18-column sum c (< 2^64 per column) into param r, fully reduced. */
function reduceStore(c: number[], m: number, L: Locals, r: number): Bytes {
  const code: Bytes = [];
  for (let i = 0; i < LIMBS; i++) {
    code.push(...op.get(c[i]!), ...op.i64(pInv), op.i64mul, ...op.i64(MASK), op.i64and, ...op.set(m));
    for (let j = 0; j < LIMBS; j++) code.push(...op.get(m), ...op.i64(pLimbs[j]!), op.i64mul, ...op.get(c[i + j]!), op.i64add, ...op.set(c[i + j]!));
    code.push(...op.get(c[i + 1]!), ...op.get(c[i]!), ...op.i64(BigInt(BITS)), op.i64shrU, op.i64add, ...op.set(c[i + 1]!));
  }
  code.push(...normalizeStore(c.slice(LIMBS), L, r));
  return code;
}

/** f16 sqr(a, r): r = a²·R⁻¹ mod p; 45 limb products (cross terms doubled) plus the reduction. */
function sqrFunc(): Func {
  const L = new Locals(2);
  const c = Array.from({ length: 2 * LIMBS }, () => L.alloc());
  const a = Array.from({ length: LIMBS }, () => L.alloc());
  const m = L.alloc();
  const written = c.map(() => false);
  const code: Bytes = [];
  for (let j = 0; j < LIMBS; j++) code.push(...op.get(0), ...op.load32u(4 * j), ...op.set(a[j]!));
  for (let i = 0; i < LIMBS; i++) {
    for (let j = i; j < LIMBS; j++) {
      code.push(...op.get(a[i]!), ...op.get(a[j]!), op.i64mul);
      if (j !== i) code.push(...op.i64(1n), 0x86 /* i64.shl */);
      if (written[i + j]) code.push(...op.get(c[i + j]!), op.i64add);
      code.push(...op.set(c[i + j]!));
      written[i + j] = true;
    }
  }
  code.push(...reduceStore(c, m, L, 1));
  return { type: 1, locals: i64Locals(L), code };
}

function section(id: number, body: Bytes): Bytes {
  return [id, ...uleb(body.length), ...body];
}
const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
const name = (s: string): Bytes => [...uleb(s.length), ...Buffer.from(s, "utf8")];

function buildModule(pages: number): Uint8Array<ArrayBuffer> {
  const funcs = [mulFunc(), addFunc(), pow5Func(), fullRoundFunc(), partialRoundFunc(), lastRoundFunc(), initFunc(), fromU64Func(), toU64Func(), subFunc(), dblFunc(), addFunc2(true, false), addFunc2(true, true), addFunc2(false, false), addFunc2(false, true), dotFunc(), sqrFunc(), mulFunc(true)];
  const fnType = (n: number): Bytes => [0x60, ...uleb(n), ...Array<number>(n).fill(I32), 0];
  const exports = ["mul", "add", "pow5", "fullRound", "partialRound", "lastRound", "init", "fromU64", "toU64", "sub", "dbl", "addMixed", "addMixedNeg", "addFull", "addFullNeg", "dot", "sqr", "fma"];
  const bytes: Bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([fnType(3), fnType(2), fnType(5), fnType(4)])),
    ...section(3, vec(funcs.map((f) => uleb(f.type)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(7, vec([[...name("mem"), 0x02, 0], ...exports.map((e, k) => [...name(e), 0x00, ...uleb(k)])])),
    ...section(10, vec(funcs.map((f) => {
      const body = [...f.locals, ...f.code, op.end];
      return [...uleb(body.length), ...body];
    }))),
  ];
  return new Uint8Array(bytes);
}

// ---- The driver. ----

export interface Exports {
  mem: WebAssembly.Memory;
  add(a: number, b: number, r: number): void;
  sqr(a: number, r: number): void;
  /** r = a·b·R⁻¹ + x */
  fma(a: number, b: number, x: number, r: number): void;
  /** r = Σ_{k<n} a_k·b_k·R⁻¹ over n consecutive elements, 1 ≤ n ≤ 17 */
  dot(a: number, b: number, n: number, r: number): void;
  sub(a: number, b: number, r: number): void;
  dbl(p: number, r: number): void;
  addMixed(p: number, q: number, r: number): void;
  addMixedNeg(p: number, q: number, r: number): void;
  addFull(p: number, q: number, r: number): void;
  addFullNeg(p: number, q: number, r: number): void;
  mul(a: number, b: number, r: number): void;
  fullRound(st: number, c: number, m: number, t: number, tmp: number): void;
  partialRound(st: number, c: number, s: number, t: number, tmp: number): void;
  lastRound(st: number, m: number, t: number, tmp: number): void;
  init(st: number, c: number, t: number, r2: number): void;
  fromU64(src: number, dst: number): void;
  toU64(src: number, dst: number): void;
}

interface Layout {
  t: number;
  nP: number;
  C: number;
  S: number;
  M: number;
  Pm: number;
}

const STAGE = 0; // 17 × 32 bytes of u64 words: inputs in, output out
const ONE = STAGE + 32 * 17;
const R2 = ONE + ELEM;
const ST = R2 + ELEM;
const TMP = ST + ELEM * 17;
const A_M = TMP + ELEM * 20; // BabyJubJub's a, Montgomery form
const D_M = A_M + ELEM; // d
const SCR = D_M + ELEM; // 12 scratch elements for the point formulas
const CONSTS = SCR + ELEM * 12;
const R = 1n << BigInt(BITS * LIMBS);
const U64 = 0xffffffffffffffffn;

interface Instance {
  ex: Exports;
  u64: BigUint64Array;
  u32: Uint32Array;
  layouts: Layout[];
  heap: number;
}
let instance: Instance | undefined;

function instantiate(): Instance {
  if (instance) return instance;
  const raw = rawConstants();
  let size = CONSTS;
  for (let n = 1; n <= 16; n++) {
    const t = n + 1;
    size += ELEM * (raw.C[n - 1]!.length + raw.S[n - 1]!.length + 2 * t * t);
  }
  const pages = Math.ceil(size / 65536) + 1;
  const module = new WebAssembly.Module(buildModule(pages));
  const ex = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
  const u64 = new BigUint64Array(ex.mem.buffer);
  /** Writes x (< 2^256) as 9 limbs at off, via the staging words. */
  const put = (off: number, x: bigint): void => {
    u64[0] = x & U64;
    u64[1] = (x >> 64n) & U64;
    u64[2] = (x >> 128n) & U64;
    u64[3] = x >> 192n;
    ex.fromU64(STAGE, off);
  };
  put(ONE, 1n);
  put(R2, (R * R) % P);
  put(A_M, 168700n);
  ex.mul(A_M, R2, A_M);
  put(D_M, 168696n);
  ex.mul(D_M, R2, D_M);
  let off = CONSTS;
  const layouts: Layout[] = [];
  const putAll = (xs: readonly bigint[]): number => {
    const start = off;
    for (const x of xs) {
      put(off, x % P);
      ex.mul(off, R2, off); // to Montgomery form
      off += ELEM;
    }
    return start;
  };
  for (let n = 1; n <= 16; n++) {
    const t = n + 1;
    const transpose = (m: string[][]): bigint[] => {
      const out: bigint[] = [];
      for (let i = 0; i < t; i++) for (let j = 0; j < t; j++) out.push(BigInt(m[j]![i]!));
      return out;
    };
    const C = putAll(raw.C[n - 1]!.map((x) => BigInt(x)));
    const S = putAll(raw.S[n - 1]!.map((x) => BigInt(x)));
    const M = putAll(transpose(raw.M[n - 1]!));
    const Pm = putAll(transpose(raw.P[n - 1]!));
    layouts[n] = { t, nP: N_ROUNDS_P[n - 1]!, C, S, M, Pm };
  }
  instance = { ex, u64, u32: new Uint32Array(ex.mem.buffer), layouts, heap: off };
  return instance;
}

/**
 * Poseidon of 1..16 field elements in [0, p). Inputs are not range-checked here: the caller
 * (getPoseidon's hasher) refuses anything else first.
 */
export function poseidonWasmUnchecked(inputs: readonly bigint[]): bigint {
  const n = inputs.length;
  if (n < 1 || n > 16) throw new RangeError(`Poseidon arity must be 1..16, got ${n}`);
  const { ex, u64, layouts } = instance ?? instantiate();
  const L = layouts[n]!;
  const t = L.t;
  u64[0] = 0n;
  u64[1] = 0n;
  u64[2] = 0n;
  u64[3] = 0n;
  ex.fromU64(STAGE, ST);
  for (let i = 0; i < n; i++) {
    let x = inputs[i]!;
    u64[0] = BigInt.asUintN(64, x);
    x >>= 64n;
    u64[1] = BigInt.asUintN(64, x);
    x >>= 64n;
    u64[2] = BigInt.asUintN(64, x);
    u64[3] = x >> 64n;
    ex.fromU64(STAGE, ST + ELEM * (i + 1));
  }
  ex.init(ST, L.C, t, R2);
  let c = L.C + ELEM * t;
  for (let r = 0; r < 3; r++, c += ELEM * t) ex.fullRound(ST, c, L.M, t, TMP);
  ex.fullRound(ST, c, L.Pm, t, TMP);
  c += ELEM * t;
  let s = L.S;
  const sStep = ELEM * (2 * t - 1);
  for (let r = 0; r < L.nP; r++, c += ELEM, s += sStep) ex.partialRound(ST, c, s, t, TMP);
  for (let r = 0; r < 3; r++, c += ELEM * t) ex.fullRound(ST, c, L.M, t, TMP);
  ex.lastRound(ST, L.M, t, TMP);
  ex.mul(ST, ONE, ST); // out of Montgomery form
  ex.toU64(ST, STAGE);
  return u64[0]! | (u64[1]! << 64n) | (u64[2]! << 128n) | (u64[3]! << 192n);
}

/** Builds the module and loads its constants now rather than on first use (tens of ms). */
export function warmUpPoseidonWasm(): void {
  instantiate();
}

/** Test access to the raw field multiplication: a·b mod p for a, b in [0, p). */
export function wasmMulMod(a: bigint, b: bigint): bigint {
  const { ex, u64 } = instantiate();
  const put = (off: number, x: bigint): void => {
    u64[0] = x & U64;
    u64[1] = (x >> 64n) & U64;
    u64[2] = (x >> 128n) & U64;
    u64[3] = x >> 192n;
    ex.fromU64(STAGE, off);
  };
  put(ST, a);
  put(ST + ELEM, b);
  ex.mul(ST, R2, ST); // aR
  ex.mul(ST, ST + ELEM, ST); // ab
  ex.toU64(ST, STAGE);
  return u64[0]! | (u64[1]! << 64n) | (u64[2]! << 128n) | (u64[3]! << 192n);
}

// ---- Field elements for other modules (the BabyJubJub verifier). ----

/** Size in bytes of one field element in WebAssembly memory. */
export const FIELD_BYTES = ELEM;

/** The shared module: its exports plus helpers to move field elements in and out. */
export interface WasmField {
  readonly ex: Exports;
  /** Address of a fresh zeroed block of `bytes` (never freed: callers pool their blocks). */
  alloc(bytes: number): number;
  /** Stores x (in [0, p)) at `off` in Montgomery form. */
  put(off: number, x: bigint): void;
  /** The canonical value of the Montgomery-form element at `off`. */
  get(off: number): bigint;
  /** True when the (fully reduced) element at `off` is zero. */
  isZero(off: number): boolean;
  /** Address of the constant d (Montgomery form). */
  readonly dAddr: number;
}

let field: WasmField | undefined;

export function wasmField(): WasmField {
  if (field) return field;
  const inst = instantiate();
  const { ex } = inst;
  const refresh = (): void => {
    inst.u64 = new BigUint64Array(ex.mem.buffer);
    inst.u32 = new Uint32Array(ex.mem.buffer);
  };
  field = {
    ex,
    dAddr: D_M,
    alloc(bytes) {
      const start = (inst.heap + 7) & ~7;
      const end = start + bytes;
      const have = ex.mem.buffer.byteLength;
      if (end > have) {
        ex.mem.grow(Math.ceil((end - have) / 65536) + 16);
        refresh();
      }
      inst.heap = end;
      return start;
    },
    put(off, x) {
      const u64 = inst.u64;
      u64[0] = x & U64;
      u64[1] = (x >> 64n) & U64;
      u64[2] = (x >> 128n) & U64;
      u64[3] = x >> 192n;
      ex.fromU64(STAGE, off);
      ex.mul(off, R2, off);
    },
    get(off) {
      ex.mul(off, ONE, SCR + ELEM * 11);
      ex.toU64(SCR + ELEM * 11, STAGE);
      const u64 = inst.u64;
      const v = u64[0]! | (u64[1]! << 64n) | (u64[2]! << 128n) | (u64[3]! << 192n);
      return v >= P ? v - P : v;
    },
    isZero(off) {
      const u32 = inst.u32;
      const w = off >> 2;
      for (let j = 0; j < LIMBS; j++) if (u32[w + j] !== 0) return false;
      return true;
    },
  };
  return field;
}
