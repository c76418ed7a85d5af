/**
 * The margin batch circuit against its TypeScript mirror on random batches: the world of
 * test/helpers/world.ts (the one the mirror's property test runs), at the circuit's test shape,
 * seeded and reproducible. Every sealed batch, funding batches included, must give a witness whose
 * public signals are exactly the mirror's; for the first batch with each operation kind the whole
 * R1CS is checked too. Witnesses only (no proving).
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { SealedBatch } from "../sequencer/core/batch/index.js";
import { OpType } from "../sequencer/core/constants.js";
import type { MarketParams } from "../sequencer/core/market.js";
import { coreKit, PARAMS, type CoreKit } from "./helpers/core.js";
import { MarginCircuit, SHAPE } from "./helpers/coreCircuit.js";
import { cachedVerifier, createWorld, fundAccounts, randomBatch, type WorldConfig } from "./helpers/world.js";

/** Seeds and random batches per seed (each seed adds 5 funding batches): about 0.3 s a batch on a
 * shared 2-core machine. */
const SEEDS = [11, 12, 13, 14];
const BATCHES_PER_SEED = 45;
/** Initial margin close to maintenance, as in the property test: moves of a few percent liquidate. */
const RANDOM_PARAMS: readonly MarketParams[] = [
  { ...PARAMS[0]!, imr: PARAMS[0]!.mmr + 15_000n },
  { ...PARAMS[1]!, imr: PARAMS[1]!.mmr + 10_000n },
];
/** 8 trading accounts and the backstop in a tree of 16; 6 tries fill most batches of 2. */
const CONFIG: WorldConfig = { shape: SHAPE, accounts: 8, params: RANDOM_PARAMS, prices: [100_000n, 5_000n], attempts: 6 };

let kit: CoreKit;
let circuit: MarginCircuit;

beforeAll(async () => {
  kit = await coreKit(4);
  circuit = await MarginCircuit.load(inject("marginTest"));
});

describe("MarginBatch circuit vs TypeScript mirror: random batches", () => {
  it(`agrees on ${SEEDS.length} seeds x ${BATCHES_PER_SEED} random batches (after the funding batches)`, async () => {
    const verifier = cachedVerifier(kit.eddsa);
    const kinds = Object.values(OpType).filter((v): v is OpType => typeof v === "number");
    /** per kind: batches containing it, operations of it */
    const batchesWith = new Map<OpType, number>(kinds.map((k) => [k, 0]));
    const opsOf = new Map<OpType, number>(kinds.map((k) => [k, 0]));
    const r1csChecked = new Set<OpType>();
    const outcomes: Record<string, number> = {};
    let batches = 0;

    const check = async (sealed: SealedBatch, where: string): Promise<void> => {
      expect(await circuit.publicSignals(sealed.inputs), where).toEqual(sealed.publicSignals);
      const present = new Set(sealed.inputs.opType.map((t) => Number(t) as OpType));
      for (const t of sealed.inputs.opType) opsOf.set(Number(t), opsOf.get(Number(t))! + 1);
      for (const k of present) batchesWith.set(k, batchesWith.get(k)! + 1);
      // The first batch with a new kind: the whole R1CS, not only the outputs.
      if ([...present].some((k) => !r1csChecked.has(k))) {
        expect(await circuit.satisfies(await circuit.memWitness(sealed.inputs)), where).toBe(true);
        present.forEach((k) => r1csChecked.add(k));
      }
      batches++;
    };

    for (const seed of SEEDS) {
      const w = createWorld(kit, verifier, CONFIG, seed);
      for (const sealed of fundAccounts(w)) await check(sealed, `seed ${seed} funding batch ${w.batches}`);
      for (let n = 0; n < BATCHES_PER_SEED; n++) await check(randomBatch(w).sealed, `seed ${seed} batch ${w.batches}`);
      for (const [k, v] of Object.entries(w.stats)) outcomes[k] = (outcomes[k] ?? 0) + v;
    }

    const table = kinds.map((k) => `${OpType[k]}: ${batchesWith.get(k)} batches, ${opsOf.get(k)} ops`);
    console.log(`random circuit batches: ${batches}\n  ${table.join("\n  ")}\n  mirror outcomes: ${JSON.stringify(outcomes)}`);
    // The run proves something only if it went through every kind, many times.
    expect(batches).toBeGreaterThanOrEqual(200);
    // No-op padding is rare here (a batch of 2 usually fills); the story pads often.
    const least: Record<OpType, number> = { [OpType.Noop]: 5, [OpType.Deposit]: 20, [OpType.Withdrawal]: 20, [OpType.Trade]: 20, [OpType.Liquidation]: 10, [OpType.Recertify]: 20 };
    for (const k of kinds) expect(batchesWith.get(k), OpType[k]).toBeGreaterThanOrEqual(least[k]);
    expect([...r1csChecked].sort()).toEqual(kinds);
  });
});
