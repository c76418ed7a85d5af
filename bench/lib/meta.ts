/** What a result was measured on: machine, tool versions, commit, date. */
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { cpus, freemem, loadavg, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { CIRCOM_PACKAGE_VERSION, circomCompilerVersion } from "../../prover/circom.js";
import { solcVersion } from "../../prover/build.js";
import { REPO_ROOT } from "./common.js";

async function pkgVersion(name: string): Promise<string> {
  try {
    return (JSON.parse(await readFile(join(REPO_ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export interface Meta {
  date: string;
  git: { commit: string | null; subject: string | null; dirty: boolean | null; changedFiles: number | null };
  machine: { cpuModel: string; cores: number; memoryGiB: number; freeMemoryGiBAtStart: number; loadAverageAtStart: number[]; os: string };
  versions: { node: string; snarkjs: string; circom: string; circom2Package: string; solc: string; hardhat: string; circomlibjs: string };
}

export async function collectMeta(): Promise<Meta> {
  const status = git(["status", "--porcelain"]);
  const cpu = cpus();
  let circom = "unknown";
  try {
    circom = await circomCompilerVersion();
  } catch {
    /* recorded as unknown */
  }
  return {
    date: new Date().toISOString(),
    git: {
      commit: git(["rev-parse", "HEAD"]),
      subject: git(["log", "-1", "--format=%s"]),
      dirty: status === null ? null : status.length > 0,
      changedFiles: status === null ? null : status.split("\n").filter((l) => l.length > 0).length,
    },
    machine: {
      cpuModel: cpu[0]?.model.trim() ?? "unknown",
      cores: cpu.length,
      memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      freeMemoryGiBAtStart: Number((freemem() / 2 ** 30).toFixed(1)),
      loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
      os: `${platform()} ${release()}`,
    },
    versions: {
      node: process.version,
      snarkjs: await pkgVersion("snarkjs"),
      circom,
      circom2Package: CIRCOM_PACKAGE_VERSION,
      solc: await solcVersion(),
      hardhat: await pkgVersion("hardhat"),
      circomlibjs: await pkgVersion("circomlibjs"),
    },
  };
}
