/**
 * Integer rounding the margin rules rely on. BigInt `/` truncates toward zero, which rounds a
 * negative quotient up: wrong for a bound that must be safe, so every division goes through here.
 */

/** floor(a / b) for b > 0 and any sign of a. */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (b <= 0n) throw new RangeError(`floorDiv by non-positive ${b}`);
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** ceil(a / b) for b > 0 and any sign of a. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  return -floorDiv(-a, b);
}

export function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

export function sign(x: bigint): -1n | 0n | 1n {
  return x > 0n ? 1n : x < 0n ? -1n : 0n;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
