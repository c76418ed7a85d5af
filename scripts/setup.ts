/**
 * `npm run setup [-- [instance...] [--ptau <file>] [--force]]`
 *
 * Builds every registered circuit instance (or the ones named): circuit, keys, Solidity verifier,
 * then the Hardhat artifacts. Only what changed is rebuilt. Without --ptau the keys come from the
 * insecure development ceremony.
 */
import { parseArgs } from "node:util";
import { ensureBuilt } from "../prover/build.js";

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ptau: { type: "string" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log("usage: npm run setup -- [instance...] [--ptau <powers-of-tau file>] [--force]");
    return 0;
  }
  const t0 = performance.now();
  const report = await ensureBuilt(positionals, { ptauPath: values.ptau, force: values.force });
  const total = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`[setup] done in ${total}s (${report.rebuilt.length} of ${report.entries.length} instance(s) rebuilt)`);
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`[setup] error: ${err instanceof Error ? err.message : String(err)}`);
}
// snarkjs' curve keeps worker threads alive; the process would not exit without this.
await (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128?.terminate();
process.exit(code);
