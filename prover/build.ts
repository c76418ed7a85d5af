/**
 * The circuit build pipeline behind `npm run setup`: for every registered instance, compile the
 * circuit, make development keys, export a Solidity verifier, then compile the contracts with
 * Hardhat. Content-addressed (see buildCache.ts): an instance whose inputs did not change is not
 * touched, and an interrupted build is detected and redone.
 *
 * Layout under the build directory:
 *   circuits/<name>/{main.circom, circuit.r1cs, circuit_js/circuit.wasm, circuit.sym}
 *   keys/<name>/{circuit.zkey, verification_key.json}
 *   contracts/<Pascal>Verifier.sol
 *   manifest.json
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { INSTANCES, type CircuitInstance } from "../circuits/instances.js";
import { devSetup } from "./ceremony/index.js";
import {
  ARTEFACTS,
  BUILD_FORMAT,
  acquireBuildLock,
  artefactSizes,
  circuitSources,
  cleanStaleTemps,
  instanceHash,
  readManifest,
  replacePath,
  sha256,
  sourceDirDigest,
  staleReason,
  tempPath,
  writeFileAtomic,
  writeManifestEntry,
  type ArtefactPaths,
  type ManifestEntry,
} from "./buildCache.js";
import { VERIFIER_GENERATOR_VERSION, generateVerifierFromZkey } from "./verifierGen.js";
import { CIRCOM_PACKAGE_VERSION, CIRCOM_VERSION, compileCircuit, mainSource, run } from "./circom.js";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const DEFAULT_BUILD_DIR = join(REPO_ROOT, "build");
const CEREMONY_DIR = join(REPO_ROOT, "prover", "ceremony");
const require = createRequire(import.meta.url);

/** Root of an installed package: walk up from the file it resolves to (some packages export
 * neither package.json nor their templates, so `require.resolve` cannot reach them directly). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the package directory of ${name}`);
    dir = up;
  }
}

async function packageVersion(name: string): Promise<string> {
  return (JSON.parse(await readFile(join(packageDir(name), "package.json"), "utf8")) as { version: string }).version;
}

/** The compiler Hardhat uses is the npm `solc` package (hardhat.config.ts points at it), so its
 * version is the one generated verifiers pin. */
export async function solcVersion(): Promise<string> {
  return packageVersion("solc");
}

export interface BuildOptions {
  /** Where artefacts go. Default: `<repo>/build`. Tests pass a temporary directory. */
  buildDir?: string;
  /** The registry to build from. Default: `circuits/instances.ts`. */
  instances?: readonly CircuitInstance[];
  /** Resolves each instance's `file`. Default: the repository root. */
  rootDir?: string;
  /** `-l` include directories. Default: the repository's node_modules. */
  libDirs?: readonly string[];
  /** A real powers-of-tau file instead of the insecure development ceremony. */
  ptauPath?: string;
  /** Compile the verifiers with Hardhat afterwards. Hardhat only reads `<repo>/build/contracts`,
   * so the default is true exactly when building there. */
  contracts?: boolean;
  /** Rebuild even what is up to date. */
  force?: boolean;
  log?: (line: string) => void;
}

/** A built instance, with absolute paths. */
export interface BuiltInstance {
  name: string;
  hash: string;
  constraints: number;
  contract: string;
  paths: ArtefactPaths;
}

export interface BuildReport {
  /** In registry order, one per requested instance. */
  entries: BuiltInstance[];
  /** Instances this call rebuilt; empty when everything was up to date. */
  rebuilt: string[];
  contractsCompiled: boolean;
}

const NAME = /^[a-z][a-z0-9_]*$/;

export function pascalCase(name: string): string {
  return name
    .split("_")
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("");
}

export function verifierContractName(name: string): string {
  return `${pascalCase(name)}Verifier`;
}

function checkRegistry(registry: readonly CircuitInstance[]): void {
  const contracts = new Map<string, string>();
  for (const inst of registry) {
    if (!NAME.test(inst.name)) throw new Error(`circuit instance name "${inst.name}" must be lower snake case`);
    const contract = verifierContractName(inst.name);
    const clash = contracts.get(contract);
    if (clash !== undefined) throw new Error(`circuit instances "${clash}" and "${inst.name}" share the name ${contract}`);
    contracts.set(contract, inst.name);
  }
}

function select(registry: readonly CircuitInstance[], names: readonly string[] | undefined): CircuitInstance[] {
  if (names === undefined || names.length === 0) return [...registry];
  const unknown = names.filter((n) => !registry.some((i) => i.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown circuit instance(s): ${unknown.join(", ")} (known: ${registry.map((i) => i.name).join(", ")})`);
  }
  return registry.filter((i) => names.includes(i.name));
}

function seconds(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)}s`;
}

export async function ensureBuilt(names?: readonly string[], opts: BuildOptions = {}): Promise<BuildReport> {
  const buildDir = resolve(opts.buildDir ?? DEFAULT_BUILD_DIR);
  const rootDir = resolve(opts.rootDir ?? REPO_ROOT);
  const libDirs = opts.libDirs ?? [join(REPO_ROOT, "node_modules")];
  const registry = opts.instances ?? INSTANCES;
  const log = opts.log ?? ((line: string) => console.log(`[setup] ${line}`));
  checkRegistry(registry);
  const selected = select(registry, names);

  await mkdir(buildDir, { recursive: true });
  const release = await acquireBuildLock(buildDir, (pid) => log(`waiting for the build running in process ${pid}`));
  try {
    return await buildLocked(selected, { ...opts, buildDir, rootDir, libDirs, log });
  } finally {
    await release();
  }
}

type LockedOptions = BuildOptions & Required<Pick<BuildOptions, "buildDir" | "rootDir" | "libDirs" | "log">>;

async function buildLocked(selected: readonly CircuitInstance[], opts: LockedOptions): Promise<BuildReport> {
  const { buildDir, rootDir, libDirs, log } = opts;
  const cleaned = await cleanStaleTemps(buildDir);
  if (cleaned.length > 0) log(`removed leftovers of an interrupted build: ${cleaned.join(", ")}`);

  const tools = {
    format: String(BUILD_FORMAT),
    circom: CIRCOM_VERSION,
    circom2: CIRCOM_PACKAGE_VERSION,
    snarkjs: await packageVersion("snarkjs"),
    solc: await solcVersion(),
    verifier: VERIFIER_GENERATOR_VERSION,
  };
  const ceremonyDigest = await sourceDirDigest(CEREMONY_DIR);
  const ptau = opts.ptauPath === undefined ? undefined : await ptauIdentity(opts.ptauPath);
  const manifest = await readManifest(buildDir);
  // The ceremony repeats itself per instance (its insecurity banner, for one): say things once.
  const said = new Set<string>();
  const ceremonyLog = (name: string) => (msg: string) => {
    for (const line of msg.split("\n")) {
      if (said.has(line)) continue;
      said.add(line);
      log(`${name}: ${line}`);
    }
  };

  const entries: BuiltInstance[] = [];
  const rebuilt: string[] = [];
  for (const instance of selected) {
    const templateFile = resolve(rootDir, instance.file);
    const sources = await circuitSources(templateFile, libDirs);
    const hash = instanceHash({ instance, sources, tools, ceremonyDigest, ptau });
    const cached = manifest.instances[instance.name];
    const reason = opts.force ? "forced" : await staleReason(buildDir, cached, hash);
    if (cached !== undefined && reason === null) {
      entries.push(absolute(buildDir, instance.name, cached));
      continue;
    }
    if (cached !== undefined) log(`${instance.name}: rebuilding (${reason})`);
    const built = await buildInstance({
      instance,
      templateFile,
      hash,
      buildDir,
      libDirs,
      ptauPath: opts.ptauPath,
      log,
      ceremonyLog: ceremonyLog(instance.name),
    });
    entries.push(absolute(buildDir, instance.name, built));
    rebuilt.push(instance.name);
  }
  if (rebuilt.length === 0) log(`${selected.map((i) => i.name).join(", ") || "no circuits"}: up to date`);

  const contracts = opts.contracts ?? buildDir === DEFAULT_BUILD_DIR;
  const contractsCompiled = contracts ? await ensureContracts(buildDir, entries, log) : false;
  return { entries, rebuilt, contractsCompiled };
}

function absolute(buildDir: string, name: string, entry: ManifestEntry): BuiltInstance {
  const paths = {} as ArtefactPaths;
  for (const a of ARTEFACTS) paths[a] = join(buildDir, entry.paths[a]);
  return { name, hash: entry.hash, constraints: entry.constraints, contract: entry.contract, paths };
}

/** A production ptau is gigabytes: identify it by path, size and mtime rather than by content. */
async function ptauIdentity(ptauPath: string): Promise<string> {
  const abs = resolve(ptauPath);
  const st = await stat(abs).catch(() => {
    throw new Error(`powers-of-tau file not found: ${abs}`);
  });
  return `${abs}:${st.size}:${st.mtimeMs}`;
}

interface InstanceJob {
  instance: CircuitInstance;
  templateFile: string;
  hash: string;
  buildDir: string;
  libDirs: readonly string[];
  ptauPath: string | undefined;
  log: (line: string) => void;
  ceremonyLog: (msg: string) => void;
}

async function buildInstance(job: InstanceJob): Promise<ManifestEntry> {
  const { instance, buildDir } = job;
  const name = instance.name;
  const contract = verifierContractName(name);
  // Each temp subdirectory sits two levels below buildDir, like its destination
  // (circuits/<name>), so main.circom's relative include stays valid after the move.
  const tmp = tempPath(buildDir, name);
  const tmpCircuit = join(tmp, "circuit");
  const tmpKeys = join(tmp, "keys");
  const tmpSol = join(tmp, "contract", `${contract}.sol`);
  await rm(tmp, { recursive: true, force: true });
  try {
    await mkdir(tmpCircuit, { recursive: true });
    await mkdir(dirname(tmpSol), { recursive: true });
    const mainPath = join(tmpCircuit, "main.circom");
    await writeFile(mainPath, mainSource(instance, job.templateFile, tmpCircuit));

    let t0 = performance.now();
    const compiled = await compileCircuit({ mainPath, outDir: tmpCircuit, libDirs: job.libDirs, label: name });
    const steps = [`compile ${seconds(t0)} (${compiled.constraints.toLocaleString("en-US")} constraints)`];

    t0 = performance.now();
    const keys = await devSetup({
      r1csPath: compiled.r1csPath,
      outDir: tmpKeys,
      ptauPath: job.ptauPath,
      log: job.ceremonyLog,
    });
    steps.push(`keys ${seconds(t0)}`);

    t0 = performance.now();
    await writeFile(tmpSol, await exportVerifier(keys.zkeyPath, contract));
    steps.push(`verifier ${seconds(t0)}`);

    // Commit. The entry goes first, so that a crash while files are being swapped leaves no
    // entry (rebuilt next time) rather than an old entry over a mix of old and new files.
    await writeManifestEntry(buildDir, name, undefined);
    const dest = {
      circuit: join(buildDir, "circuits", name),
      keys: join(buildDir, "keys", name),
      sol: join(buildDir, "contracts", `${contract}.sol`),
    };
    for (const d of Object.values(dest)) await mkdir(dirname(d), { recursive: true });
    await replacePath(tmpCircuit, dest.circuit, join(tmp, "old-circuit"));
    await replacePath(tmpKeys, dest.keys, join(tmp, "old-keys"));
    await replacePath(tmpSol, dest.sol, join(tmp, "old.sol"));

    const rel = (p: string): string => relative(buildDir, p);
    const paths: ArtefactPaths = {
      main: rel(join(dest.circuit, "main.circom")),
      r1cs: rel(join(dest.circuit, "circuit.r1cs")),
      wasm: rel(join(dest.circuit, "circuit_js", "circuit.wasm")),
      sym: rel(join(dest.circuit, "circuit.sym")),
      zkey: rel(join(dest.keys, "circuit.zkey")),
      vkey: rel(join(dest.keys, "verification_key.json")),
      verifier: rel(dest.sol),
    };
    const entry: ManifestEntry = {
      hash: job.hash,
      constraints: compiled.constraints,
      contract,
      paths,
      sizes: await artefactSizes(buildDir, paths),
    };
    await writeManifestEntry(buildDir, name, entry);
    job.log(`${name}: ${steps.join(", ")}`);
    return entry;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Our Groth16 verifier of the zkey's verification key (prover/verifierGen.ts), named `contract`
 * so that every instance has its own, and pinned to the compiler Hardhat runs. */
export async function exportVerifier(zkeyPath: string, contract: string): Promise<string> {
  return generateVerifierFromZkey(zkeyPath, contract, await solcVersion());
}

/** Where Hardhat puts the artifact of a verifier written to `<repo>/build/contracts`. */
export function verifierArtifactPath(contract: string): string {
  return join(REPO_ROOT, "artifacts", "build", "contracts", `${contract}.sol`, `${contract}.json`);
}

/** Records which verifier sources Hardhat last compiled, so that a setup interrupted between
 * writing a verifier and compiling it still compiles it next time (the old artifact exists). */
const COMPILED_STAMP = "compiled-contracts.json";

async function ensureContracts(buildDir: string, entries: readonly BuiltInstance[], log: (line: string) => void): Promise<boolean> {
  const stampPath = join(buildDir, COMPILED_STAMP);
  const stamp = (JSON.parse(await readFile(stampPath, "utf8").catch(() => "{}")) ?? {}) as Record<string, string>;
  const current: Record<string, string> = {};
  for (const e of entries) current[e.contract] = sha256(await readFile(e.paths.verifier));
  const stale = entries.filter((e) => stamp[e.contract] !== current[e.contract] || !existsSync(verifierArtifactPath(e.contract)));
  if (stale.length === 0) return false;

  const t0 = performance.now();
  // Run through our own Node binary: the bin's `#!/usr/bin/env node` could pick another one.
  const cli = realpathSync(join(REPO_ROOT, "node_modules", ".bin", "hardhat"));
  const { code, stdout, stderr } = await run(process.execPath, [cli, "build"], REPO_ROOT);
  if (code !== 0) {
    const tail = `${stdout}\n${stderr}`.trim().split("\n").slice(-5).join(" | ");
    throw new Error(`hardhat build failed: ${tail}`);
  }
  const missing = entries.find((e) => !existsSync(verifierArtifactPath(e.contract)));
  if (missing !== undefined) throw new Error(`hardhat build wrote no artifact at ${verifierArtifactPath(missing.contract)}`);
  await writeFileAtomic(stampPath, JSON.stringify({ ...stamp, ...current }, null, 2) + "\n");
  log(`contracts: hardhat build ${seconds(t0)}`);
  return true;
}
