/**
 * `npx solvent <command>`: the project's command line. Every failure is one line on stderr and a
 * non-zero exit code; nothing half-written is left behind (the commands write under temporary
 * names and rename).
 */
import { parseArgs } from "node:util";
import { CeremonyInputError, devSetup, INSECURE_BANNER } from "../prover/ceremony/index.js";
import { constraintReport, formatReport } from "../prover/constraints.js";
import { DEFAULT_ORDER_SLOT_DEPTH, MAX_MARKETS } from "../sequencer/core/constants.js";

const USAGE = `usage: solvent <command> [options]

commands:
  dev-setup <circuit.r1cs> --out <dir> [--ptau <file>] [--seed <text>]
      Groth16 keys for a circuit: <dir>/circuit.zkey and <dir>/verification_key.json.
      Without --ptau: a fast local ceremony whose toxic waste is known (INSECURE, development only).
      With --ptau: snarkjs' standard path from a prepared powers-of-tau file (production).
  constraints [--depth D] [--markets M] [--ops T] [--slots K] [--json]
      Constraint counts of the margin batch circuit: per tree level, per operation, per batch.
  serve --deployment <file> [--rpc URL] [--db FILE] [--instance NAME] [--port P] ...
      The sequencer service against a deployed rollup (sequencer/service/main.ts lists every option;
      docs/API.md is its HTTP API).`;

class UsageError extends Error {}

async function cmdDevSetup(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: "string" }, ptau: { type: "string" }, seed: { type: "string" }, quiet: { type: "boolean" } },
  });
  if (positionals.length !== 1) throw new UsageError("dev-setup takes exactly one .r1cs file");
  if (values.out === undefined) throw new UsageError("dev-setup needs --out <dir>");
  const log = values.quiet ? () => {} : (m: string) => (m === INSECURE_BANNER ? console.error(m) : console.log(m));
  const res = await devSetup({
    r1csPath: positionals[0]!,
    outDir: values.out,
    ...(values.ptau !== undefined ? { ptauPath: values.ptau } : {}),
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    log,
  });
  console.log(`wrote ${res.zkeyPath} and ${res.vkeyPath} (${res.constraints} constraints, ${res.seconds.toFixed(1)}s)`);
  if (res.insecure) console.error("these keys are INSECURE: development only");
}

function intOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got "${value}"`);
  return n;
}

async function cmdConstraints(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { depth: { type: "string" }, markets: { type: "string" }, ops: { type: "string" }, slots: { type: "string" }, json: { type: "boolean" } },
  });
  if (positionals.length > 0) throw new UsageError(`constraints takes no positional arguments`);
  const report = await constraintReport({
    depth: intOption(values.depth, "depth", 16, 1, 32),
    markets: intOption(values.markets, "markets", 2, 1, MAX_MARKETS),
    ops: intOption(values.ops, "ops", 8, 1, 4096),
    slotDepth: intOption(values.slots, "slots", DEFAULT_ORDER_SLOT_DEPTH, 1, 8),
  });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case "dev-setup":
      await cmdDevSetup(rest);
      return 0;
    case "constraints":
      await cmdConstraints(rest);
      return 0;
    case "serve":
      // The service reads its own options from process.argv and runs until stopped.
      process.argv = [process.argv[0]!, "serve", ...rest];
      await import("../sequencer/service/main.js");
      return new Promise<number>(() => {});
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

let code: number;
try {
  code = await main();
} catch (err) {
  // Input problems get their message only; anything else is a bug and keeps its stack.
  if (err instanceof UsageError || err instanceof CeremonyInputError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`solvent: ${(err as Error).message}`);
    code = 2;
  } else {
    console.error(err);
    code = 1;
  }
}
// snarkjs' worker threads keep the process alive until the shared curve is terminated.
const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null }).curve_bn128;
if (curve) await curve.terminate();
process.exit(code);
