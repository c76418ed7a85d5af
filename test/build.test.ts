/**
 * The circuit build pipeline (prover/build.ts) on two tiny SquareChain instances built into a
 * temporary directory: artefacts, proofs, caching, recovery from interrupted builds, and compile
 * failures. Hardhat is not run here: it only compiles the repository's own build/contracts.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CircuitInstance } from "../circuits/instances.js";
import { REPO_ROOT, ensureBuilt, solcVersion, type BuildOptions } from "../prover/build.js";
import { MANIFEST_FILE, instanceHash, readManifest, type Manifest } from "../prover/buildCache.js";
import { CIRCOM_VERSION, circomCompilerVersion } from "../prover/circom.js";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Reference for SquareChain(n), independent of the circuit. */
function squareChain(x0: bigint, n: number): bigint {
  let x = x0;
  for (let i = 0; i < n; i++) x = (x * x + BigInt(i)) % P;
  return x;
}

const TMP = mkdtempSync(join(tmpdir(), "solvent-build-"));
const BUILD = join(TMP, "build");
const SRC = join(TMP, "src");
const CHAIN = readFileSync(join(REPO_ROOT, "circuits", "test", "square_chain.circom"), "utf8");

const INSTANCES: CircuitInstance[] = [
  { name: "chain_a", template: "SquareChain", file: "src/chain_a.circom", params: [8], publicSignals: ["x0"] },
  { name: "chain_b", template: "SquareChain", file: "src/chain_b.circom", params: [12], publicSignals: ["x0"] },
];

const logs: string[] = [];
const opts: BuildOptions = { buildDir: BUILD, rootDir: TMP, instances: INSTANCES, contracts: false, log: (l) => logs.push(l) };
const build = (names?: string[]) => ensureBuilt(names, opts);

const sha = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");
const manifest = (): Manifest => JSON.parse(readFileSync(join(BUILD, MANIFEST_FILE), "utf8")) as Manifest;
const temps = (): string[] => readdirSync(BUILD).filter((f) => f.startsWith(".tmp-"));
const artefact = (name: string, key: "zkey" | "wasm" | "vkey"): string => join(BUILD, manifest().instances[name]!.paths[key]);

function writeSources(): void {
  mkdirSync(join(SRC, "lib"), { recursive: true });
  writeFileSync(join(SRC, "chain_a.circom"), CHAIN);
  // chain_b also includes a second file, to check that transitive includes are tracked.
  writeFileSync(join(SRC, "chain_b.circom"), CHAIN.replace(/^pragma circom [^;]+;/m, (p) => `${p}\ninclude "lib/extra.circom";`));
  writeFileSync(join(SRC, "lib", "extra.circom"), "pragma circom 2.2.3;\ntemplate Unused() {}\n");
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ["-e", ""]).pid;
  if (pid === undefined) throw new Error("cannot spawn");
  return pid;
}

beforeAll(() => writeSources());

afterAll(async () => {
  await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
  rmSync(TMP, { recursive: true, force: true });
});

describe("toolchain constants", () => {
  it("the pinned circom and solc versions are the ones installed and configured", async () => {
    expect(await circomCompilerVersion()).toBe(CIRCOM_VERSION);
    const config = readFileSync(join(REPO_ROOT, "hardhat.config.ts"), "utf8");
    expect(config).toContain(`version: "${await solcVersion()}"`);
  });

  it("the instance hash covers the record and the tools", () => {
    const base = { instance: INSTANCES[0]!, sources: [{ text: "a" }], tools: { circom: "2.2.3" }, ceremonyDigest: "c" };
    const h = instanceHash(base);
    expect(instanceHash({ ...base })).toBe(h);
    expect(instanceHash({ ...base, instance: { ...INSTANCES[0]!, params: [9] } })).not.toBe(h);
    expect(instanceHash({ ...base, instance: { ...INSTANCES[0]!, publicSignals: [] } })).not.toBe(h);
    expect(instanceHash({ ...base, sources: [{ text: "b" }] })).not.toBe(h);
    expect(instanceHash({ ...base, tools: { circom: "2.2.4" } })).not.toBe(h);
    expect(instanceHash({ ...base, ceremonyDigest: "d" })).not.toBe(h);
    expect(instanceHash({ ...base, ptau: "/x.ptau:1:2" })).not.toBe(h);
  });
});

describe("ensureBuilt", () => {
  it("(a) builds every artefact, and a proof from them verifies", async () => {
    const report = await build();
    expect(report.rebuilt).toEqual(["chain_a", "chain_b"]);
    expect(report.entries.map((e) => [e.name, e.constraints, e.contract])).toEqual([
      ["chain_a", 8, "ChainAVerifier"],
      ["chain_b", 12, "ChainBVerifier"],
    ]);
    for (const e of report.entries) {
      for (const p of Object.values(e.paths)) expect(existsSync(p), p).toBe(true);
      expect(e.paths.wasm).toBe(join(BUILD, "circuits", e.name, "circuit_js", "circuit.wasm"));
      expect(e.paths.zkey).toBe(join(BUILD, "keys", e.name, "circuit.zkey"));
      // The relative include must still resolve after the move out of the temp dir.
      const include = /include "([^"]+)"/.exec(readFileSync(e.paths.main, "utf8"))![1]!;
      expect(resolve(dirname(e.paths.main), include)).toBe(join(TMP, INSTANCES.find((i) => i.name === e.name)!.file));
      const sol = readFileSync(e.paths.verifier, "utf8");
      expect(sol).toContain(`contract ${e.contract} {`);
      expect(sol).not.toContain("Groth16Verifier");
      expect(sol).toContain(`pragma solidity ${await solcVersion()};`);
    }
    expect(Object.keys(manifest().instances)).toEqual(["chain_a", "chain_b"]);
    expect(temps()).toEqual([]);
    expect(logs.some((l) => /^chain_a: compile \d+\.\ds \(8 constraints\), keys \d+\.\ds, verifier \d+\.\ds$/.test(l))).toBe(true);

    const b = report.entries[1]!;
    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ x0: 3 }, b.paths.wasm, b.paths.zkey);
    expect(publicSignals).toEqual([squareChain(3n, 12).toString(), "3"]);
    const vkey = JSON.parse(readFileSync(b.paths.vkey, "utf8")) as snarkjs.VerificationKey;
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).toBe(true);
    expect(await snarkjs.groth16.verify(vkey, [publicSignals[0]!, "4"], proof)).toBe(false);
  });

  it("(b) a second run does nothing", async () => {
    const before = manifest();
    logs.length = 0;
    const report = await build();
    expect(report.rebuilt).toEqual([]);
    expect(report.entries.map((e) => e.name)).toEqual(["chain_a", "chain_b"]);
    expect(logs).toEqual(["chain_a, chain_b: up to date"]);
    expect(manifest()).toEqual(before);
  });

  it("(c) a changed source rebuilds only the instances that include it", async () => {
    const zkeyA = sha(artefact("chain_a", "zkey"));
    writeFileSync(join(SRC, "lib", "extra.circom"), "pragma circom 2.2.3;\ntemplate Unused() {}\n// touched\n");
    expect((await build()).rebuilt).toEqual(["chain_b"]);
    expect(sha(artefact("chain_a", "zkey"))).toBe(zkeyA);

    const zkeyB = sha(artefact("chain_b", "zkey"));
    writeFileSync(join(SRC, "chain_a.circom"), CHAIN + "\n// touched\n");
    expect((await build()).rebuilt).toEqual(["chain_a"]);
    expect(sha(artefact("chain_b", "zkey"))).toBe(zkeyB);
    expect(sha(artefact("chain_a", "zkey"))).not.toBe(zkeyA);

    // Selecting by name builds and returns only what was asked for.
    writeFileSync(join(SRC, "chain_a.circom"), CHAIN);
    const only = await build(["chain_b"]);
    expect(only.rebuilt).toEqual([]);
    expect(only.entries.map((e) => e.name)).toEqual(["chain_b"]);
    expect((await build(["chain_a"])).rebuilt).toEqual(["chain_a"]);
    await expect(build(["nope"])).rejects.toThrow(/unknown circuit instance\(s\): nope/);
  });

  it("(d) an interrupted build is detected and redone", async () => {
    // A crash during chain_a's commit: its entry already removed, its temp dir and a manifest temp
    // file left behind by a process that no longer exists.
    const dead = join(BUILD, `.tmp-chain_a-${deadPid()}`);
    mkdirSync(join(dead, "keys"), { recursive: true });
    writeFileSync(join(dead, "keys", "circuit.zkey"), "partial");
    writeFileSync(join(BUILD, `.tmp-manifest.json-${deadPid()}`), "{");
    // The temp dir of a live concurrent build must be left alone.
    const live = join(BUILD, `.tmp-chain_b-${process.ppid}`);
    mkdirSync(live);
    const m = manifest();
    delete m.instances.chain_a;
    writeFileSync(join(BUILD, MANIFEST_FILE), JSON.stringify(m));
    logs.length = 0;
    expect((await build()).rebuilt).toEqual(["chain_a"]);
    expect(temps()).toEqual([`.tmp-chain_b-${process.ppid}`]);
    expect(logs[0]).toMatch(/^removed leftovers of an interrupted build: /);
    rmSync(live, { recursive: true });

    // Artefacts damaged behind the build's back.
    truncateSync(artefact("chain_a", "wasm"), 100);
    rmSync(artefact("chain_b", "vkey"));
    logs.length = 0;
    expect((await build()).rebuilt).toEqual(["chain_a", "chain_b"]);
    expect(logs).toContain("chain_a: rebuilding (wasm changed on disk)");
    expect(logs).toContain("chain_b: rebuilding (vkey missing)");

    // An entry that does not match the inputs.
    const tampered = manifest();
    tampered.instances.chain_a!.hash = "0".repeat(64);
    writeFileSync(join(BUILD, MANIFEST_FILE), JSON.stringify(tampered));
    expect((await build()).rebuilt).toEqual(["chain_a"]);

    // A manifest that is not JSON is no manifest.
    writeFileSync(join(BUILD, MANIFEST_FILE), '{"format": 1, "instances": {"chain_a"');
    expect((await build()).rebuilt).toEqual(["chain_a", "chain_b"]);
    expect((await build()).rebuilt).toEqual([]);
  });

  it("(e) a compile error fails with one clear line and keeps the previous artefacts", async () => {
    const entryBefore = (await readManifest(BUILD)).instances.chain_a;
    const zkeyBefore = sha(artefact("chain_a", "zkey"));
    const wasmBefore = sha(artefact("chain_a", "wasm"));
    writeFileSync(join(SRC, "chain_a.circom"), CHAIN.replace("x[0] <== x0;", "x[0] <== x0 +;"));

    const err = await build().then(
      () => new Error("the build succeeded"),
      (e: unknown) => e as Error,
    );
    expect(err.message).toMatch(/^chain_a: circom failed: error\[P\d+\]: .+ at .+\/src\/chain_a\.circom:\d+:\d+$/);
    expect(err.message).not.toContain("\n");
    expect(err.message).not.toContain("\u001b");

    expect((await readManifest(BUILD)).instances.chain_a).toEqual(entryBefore);
    expect(sha(artefact("chain_a", "zkey"))).toBe(zkeyBefore);
    expect(sha(artefact("chain_a", "wasm"))).toBe(wasmBefore);
    expect(temps()).toEqual([]);

    // Fixing the source gives back exactly the inputs of the kept build: nothing to do.
    writeFileSync(join(SRC, "chain_a.circom"), CHAIN);
    expect((await build()).rebuilt).toEqual([]);
  });

  it("(f) builds sharing a directory take turns, and a dead holder's lock is taken over", async () => {
    writeFileSync(join(BUILD, ".lock"), String(deadPid()));
    expect((await build()).rebuilt).toEqual([]);
    expect(existsSync(join(BUILD, ".lock"))).toBe(false);

    writeFileSync(join(BUILD, ".lock"), String(process.ppid));
    logs.length = 0;
    let done = false;
    const pending = build().finally(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(done).toBe(false);
    expect(logs).toEqual([`waiting for the build running in process ${process.ppid}`]);
    rmSync(join(BUILD, ".lock"));
    expect((await pending).rebuilt).toEqual([]);
    expect(existsSync(join(BUILD, ".lock"))).toBe(false);
  });
});
