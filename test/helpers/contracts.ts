/**
 * Test helper: compile Solidity sources in memory with the npm solc Hardhat is configured with (same
 * optimizer settings), so contract tests build the current sources without writing artifacts.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { relative } from "node:path";
import type { JsonFragment } from "ethers";

const require = createRequire(import.meta.url);
const solc = require("solc") as { compile(input: string): string };

export interface CompiledContract {
  abi: JsonFragment[];
  bytecode: string;
}

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts?: Record<string, Record<string, { abi: JsonFragment[]; evm: { bytecode: { object: string } } }>>;
}

/** Compiles the given files (absolute paths, named by their path relative to `root`), by contract name. */
export async function compileSolidity(root: string, files: readonly string[]): Promise<Map<string, CompiledContract>> {
  const sources: Record<string, string> = {};
  for (const file of files) sources[relative(root, file)] = await readFile(file, "utf8");
  return compileSoliditySources(sources);
}

/** Compiles sources given as text, keyed by unit name. */
export function compileSoliditySources(texts: Record<string, string>): Map<string, CompiledContract> {
  const sources = Object.fromEntries(Object.entries(texts).map(([name, content]) => [name, { content }]));
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources,
        settings: {
          optimizer: { enabled: true, runs: 1_000_000 }, // the same as hardhat.config.ts
          viaIR: true,
          outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
        },
      }),
    ),
  ) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const contracts = new Map<string, CompiledContract>();
  for (const unit of Object.values(output.contracts ?? {})) {
    for (const [name, c] of Object.entries(unit)) contracts.set(name, { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object });
  }
  return contracts;
}
