/**
 * First-run setup per circuit: ensureBuilt into a fresh temporary build directory (compile, then
 * development-ceremony keys, then the verifier export), and the development ceremony against
 * snarkjs' own powers-of-tau path at one size in the same run (scripts/bench-ceremony.ts, run as is).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { INSTANCES, type CircuitInstance } from "../../circuits/instances.js";
import { ensureBuilt } from "../../prover/build.js";
import { runTsChild, sig, type Section, type SectionResult } from "../lib/common.js";
import { instanceFor, shapeLabel } from "../lib/shapes.js";
import type { CeremonyRow } from "../../scripts/bench-ceremony.js";

/** ensureBuilt's summary line: "<name>: compile 30.2s (59,381 constraints), keys 22.5s, verifier 0.0s". */
function parseSteps(line: string | undefined): { compileSeconds: number | null; keysSeconds: number | null; verifierSeconds: number | null } {
  const get = (re: RegExp) => {
    const m = line === undefined ? null : re.exec(line);
    return m ? Number(m[1]) : null;
  };
  return { compileSeconds: get(/compile ([\d.]+)s/), keysSeconds: get(/keys ([\d.]+)s/), verifierSeconds: get(/verifier ([\d.]+)s/) };
}


export const setupSection: Section = {
  name: "setup",
  title: "Setup",
  async run(ctx) {
    const { config, log } = ctx;
    const dir = await mkdtemp(join(tmpdir(), "solvent-bench-setup-"));
    const circuits: SectionResult[] = [];
    try {
      for (const c of config.setupCircuits) {
        let instance: CircuitInstance;
        let registry: readonly CircuitInstance[];
        if (typeof c === "string") {
          instance = INSTANCES.find((i) => i.name === c)!;
          registry = INSTANCES;
        } else {
          instance = instanceFor(c).instance;
          registry = [instance];
        }
        log(`setup: ${instance.name} from scratch`);
        const lines: string[] = [];
        const t0 = performance.now();
        const report = await ensureBuilt([instance.name], { buildDir: dir, instances: registry, contracts: false, log: (l) => lines.push(l) });
        const seconds = (performance.now() - t0) / 1000;
        const steps = parseSteps(lines.find((l) => l.startsWith(`${instance.name}: compile `)));
        circuits.push({
          circuit: instance.name,
          ...(typeof c === "string" ? {} : { shape: shapeLabel(c) }),
          constraints: report.entries[0]!.constraints,
          totalSeconds: sig(seconds),
          ...steps,
        });
        await rm(join(dir, "circuits", instance.name), { recursive: true, force: true });
        await rm(join(dir, "keys", instance.name), { recursive: true, force: true });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    const k = config.ceremonyPower;
    log(`setup: ceremony at 2^${k}, development against snarkjs (scripts/bench-ceremony.ts)`);
    const jdir = await mkdtemp(join(tmpdir(), "solvent-bench-ceremony-"));
    let ceremony: SectionResult;
    try {
      const json = join(jdir, "ceremony.json");
      await runTsChild("scripts/bench-ceremony.ts", ["--powers", String(k), "--snarkjs", String(k), "--json", json]);
      const rows = (JSON.parse(await readFile(json, "utf8")) as { rows: CeremonyRow[] }).rows;
      const dev = rows.find((r) => r.path === "dev ceremony");
      const snark = rows.find((r) => r.path !== "dev ceremony");
      if (!dev || !snark) throw new Error("bench-ceremony.ts wrote no dev/snarkjs pair");
      ceremony = {
        power: k,
        constraints: dev.constraints,
        devSeconds: sig(dev.setupSeconds),
        snarkjsSeconds: sig(snark.setupSeconds),
        snarkjsPhases: snark.phases ?? {},
        ratio: sig(snark.setupSeconds / dev.setupSeconds, 3),
        devProofVerified: dev.verified ?? null,
      };
    } finally {
      await rm(jdir, { recursive: true, force: true });
    }
    return {
      circuits,
      ...(config.quick ? { circuitsNotBuilt: { skipped: "quick mode builds square_chain_1k only from scratch (margin_test takes ~50 s)" } } : {}),
      ceremony,
    };
  },
};
