/**
 * Constraint report of the margin batch circuit: per tree level, per operation slot (with the parts
 * each operation kind uses), per batch. Each part is a template compiled on its own (--O2, r1cs
 * only), so the figures are the compiler's, not estimates. The batch total is the batch overhead
 * (a one-slot batch minus one slot) plus T slots: slots are identical, and a test checks the sum
 * against a compiled batch.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { CIRCOM_CLI, CIRCOM_VERSION, CircuitCompileError, firstCircomError, readR1csHeader, run } from "./circom.js";

const REPO_ROOT = resolve(import.meta.dirname, "..");

export interface ConstraintShape {
  depth: number;
  markets: number;
  ops: number;
  slotDepth: number;
}

export interface ConstraintReport {
  shape: ConstraintShape;
  perLevel: { certOld: number; certNew: number; certUpdate: number; poseidon2Update: number; ratio: number };
  parts: Record<string, number>;
  perOperation: Record<string, { constraints: number; uses: string[] }>;
  perSlot: number;
  batchOverhead: number;
  perBatch: number;
}

/** Constraints of `template(params)` from `file` (repository-relative). */
export async function countTemplate(file: string, template: string, params: readonly number[], work: string): Promise<number> {
  const dir = await mkdtemp(join(work, "c-"));
  const main = join(dir, "main.circom");
  const include = relative(dir, join(REPO_ROOT, file)).split(sep).join("/");
  await writeFile(main, `pragma circom ${CIRCOM_VERSION};\ninclude "${include}";\ncomponent main = ${template}(${params.join(", ")});\n`);
  // circom2 (WASI) reaches only directories above its cwd: run from "/", as the build does.
  const res = await run(process.execPath, [CIRCOM_CLI, main, "--r1cs", "--O2", "-l", join(REPO_ROOT, "node_modules"), "-o", dir], "/");
  if (res.code !== 0) throw new CircuitCompileError(`${template}(${params.join(", ")}): ${firstCircomError(res.stderr || res.stdout)}`);
  const header = await readR1csHeader(join(dir, "main.r1cs"));
  await rm(dir, { recursive: true, force: true });
  return header.nConstraints;
}

export async function constraintReport(shape: ConstraintShape): Promise<ConstraintReport> {
  const { depth: D, markets: M, ops: T, slotDepth: K } = shape;
  const work = await mkdtemp(join(tmpdir(), "solvent-constraints-"));
  try {
    const count = (file: string, template: string, params: number[]) => countTemplate(file, template, params, work);
    // Sequential on purpose: the compiler is single-threaded and the machine small.
    const certOld = await count("circuits/core/tree/cert_path.circom", "CertPath", [1, M, 0]);
    const certNew = await count("circuits/core/tree/cert_path.circom", "CertPath", [1, M, 1]);
    const poseidon2 = await count("circuits/lib/merkle_path_root.circom", "MerklePathRoot", [1]);
    const accountWrite = await count("circuits/core/account/account_update.circom", "AccountUpdate", [D, M]);
    const signatures = await count("circuits/core/ops/slot_signatures.circom", "SlotSignatures", []);
    const trade = await count("circuits/core/ops/trade.circom", "Trade", [M, K]);
    const orderSlot = await count("circuits/core/ops/order_slot.circom", "OrderSlot", [K]);
    const liquidation = await count("circuits/core/ops/liquidation.circom", "Liquidation", [M]);
    const slot = await count("circuits/core/op_slot.circom", "OpSlot", [D, M, K]);
    const batch1 = await count("circuits/core/margin_batch.circom", "MarginBatch", [D, M, 1, K]);
    const parts = {
      "account write (old path + new path + leaves)": accountWrite,
      "signature pair (2 x EdDSA-Poseidon + messages)": signatures,
      "trade rules (incl. 2 order slots)": trade,
      "  of which one order slot": orderSlot,
      "liquidation arithmetic": liquidation,
      "slot glue (settlement, margin, certificates, chains)": slot - 2 * accountWrite - signatures - trade - liquidation,
    };
    const perOperation: ConstraintReport["perOperation"] = {
      deposit: { constraints: slot, uses: ["account write A", "deposit chain"] },
      withdrawal: { constraints: slot, uses: ["account write A", "signature A", "initial margin A", "withdrawal chain"] },
      trade: { constraints: slot, uses: ["account writes A, B", "signatures A, B", "trade rules", "order slots A, B", "initial margin or reduce A, B"] },
      liquidation: { constraints: slot, uses: ["account writes A, B", "signature B unless backstop", "maintenance check A", "liquidation arithmetic"] },
      recertification: { constraints: slot, uses: ["account write A", "certificate A"] },
      "no-op": { constraints: slot, uses: [] },
    };
    const certUpdate = certOld + certNew;
    const poseidon2Update = 2 * poseidon2;
    return {
      shape,
      perLevel: { certOld, certNew, certUpdate, poseidon2Update, ratio: certUpdate / poseidon2Update },
      parts,
      perOperation,
      perSlot: slot,
      batchOverhead: batch1 - slot,
      perBatch: batch1 - slot + T * slot,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function formatReport(r: ConstraintReport): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const { depth, markets, ops, slotDepth } = r.shape;
  const lines = [
    `MarginBatch(D=${depth}, M=${markets}, T=${ops}, K=${slotDepth})`,
    "",
    "per tree level",
    `  certificate tree, old path      ${n(r.perLevel.certOld)}`,
    `  certificate tree, new path      ${n(r.perLevel.certNew)}`,
    `  certificate tree, one update    ${n(r.perLevel.certUpdate)}  (${r.perLevel.ratio.toFixed(2)} x a Poseidon(2) tree update of ${n(r.perLevel.poseidon2Update)})`,
    "",
    "per operation slot (every kind costs one slot; the parts it exercises)",
    ...Object.entries(r.parts).map(([k, v]) => `  ${k.padEnd(52)} ${n(v)}`),
    // (the order-slot row is a part of the trade row, not added to the total)
    `  ${"slot total".padEnd(52)} ${n(r.perSlot)}`,
    "",
    ...Object.entries(r.perOperation).map(([k, v]) => `  ${k.padEnd(17)} ${n(v.constraints)}${v.uses.length ? `  (${v.uses.join(", ")})` : ""}`),
    "",
    "per batch",
    `  batch overhead (parameters, root opening, global health)  ${n(r.batchOverhead)}`,
    `  total: overhead + ${ops} slots                              ${n(r.perBatch)}`,
  ];
  return lines.join("\n");
}
