/**
 * Hot-path cryptography throughput: our Poseidon and EdDSA-Poseidon verification against
 * circomlibjs on the same inputs, one core, in-process.
 *
 *   npx tsx bench/crypto.ts [--seconds 1]
 *
 * `benchCrypto` is the library entry point (the `npm run bench` harness calls it). Each figure is
 * the median of `repeats` timed runs of `seconds` each, after a warm-up. Nothing here asserts.
 */
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { buildEddsa, buildPoseidon } from "circomlibjs";
import { FastEddsaVerifier, warmUpFixedBase } from "../sequencer/crypto/babyjubFast.js";
import { getEddsa, type PublicKey, type Signature } from "../sequencer/crypto/babyjub.js";
import { getPoseidon } from "../sequencer/crypto/poseidon.js";
import { poseidonUnchecked } from "../sequencer/crypto/poseidonBigint.js";

export interface CryptoBenchOptions {
  /** Length of one timed run, per figure. Default 1. */
  readonly seconds?: number;
  /** Timed runs per figure; the median is reported. Default 3. */
  readonly repeats?: number;
}

export interface CryptoBenchResult {
  /** `getPoseidon()` hasher (what the sequencer uses), Poseidon(2) hashes per second. */
  readonly poseidon2PerSec: number;
  readonly poseidon5PerSec: number;
  readonly poseidon8PerSec: number;
  /** Our pure-BigInt Poseidon (poseidonBigint.ts), for comparison. */
  readonly bigintPoseidon2PerSec: number;
  readonly bigintPoseidon5PerSec: number;
  /** `getEddsa().verify` over 16 keys signing round-robin (per-key tables cached). */
  readonly eddsaVerifyPerSec: number;
  /** Fast verifier with the key cache disabled: every key is new. */
  readonly eddsaVerifyColdPerSec: number;
  readonly circomlibjsPoseidon2PerSec: number;
  readonly circomlibjsPoseidon5PerSec: number;
  readonly circomlibjsPoseidon8PerSec: number;
  readonly circomlibjsEddsaVerifyPerSec: number;
  /** ours / circomlibjs. */
  readonly poseidon2Ratio: number;
  readonly poseidon5Ratio: number;
  readonly eddsaVerifyRatio: number;
  readonly eddsaVerifyColdRatio: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Calls per second of `op(i)`, i = 0, 1, ..., over one run of `seconds`. */
function runFor(op: (i: number) => void, seconds: number): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < seconds * 1000) {
    for (let k = 0; k < 4; k++) op(n++);
    t = performance.now();
  }
  return n / ((t - t0) / 1000);
}

/** Median rate of each op over `repeats` rounds; every round runs each op once, in turn. */
function rates<const T extends readonly ((i: number) => void)[]>(ops: T, seconds: number, repeats: number): { -readonly [K in keyof T]: number } {
  for (const op of ops) runFor(op, Math.min(0.2, seconds / 5)); // warm-up (JIT, tables)
  const runs: number[][] = ops.map(() => []);
  for (let r = 0; r < repeats; r++) ops.forEach((op, j) => runs[j]!.push(runFor(op, seconds)));
  return runs.map(median) as { -readonly [K in keyof T]: number };
}

function field(label: string, i: number): bigint {
  const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  return BigInt(`0x${createHash("sha256").update(`${label} ${i}`).digest("hex")}`) % P;
}

export async function benchCrypto(opts: CryptoBenchOptions = {}): Promise<CryptoBenchResult> {
  const seconds = opts.seconds ?? 1;
  const repeats = opts.repeats ?? 3;
  const [poseidon, eddsa, refHash, refEddsa] = await Promise.all([getPoseidon(), getEddsa(), buildPoseidon(), buildEddsa()]);
  const F = refEddsa.F;

  const inputs = (n: number): bigint[][] => Array.from({ length: 64 }, (_, i) => Array.from({ length: n }, (_, j) => field(`p${n}`, i * 16 + j)));
  const in2 = inputs(2);
  const in5 = inputs(5);
  const in8 = inputs(8);
  const ours = (xs: bigint[][]) => (i: number) => void poseidon(xs[i & 63]!);
  const big = (xs: bigint[][]) => (i: number) => void poseidonUnchecked(xs[i & 63]!);
  const ref = (xs: bigint[][]) => (i: number) => void refHash.F.toObject(refHash(xs[i & 63]!));

  // 16 keys, 4 signed messages each: a trader signs many orders with one key.
  const items: { pub: PublicKey; msg: bigint; sig: Signature }[] = [];
  for (let k = 0; k < 16; k++) {
    const key = eddsa.keyPair(createHash("sha256").update(`bench key ${k}`).digest());
    for (let m = 0; m < 4; m++) {
      const msg = field("msg", k * 4 + m);
      items.push({ pub: key.pub, msg, sig: key.sign(msg) });
    }
  }
  const refItems = items.map(({ pub, msg, sig }) => ({
    msg: F.e(msg),
    sig: { R8: [F.e(sig.R8x), F.e(sig.R8y)] as [Uint8Array, Uint8Array], S: sig.S },
    pub: [F.e(pub.x), F.e(pub.y)] as const,
  }));
  const check = (ok: boolean): void => {
    if (!ok) throw new Error("benchmark signature failed to verify");
  };
  warmUpFixedBase();
  const cold = new FastEddsaVerifier(poseidon, { keyCacheSize: 0 });

  // Ours and circomlibjs alternate within each repeat, so a busy machine skews both alike.
  const [poseidon2PerSec, bigintPoseidon2PerSec, circomlibjsPoseidon2PerSec] = rates([ours(in2), big(in2), ref(in2)], seconds, repeats);
  const [poseidon5PerSec, bigintPoseidon5PerSec, circomlibjsPoseidon5PerSec] = rates([ours(in5), big(in5), ref(in5)], seconds, repeats);
  const [poseidon8PerSec, circomlibjsPoseidon8PerSec] = rates([ours(in8), ref(in8)], seconds, repeats);
  const [eddsaVerifyPerSec, eddsaVerifyColdPerSec, circomlibjsEddsaVerifyPerSec] = rates(
    [
      (i) => {
        const it = items[(i * 5) % items.length]!; // interleave keys
        check(eddsa.verify(it.pub, it.msg, it.sig));
      },
      (i) => {
        const it = items[(i * 5) % items.length]!;
        check(cold.verify(it.pub.x, it.pub.y, it.msg, it.sig.R8x, it.sig.R8y, it.sig.S));
      },
      (i) => {
        const it = refItems[(i * 5) % refItems.length]!;
        check(refEddsa.verifyPoseidon(it.msg, it.sig, it.pub));
      },
    ],
    seconds,
    repeats,
  );

  return {
    poseidon2PerSec,
    poseidon5PerSec,
    poseidon8PerSec,
    bigintPoseidon2PerSec,
    bigintPoseidon5PerSec,
    eddsaVerifyPerSec,
    eddsaVerifyColdPerSec,
    circomlibjsPoseidon2PerSec,
    circomlibjsPoseidon5PerSec,
    circomlibjsPoseidon8PerSec,
    circomlibjsEddsaVerifyPerSec,
    poseidon2Ratio: poseidon2PerSec / circomlibjsPoseidon2PerSec,
    poseidon5Ratio: poseidon5PerSec / circomlibjsPoseidon5PerSec,
    eddsaVerifyRatio: eddsaVerifyPerSec / circomlibjsEddsaVerifyPerSec,
    eddsaVerifyColdRatio: eddsaVerifyColdPerSec / circomlibjsEddsaVerifyPerSec,
  };
}

function printTable(r: CryptoBenchResult): void {
  const fmt = (x: number): string => Math.round(x).toLocaleString("en-US").padStart(10);
  const rows: [string, number, number | undefined][] = [
    ["Poseidon(2)", r.poseidon2PerSec, r.circomlibjsPoseidon2PerSec],
    ["Poseidon(5)", r.poseidon5PerSec, r.circomlibjsPoseidon5PerSec],
    ["Poseidon(8)", r.poseidon8PerSec, r.circomlibjsPoseidon8PerSec],
    ["Poseidon(2) pure BigInt", r.bigintPoseidon2PerSec, r.circomlibjsPoseidon2PerSec],
    ["Poseidon(5) pure BigInt", r.bigintPoseidon5PerSec, r.circomlibjsPoseidon5PerSec],
    ["EdDSA verify (16 keys, cached)", r.eddsaVerifyPerSec, r.circomlibjsEddsaVerifyPerSec],
    ["EdDSA verify (cold keys)", r.eddsaVerifyColdPerSec, r.circomlibjsEddsaVerifyPerSec],
  ];
  console.log(`${"operation".padEnd(32)}${"ours/s".padStart(10)}${"circomlibjs/s".padStart(15)}${"ratio".padStart(9)}`);
  for (const [name, ours, ref] of rows) {
    console.log(`${name.padEnd(32)}${fmt(ours)}${fmt(ref ?? 0).padStart(15)}${`${(ours / (ref ?? 1)).toFixed(2)}x`.padStart(9)}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const i = process.argv.indexOf("--seconds");
  const seconds = i >= 0 ? Number(process.argv[i + 1]) : 1;
  const result = await benchCrypto({ seconds });
  printTable(result);
  if (process.argv.includes("--json")) console.log(JSON.stringify(result));
}
