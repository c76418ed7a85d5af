/**
 * The builder's input object against the specification text itself: the signal names of
 * docs/CORE_SPEC.md §8-9 are exactly MarginBatchInputs' keys, with the dimensions the spec gives.
 */
import { readFile } from "node:fs/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { MARGIN_BATCH_INPUT_NAMES } from "../sequencer/core/batch/index.js";
import { publicSignalNames } from "../sequencer/core/constants.js";
import { coreKit, deposit, genesis, runBatch, SHAPE, type CoreKit } from "./helpers/core.js";

let kit: CoreKit;
let section9: string;

beforeAll(async () => {
  kit = await coreKit(2);
  const spec = await readFile(new URL("../docs/CORE_SPEC.md", import.meta.url), "utf8");
  const start = spec.indexOf("## 9.");
  expect(start).toBeGreaterThan(0);
  section9 = spec.slice(start);
});

/** `name` or `name[A][B]...` in backticks: the signals the section declares. */
function declared(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of text.matchAll(/`([A-Za-z]\w*)((?:\[\w+\])*)`/g)) {
    const dims = [...m[2]!.matchAll(/\[(\w+)\]/g)].map((d) => d[1]!);
    if (!out.has(m[1]!) || dims.length > 0) out.set(m[1]!, dims);
  }
  return out;
}

function shapeOf(v: unknown): number[] {
  return Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : [];
}

describe("MarginBatchInputs against CORE_SPEC §8-9", () => {
  it("has exactly the spec's signal names", () => {
    const fromSpec = new Set([...declared(section9).keys()].filter((n) => !["MarginBatch"].includes(n)));
    for (const name of publicSignalNames(SHAPE.markets)) fromSpec.add(name.replace(/\[\d+\]$/, ""));
    expect([...fromSpec].sort()).toEqual([...MARGIN_BATCH_INPUT_NAMES].sort());
  });

  it("has the dimensions the spec writes next to each name", () => {
    const sealed = runBatch(kit, genesis(kit), [deposit(kit, 1n, 1, 10n)]);
    const values = sealed.inputs as unknown as Record<string, unknown>;
    const size: Record<string, number> = { T: SHAPE.opsPerBatch, M: SHAPE.markets, D: SHAPE.depth, K: SHAPE.slotDepth };
    let checked = 0;
    for (const [name, dims] of declared(section9)) {
      if (dims.length === 0 || !(name in values)) continue;
      expect([name, shapeOf(values[name])]).toEqual([name, dims.map((d) => size[d] ?? Number(d))]);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    // Names the spec lists without dimensions: per-slot order and signature fields are [T][2].
    for (const name of ["orderMarket", "orderSide", "orderSize", "orderLimit", "orderExpiry", "orderId"]) {
      expect(shapeOf(values[name])).toEqual([SHAPE.opsPerBatch, 2]);
    }
  });
});
