/**
 * What makes the circuit build incremental and crash-safe: content hashes of an instance's inputs,
 * the manifest that records what was built from which hash, and the temp-then-rename discipline.
 *
 * The invariant: a manifest entry exists only for artefacts that were completely written from the
 * inputs its hash names. Entries are removed before artefacts are replaced and written after, so an
 * interrupted build leaves either the old entry over the old files or no entry at all.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { link, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { CircuitInstance } from "../circuits/instances.js";

/** Bump when the build changes what it writes, so that existing builds are redone. */
export const BUILD_FORMAT = 1;

export const ARTEFACTS = ["main", "r1cs", "wasm", "sym", "zkey", "vkey", "verifier"] as const;
export type Artefact = (typeof ARTEFACTS)[number];
export type ArtefactPaths = Record<Artefact, string>;

export interface ManifestEntry {
  hash: string;
  constraints: number;
  /** Solidity contract name of the exported verifier. */
  contract: string;
  /** Relative to the build directory, so that the directory can be moved. */
  paths: ArtefactPaths;
  /** Byte sizes, to catch a file replaced or truncated behind the build's back. */
  sizes: Record<Artefact, number>;
}

export interface Manifest {
  format: number;
  instances: Record<string, ManifestEntry>;
}

export const MANIFEST_FILE = "manifest.json";
const TMP_PREFIX = ".tmp-";

// ---------------------------------------------------------------------------------------------
// Hashing

export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");
}

/** Resolves an include the way circom does: next to the including file, then each `-l` dir. */
export function resolveInclude(spec: string, fromFile: string, libDirs: readonly string[]): string {
  const candidates = isAbsolute(spec) ? [spec] : [resolve(dirname(fromFile), spec), ...libDirs.map((l) => resolve(l, spec))];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) throw new Error(`${fromFile}: cannot resolve include "${spec}"`);
  return found;
}

/** Every .circom file `entry` transitively includes (itself first), depth first, each once. */
export async function circuitSources(entry: string, libDirs: readonly string[]): Promise<Array<{ file: string; text: string }>> {
  const seen = new Set<string>();
  const out: Array<{ file: string; text: string }> = [];
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      throw new Error(`cannot read circuit source ${file}`);
    }
    out.push({ file, text });
    for (const m of stripComments(text).matchAll(/\binclude\s+"([^"]+)"\s*;/g)) {
      await visit(resolveInclude(m[1]!, file, libDirs));
    }
  };
  await visit(resolve(entry));
  return out;
}

/** Digest of every `.ts` file in `dir` (the ceremony code, whose output the keys are). */
export async function sourceDirDigest(dir: string): Promise<string> {
  const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith(".ts")).sort() : [];
  const h = createHash("sha256");
  for (const f of files) h.update(f).update("\0").update(sha256(await readFile(join(dir, f)))).update("\0");
  return h.digest("hex");
}

export interface HashInputs {
  instance: CircuitInstance;
  /** Contents of the template file and everything it includes, from `circuitSources`. */
  sources: ReadonlyArray<{ text: string }>;
  /** Versions of the compiler, snarkjs, solc and the build format; a change rebuilds. */
  tools: Record<string, string>;
  ceremonyDigest: string;
  /** Identifies the powers-of-tau file when a real one is used. */
  ptau?: string;
}

/** File paths are left out on purpose: moving the repository must not force a rebuild. */
export function instanceHash(inputs: HashInputs): string {
  const { name, template, params, publicSignals } = inputs.instance;
  return sha256(
    JSON.stringify({
      instance: { name, template, params, publicSignals: publicSignals ?? [] },
      sources: inputs.sources.map((s) => sha256(s.text)),
      tools: Object.fromEntries(Object.entries(inputs.tools).sort()),
      ceremony: inputs.ceremonyDigest,
      ptau: inputs.ptau ?? null,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Manifest

function isEntry(v: unknown): v is ManifestEntry {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Partial<ManifestEntry>;
  return (
    typeof e.hash === "string" &&
    typeof e.constraints === "number" &&
    typeof e.contract === "string" &&
    ARTEFACTS.every((a) => typeof e.paths?.[a] === "string" && typeof e.sizes?.[a] === "number")
  );
}

/** A missing, unreadable or foreign manifest is an empty one: everything gets rebuilt. */
export async function readManifest(buildDir: string): Promise<Manifest> {
  const empty: Manifest = { format: BUILD_FORMAT, instances: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(buildDir, MANIFEST_FILE), "utf8"));
  } catch {
    return empty;
  }
  const m = parsed as Partial<Manifest>;
  if (m.format !== BUILD_FORMAT || typeof m.instances !== "object" || m.instances === null) return empty;
  const instances: Record<string, ManifestEntry> = {};
  for (const [name, entry] of Object.entries(m.instances)) if (isEntry(entry)) instances[name] = entry;
  return { format: BUILD_FORMAT, instances };
}

/** Sets (or with `undefined`, removes) one entry. Re-reads first so that entries written by a
 * concurrent build of another instance survive. */
export async function writeManifestEntry(buildDir: string, name: string, entry: ManifestEntry | undefined): Promise<void> {
  const manifest = await readManifest(buildDir);
  if (entry === undefined) {
    if (!(name in manifest.instances)) return;
    delete manifest.instances[name];
  } else {
    manifest.instances[name] = entry;
  }
  await writeFileAtomic(join(buildDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
}

/** Why an entry cannot be trusted for `hash`, or null when it can. */
export async function staleReason(buildDir: string, entry: ManifestEntry | undefined, hash: string): Promise<string | null> {
  if (entry === undefined) return "not built";
  if (entry.hash !== hash) return "inputs changed";
  for (const a of ARTEFACTS) {
    let size: number;
    try {
      size = (await stat(join(buildDir, entry.paths[a]))).size;
    } catch {
      return `${a} missing`;
    }
    if (size !== entry.sizes[a]) return `${a} changed on disk`;
  }
  return null;
}

export async function artefactSizes(buildDir: string, paths: ArtefactPaths): Promise<Record<Artefact, number>> {
  const sizes = {} as Record<Artefact, number>;
  for (const a of ARTEFACTS) sizes[a] = (await stat(join(buildDir, paths[a]))).size;
  return sizes;
}

// ---------------------------------------------------------------------------------------------
// Temporary files

/** A temp path next to `buildDir`'s artefacts, tagged with our pid so that stale ones are known. */
export function tempPath(buildDir: string, label: string): string {
  return join(buildDir, `${TMP_PREFIX}${label}-${process.pid}`);
}

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = `${dirname(path)}/${TMP_PREFIX}${path.slice(dirname(path).length + 1)}-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes temp files and dirs left by builds that died. Ones of a live concurrent build stay. */
export async function cleanStaleTemps(buildDir: string): Promise<string[]> {
  if (!existsSync(buildDir)) return [];
  const removed: string[] = [];
  for (const name of await readdir(buildDir)) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const pid = Number(/-(\d+)$/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) continue;
    await rm(join(buildDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

const LOCK_FILE = ".lock";

/**
 * Serialises builds sharing a build directory (two engineers running setup in one checkout):
 * otherwise both could swap in artefacts of the same instance and leave a verifier from one run
 * next to keys from the other. A lock whose holder died is taken over. Returns the release.
 */
export async function acquireBuildLock(buildDir: string, onWait: (holder: number) => void): Promise<() => Promise<void>> {
  const lock = join(buildDir, LOCK_FILE);
  // link() publishes the file with its content in one step, so a reader never sees it empty.
  const mine = tempPath(buildDir, "lock");
  await writeFile(mine, String(process.pid));
  let warned = false;
  try {
    for (;;) {
      try {
        await link(mine, lock);
        return () => rm(lock, { force: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const holder = Number(await readFile(lock, "utf8").catch(() => "0"));
      if (!(Number.isInteger(holder) && holder > 0 && processAlive(holder))) {
        await rm(lock, { force: true });
        continue;
      }
      if (!warned) onWait(holder);
      warned = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await rm(mine, { force: true });
  }
}

/** Moves `src` to `dst`, parking whatever `dst` held at `trash` (renaming a directory onto a
 * non-empty one fails). */
export async function replacePath(src: string, dst: string, trash: string): Promise<void> {
  if (existsSync(dst)) await rename(dst, trash);
  await rename(src, dst);
}
