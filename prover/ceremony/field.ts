/**
 * Scalar-field arithmetic of BN254 (the field circom circuits live in) on plain bigints.
 *
 * The development ceremony knows its toxic waste, so every curve point it writes is a known scalar
 * times a generator. Those scalars are computed here; only the final scalar multiplications go to
 * the curve library's WebAssembly workers.
 */

export const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** 2-adicity of r - 1: domains up to 2^28 have roots of unity. */
export const TWO_ADICITY = 28;

export function mod(a: bigint): bigint {
  const x = a % R;
  return x < 0n ? x + R : x;
}

export function mul(a: bigint, b: bigint): bigint {
  return (a * b) % R;
}

export function pow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % R;
    b = (b * b) % R;
    e >>= 1n;
  }
  return result;
}

export function inv(a: bigint): bigint {
  const x = mod(a);
  if (x === 0n) throw new Error("field: inverse of zero");
  return pow(x, R - 2n);
}

/** Montgomery's trick: one exponentiation for the whole array. Zero entries are not allowed. */
export function batchInverse(values: readonly bigint[]): bigint[] {
  const n = values.length;
  const prefix = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === 0n) throw new Error(`field: inverse of zero at index ${i}`);
    prefix[i] = acc;
    acc = (acc * v) % R;
  }
  let accInv = inv(acc);
  const out = new Array<bigint>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (accInv * prefix[i]!) % R;
    accInv = (accInv * values[i]!) % R;
  }
  return out;
}

/**
 * Primitive 2^k-th root of unity, chosen exactly as ffjavascript does (nqr^((r-1)/2^28) squared
 * down), because snarkjs' prover evaluates constraint c at w^c with that w: a different root would
 * give keys that prove nothing.
 */
export function rootOfUnity(log2Size: number): bigint {
  if (!Number.isInteger(log2Size) || log2Size < 0 || log2Size > TWO_ADICITY) {
    throw new Error(`field: no root of unity of order 2^${log2Size}`);
  }
  const half = (R - 1n) >> 1n;
  let nqr = 2n;
  while (pow(nqr, half) === 1n) nqr += 1n;
  let w = pow(nqr, (R - 1n) >> BigInt(TWO_ADICITY));
  for (let i = TWO_ADICITY; i > log2Size; i--) w = (w * w) % R;
  return w;
}

/** Little-endian 32-byte encoding (the r1cs and wtns "standard" form, not Montgomery). */
export function writeLE(buf: Uint8Array, offset: number, value: bigint): void {
  const view = new DataView(buf.buffer, buf.byteOffset + offset, 32);
  let v = value;
  for (let i = 0; i < 4; i++) {
    view.setBigUint64(i * 8, v & 0xffffffffffffffffn, true);
    v >>= 64n;
  }
}

export function readLE(view: DataView, offset: number): bigint {
  return (
    view.getBigUint64(offset, true) |
    (view.getBigUint64(offset + 8, true) << 64n) |
    (view.getBigUint64(offset + 16, true) << 128n) |
    (view.getBigUint64(offset + 24, true) << 192n)
  );
}

/**
 * All Lagrange basis polynomials of the size-n domain <w>, evaluated at x, for the indices given
 * by `indices` (all of them when omitted): L_i(x) = w^i (x^n - 1) / (n (x - w^i)).
 */
export function lagrangeAt(x: bigint, log2Size: number, indices?: readonly number[]): bigint[] {
  const n = 1 << log2Size;
  const w = rootOfUnity(log2Size);
  const idx = indices ?? Array.from({ length: n }, (_, i) => i);
  const zOverN = mul(mod(pow(x, BigInt(n)) - 1n), inv(BigInt(n)));
  if (zOverN === 0n) throw new Error("field: evaluation point lies in the domain");
  // Powers of w in index order; indices are ascending in every use, so walk them incrementally.
  const wPow = new Array<bigint>(idx.length);
  let cur = 1n;
  let at = 0;
  for (let k = 0; k < idx.length; k++) {
    const target = idx[k]!;
    if (target < at) throw new Error("field: lagrange indices must ascend");
    while (at < target) {
      cur = (cur * w) % R;
      at++;
    }
    wPow[k] = cur;
  }
  const invDen = batchInverse(wPow.map((wi) => mod(x - wi)));
  return wPow.map((wi, k) => (((zOverN * wi) % R) * invDen[k]!) % R);
}
