/**
 * The margin core's constants live in sequencer/core/constants.ts; the circuits repeat them as
 * literals (circuits/core/constants.circom). This compiles the circuit's values out and compares.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { compileCircuit, mainSource } from "../prover/circom.js";
import { shutdownProver } from "../prover/prove.js";
import * as C from "../sequencer/core/constants.js";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import { getPoseidon } from "../sequencer/crypto/poseidon.js";
import { computeWitness, witnessValues } from "./helpers/witness.js";

const ROOT = resolve(import.meta.dirname, "..");
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "solvent-core-constants-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await shutdownProver();
});

const field = (x: bigint) => ((x % SNARK_FIELD_SIZE) + SNARK_FIELD_SIZE) % SNARK_FIELD_SIZE;

it.each([1, 3, 8])("circuit constants equal the TypeScript ones (order-slot depth %i)", async (k) => {
  const instance = { name: `constants_${k}`, template: "CoreConstants", file: "circuits/test/core_constants.circom", params: [k] };
  const dir = join(work, `k${k}`);
  await mkdir(dir, { recursive: true });
  const mainPath = join(dir, "main.circom");
  await writeFile(mainPath, mainSource(instance, join(ROOT, instance.file), dir));
  const compiled = await compileCircuit({ mainPath, outDir: dir, libDirs: [join(ROOT, "node_modules")], label: instance.name });
  const values = await witnessValues(await computeWitness(compiled.wasmPath, { unused: 0n }));
  const poseidon = await getPoseidon();
  let emptyOrders = poseidon([0n, 0n]);
  for (let i = 0; i < k; i++) emptyOrders = poseidon([emptyOrders, emptyOrders]);
  const expected = [
    C.RATIO,
    C.COLLATERAL_BITS,
    C.AMOUNT_BITS,
    C.SIZE_BITS,
    C.PRICE_BITS,
    C.FUNDING_BITS,
    C.RATIO_BITS,
    C.CERT_BITS,
    C.HEALTH_BITS,
    C.NONCE_BITS,
    C.ORDER_ID_BITS,
    C.TIME_BITS,
    C.FUND_BITS,
    C.NO_FLOOR,
    C.NO_CEIL,
    C.TAG_ORDER,
    C.TAG_WITHDRAW,
    C.TAG_LIQUIDATE,
    emptyOrders,
  ].map((v) => field(BigInt(v)));
  // Witness layout: signal 0 is the constant 1, then the outputs in declaration order.
  expect(values.slice(1, 1 + expected.length)).toEqual(expected);
});
