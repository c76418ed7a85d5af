/**
 * Development ceremony against snarkjs' own setup path, measured in one run.
 *
 *   npm run bench:ceremony -- [--powers 14,16,17] [--snarkjs 14] [--json out.json]
 *
 * For each power k it compiles SquareChain(2^k - 3) (exactly filling a 2^k evaluation domain),
 * makes keys with the development ceremony, proves once with snarkjs and verifies. Then it runs
 * snarkjs' standard path (powers of tau new, contribute, prepare phase2, zkey new, contribute) at
 * the --snarkjs power for comparison.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as snarkjs from "snarkjs";
import { compileCircuit, mainSource } from "../prover/circom.js";
import { devSetup, domainPower } from "../prover/ceremony/index.js";
import { readR1cs } from "../prover/ceremony/r1cs.js";
import { getCurve } from "../prover/ceremony/points.js";

const { values } = parseArgs({
  options: { powers: { type: "string", default: "14,16,17" }, snarkjs: { type: "string", default: "14" }, json: { type: "string" } },
});
const powers = values.powers.split(",").map(Number);
const snarkjsPower = Number(values.snarkjs);
const root = resolve(import.meta.dirname, "..");
const work = await mkdtemp(join(tmpdir(), "solvent-ceremony-"));

const secs = (t0: number) => (performance.now() - t0) / 1000;

async function compile(k: number, dirName: string): Promise<{ r1cs: string; wasm: string; constraints: number }> {
  const dir = join(work, dirName);
  const instance = { name: `chain_${k}`, template: "SquareChain", file: "circuits/test/square_chain.circom", params: [2 ** k - 3], publicSignals: ["x0"] };
  const mainPath = join(dir, "main.circom");
  await mkdir(dir, { recursive: true });
  await writeFile(mainPath, mainSource(instance, join(root, instance.file), dir));
  const c = await compileCircuit({ mainPath, outDir: dir, libDirs: [join(root, "node_modules")], label: instance.name });
  return { r1cs: c.r1csPath, wasm: c.wasmPath, constraints: c.constraints };
}

/** One line of the result (--json writes them all): what bench/sections/setup.ts reads. */
export interface CeremonyRow {
  power: number;
  constraints: number;
  path: string;
  setupSeconds: number;
  proveSeconds?: number;
  verified?: boolean;
  phases?: Record<string, number>;
}
const rows: CeremonyRow[] = [];

try {
  for (const k of powers) {
    const c = await compile(k, `k${k}`);
    const header = await readR1cs(c.r1cs);
    if (domainPower(header) !== k) throw new Error(`SquareChain(2^${k}-3) does not fill a 2^${k} domain`);
    const t0 = performance.now();
    const keys = await devSetup({ r1csPath: c.r1cs, outDir: join(work, `k${k}`, "dev"), log: () => {} });
    const setupSeconds = secs(t0);
    const t1 = performance.now();
    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ x0: 7 }, c.wasm, keys.zkeyPath);
    const proveSeconds = secs(t1);
    const vkey = JSON.parse(await readFile(keys.vkeyPath, "utf8"));
    const verified = await snarkjs.groth16.verify(vkey, publicSignals, proof);
    rows.push({ power: k, constraints: c.constraints, path: "dev ceremony", setupSeconds, proveSeconds, verified });
    console.log(`2^${k}: ${c.constraints} constraints, dev ceremony ${setupSeconds.toFixed(1)}s, prove ${proveSeconds.toFixed(1)}s, verified ${verified}`);
  }

  if (snarkjsPower > 0) {
    const k = snarkjsPower;
    const c = await compile(k, `s${k}`);
    const d = join(work, `snarkjs${k}`);
    await mkdir(d, { recursive: true });
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    const phases: Record<string, number> = {};
    const step = async (name: string, f: () => Promise<unknown>) => {
      const t = performance.now();
      await f();
      phases[name] = secs(t);
      console.log(`snarkjs 2^${k}: ${name} ${phases[name]!.toFixed(1)}s`);
    };
    const t0 = performance.now();
    await step("powersoftau new", () => snarkjs.powersOfTau.newAccumulator(curve, k, join(d, "0.ptau")));
    await step("powersoftau contribute", () => snarkjs.powersOfTau.contribute(join(d, "0.ptau"), join(d, "1.ptau"), "bench", "entropy"));
    await step("prepare phase2", () => snarkjs.powersOfTau.preparePhase2(join(d, "1.ptau"), join(d, "final.ptau")));
    await step("zkey new + contribute", () => devSetup({ r1csPath: c.r1cs, outDir: join(d, "keys"), ptauPath: join(d, "final.ptau") }));
    rows.push({ power: k, constraints: c.constraints, path: "snarkjs powers of tau", setupSeconds: secs(t0), phases });
    const dev = rows.find((r) => r.power === k && r.path === "dev ceremony");
    if (dev) console.log(`2^${k}: snarkjs path ${secs(t0).toFixed(1)}s = ${(secs(t0) / dev.setupSeconds).toFixed(1)}x the dev ceremony`);
  }

  console.log("\n| domain | constraints | path | setup (s) | one proof (s) | verifies |\n|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(`| 2^${r.power} | ${r.constraints} | ${r.path} | ${r.setupSeconds.toFixed(1)} | ${r.proveSeconds?.toFixed(1) ?? "-"} | ${r.verified ?? "-"} |`);
  }
  if (values.json) await writeFile(values.json, JSON.stringify({ date: new Date().toISOString(), rows }, null, 1));
} finally {
  await rm(work, { recursive: true, force: true });
  await (await getCurve()).terminate();
}
