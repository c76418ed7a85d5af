/**
 * The development ceremony: its keys must be accepted by snarkjs' prover and verifier and by the
 * exported Solidity verifier, and must reject proofs made under other keys.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as snarkjs from "snarkjs";
import { buildBn128 } from "ffjavascript";
import { devSetup, domainPower, CeremonyInputError } from "../prover/ceremony/index.js";
import { R, lagrangeAt, rootOfUnity, mod } from "../prover/ceremony/field.js";
import { readR1cs } from "../prover/ceremony/r1cs.js";
import { CombPool, generator, type Bn128 } from "../prover/ceremony/points.js";
import { compileCircuit, mainSource, run } from "../prover/circom.js";
import { deployGroth16Verifier } from "./helpers/solidityVerifier.js";
import { toSolidityCalldata } from "../prover/prove.js";

const root = resolve(import.meta.dirname, "..");
let work: string;
let probe: { r1cs: string; wasm: string };

async function compileProbe(dir: string): Promise<{ r1cs: string; wasm: string }> {
  const instance = { name: "probe", template: "CeremonyProbe", file: "circuits/test/ceremony_probe.circom", params: [], publicSignals: ["a", "b"] };
  const mainPath = join(dir, "main.circom");
  await mkdir(dir, { recursive: true });
  await writeFile(mainPath, mainSource(instance, join(root, instance.file), dir));
  const c = await compileCircuit({ mainPath, outDir: dir, libDirs: [join(root, "node_modules")], label: "probe" });
  return { r1cs: c.r1csPath, wasm: c.wasmPath };
}

const INPUT = { a: 11, b: 13, x: 17 };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "solvent-ceremony-test-"));
  probe = await compileProbe(join(work, "probe"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
});

describe("field arithmetic", () => {
  it("uses the roots of unity snarkjs' prover uses", async () => {
    const curve = (await buildBn128()) as { Fr: { w: unknown[]; toObject(x: unknown): bigint } };
    for (const k of [1, 5, 10, 17, 28]) expect(rootOfUnity(k)).toBe(curve.Fr.toObject(curve.Fr.w[k]));
  });

  it("evaluates Lagrange polynomials that sum to one and interpolate", () => {
    const x = 123456789n;
    const L = lagrangeAt(x, 4);
    expect(L.reduce((s, v) => mod(s + v), 0n)).toBe(1n);
    // Interpolating f(X) = X over the domain gives back x.
    const w = rootOfUnity(4);
    let wi = 1n;
    let acc = 0n;
    for (const l of L) {
      acc = mod(acc + l * wi);
      wi = (wi * w) % R;
    }
    expect(acc).toBe(x);
    expect(() => lagrangeAt(w, 4)).toThrow(/lies in the domain/);
  });
});

describe("fixed-base comb", () => {
  it("agrees with ffjavascript's scalar multiplication, edges included", async () => {
    type Group = { g: unknown; timesScalar(p: unknown, k: bigint): unknown; toRprLEM(b: Uint8Array, o: number, p: unknown): void };
    const curve = (await buildBn128()) as unknown as Bn128 & { G1: Group; G2: Group };
    const scalars = [0n, 1n, 2n, 255n, 256n, R - 1n, R - 2n, (1n << 248n) + 7n, 0xff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00n % R];
    for (let i = 0; i < 20; i++) scalars.push(mod(BigInt("0x" + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex"))));
    const pool = new CombPool();
    try {
      for (const group of ["G1", "G2"] as const) {
        const G = curve[group];
        const size = group === "G1" ? 64 : 128;
        const got = await pool.mulBase(group, generator(curve, group), scalars);
        scalars.forEach((k, i) => {
          const want = new Uint8Array(size);
          G.toRprLEM(want, 0, G.timesScalar(G.g, k));
          expect(Buffer.from(got.subarray(i * size, (i + 1) * size)).toString("hex"), `${group} * ${k}`).toBe(Buffer.from(want).toString("hex"));
        });
      }
    } finally {
      await pool.close();
    }
  });
});

describe("dev ceremony keys", () => {
  let keysA: { zkeyPath: string; vkeyPath: string };
  let keysB: { zkeyPath: string; vkeyPath: string };

  beforeAll(async () => {
    keysA = await devSetup({ r1csPath: probe.r1cs, outDir: join(work, "keysA"), seed: "a" });
    keysB = await devSetup({ r1csPath: probe.r1cs, outDir: join(work, "keysB"), seed: "b" });
  });

  it("sizes the domain as snarkjs does", async () => {
    const r1cs = await readR1cs(probe.r1cs);
    expect(2 ** domainPower(r1cs)).toBeGreaterThan(r1cs.nConstraints + r1cs.nOutputs + r1cs.nPubInputs);
    expect(2 ** (domainPower(r1cs) - 1)).toBeLessThanOrEqual(r1cs.nConstraints + r1cs.nOutputs + r1cs.nPubInputs);
  });

  it("is deterministic for a seed and differs across seeds", async () => {
    const again = await devSetup({ r1csPath: probe.r1cs, outDir: join(work, "keysA2"), seed: "a" });
    expect(Buffer.compare(await readFile(again.zkeyPath), await readFile(keysA.zkeyPath))).toBe(0);
    expect(Buffer.compare(await readFile(keysB.zkeyPath), await readFile(keysA.zkeyPath))).not.toBe(0);
  });

  it("gives proofs snarkjs verifies, and only for the true public signals", async () => {
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(INPUT, probe.wasm, keysA.zkeyPath);
    const vkey = JSON.parse(await readFile(keysA.vkeyPath, "utf8")) as snarkjs.VerificationKey;
    expect(vkey.nPublic).toBe(4);
    expect(publicSignals[1]).toBe(String(11 * 13 + 3 * 17 + 5));
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).toBe(true);
    for (let i = 0; i < publicSignals.length; i++) {
      const tampered = [...publicSignals];
      tampered[i] = String(BigInt(tampered[i]!) + 1n);
      expect(await snarkjs.groth16.verify(vkey, tampered, proof)).toBe(false);
    }
  });

  it("rejects a proof made under other keys", async () => {
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(INPUT, probe.wasm, keysB.zkeyPath);
    const vkeyA = JSON.parse(await readFile(keysA.vkeyPath, "utf8")) as snarkjs.VerificationKey;
    const vkeyB = JSON.parse(await readFile(keysB.vkeyPath, "utf8")) as snarkjs.VerificationKey;
    expect(await snarkjs.groth16.verify(vkeyB, publicSignals, proof)).toBe(true);
    expect(await snarkjs.groth16.verify(vkeyA, publicSignals, proof)).toBe(false);
  });

  it("gives proofs the exported Solidity verifier accepts on chain, and rejects other keys' proofs", async () => {
    const verifier = await deployGroth16Verifier(keysA.zkeyPath);
    const own = await snarkjs.groth16.fullProve(INPUT, probe.wasm, keysA.zkeyPath);
    const other = await snarkjs.groth16.fullProve(INPUT, probe.wasm, keysB.zkeyPath);
    const call = (proof: snarkjs.Groth16Proof, signals: readonly string[]) => {
      const cd = toSolidityCalldata(proof, signals.map(BigInt));
      return verifier.verifyProof(cd.a, cd.b, cd.c, cd.input);
    };
    expect(await call(own.proof, own.publicSignals)).toBe(true);
    expect(await call(other.proof, other.publicSignals)).toBe(false);
    const tampered = [...own.publicSignals];
    tampered[2] = String(BigInt(tampered[2]!) + 1n);
    expect(await call(own.proof, tampered)).toBe(false);
  });
});

describe("production path (--ptau)", () => {
  it("makes keys from a prepared powers-of-tau file through snarkjs", async () => {
    const d = join(work, "ptau");
    await mkdir(d, { recursive: true });
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    await snarkjs.powersOfTau.newAccumulator(curve, 9, join(d, "0.ptau"));
    await snarkjs.powersOfTau.contribute(join(d, "0.ptau"), join(d, "1.ptau"), "test", "entropy");
    await snarkjs.powersOfTau.preparePhase2(join(d, "1.ptau"), join(d, "final.ptau"));
    const keys = await devSetup({ r1csPath: probe.r1cs, outDir: join(d, "keys"), ptauPath: join(d, "final.ptau") });
    expect(keys.insecure).toBe(false);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(INPUT, probe.wasm, keys.zkeyPath);
    const vkey = JSON.parse(await readFile(keys.vkeyPath, "utf8")) as snarkjs.VerificationKey;
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).toBe(true);
  });
});

describe("bad input", () => {
  const cli = (args: string[]) => run(process.execPath, [join(root, "bin/solvent.mjs"), ...args], root);

  it.each([
    ["a missing file", () => ["dev-setup", join(work, "missing.r1cs"), "--out", join(work, "out-missing")], /no such file/],
    ["a file of another format", () => ["dev-setup", join(root, "package.json"), "--out", join(work, "out-format")], /not a circom r1cs file/],
    ["no output directory", () => ["dev-setup", probe.r1cs], /needs --out/],
    ["an unknown option", () => ["dev-setup", probe.r1cs, "--out", join(work, "o"), "--bogus"], /Unknown option/],
    ["a missing ptau file", () => ["dev-setup", probe.r1cs, "--out", join(work, "out-ptau"), "--ptau", join(work, "none.ptau")], /no such file/],
    ["a ptau of another format", () => ["dev-setup", probe.r1cs, "--out", join(work, "out-ptau2"), "--ptau", probe.r1cs], /not a usable powers-of-tau/],
  ])("answers %s with one line and exit code 2, writing no key", async (_what, args, message) => {
    const a = args();
    const res = await cli(a);
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    const outDir = a[a.indexOf("--out") + 1];
    if (outDir) {
      const left = await readdir(outDir).catch(() => [] as string[]);
      expect(left.filter((f) => f.includes("zkey") || f.includes("verification_key"))).toEqual([]);
    }
  });

  it("refuses a circuit over another curve", async () => {
    // The same circuit compiled over BLS12-381's scalar field.
    const dir = join(work, "bls");
    await mkdir(dir, { recursive: true });
    const mainPath = join(dir, "main.circom");
    await writeFile(mainPath, 'pragma circom 2.2.3;\ntemplate M() { signal input a; signal input b; signal output c; c <== a * b; }\ncomponent main = M();\n');
    const compiled = await run(process.execPath, [join(root, "node_modules/circom2/cli.js"), mainPath, "--r1cs", "--prime", "bls12381", "-o", dir], "/");
    expect(compiled.code).toBe(0);
    const bls = { r1cs: join(dir, "main.r1cs") };
    await expect(devSetup({ r1csPath: bls.r1cs, outDir: join(work, "out-bls") })).rejects.toThrow(CeremonyInputError);
    await expect(devSetup({ r1csPath: bls.r1cs, outDir: join(work, "out-bls") })).rejects.toThrow(/unsupported curve/);
    const res = await cli(["dev-setup", bls.r1cs, "--out", join(work, "out-bls")]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unsupported curve/);
  });

  it("refuses a truncated r1cs", async () => {
    const bytes = await readFile(probe.r1cs);
    const cut = join(work, "cut.r1cs");
    await writeFile(cut, bytes.subarray(0, bytes.length - 40));
    await expect(readR1cs(cut)).rejects.toThrow(/not a circom r1cs file/);
  });
});
