/**
 * Sequencer throughput and latency: orders matched per second (bench/matching.ts' flow, without
 * signatures, and the same flow with each order's signature checked first), signature
 * verifications and Poseidon hashes per second (bench/crypto.ts), and oracle-to-liquidation latency
 * over 10k and 100k accounts (bench/lib/liquidation.ts), and orders per second through the whole
 * service, HTTP API to SQLite commit (bench/lib/apiThroughput.ts).
 */
import { createHash } from "node:crypto";
import { Side } from "../../sequencer/core/constants.js";
import { orderHash, signOrder, type SignedOrder } from "../../sequencer/core/order.js";
import { getEddsa, type PublicKey } from "../../sequencer/crypto/babyjub.js";
import { getPoseidon } from "../../sequencer/crypto/poseidon.js";
import { median, runTsChild, sig, skipped, type Section, type SectionResult } from "../lib/common.js";
import { MatchingEngine } from "../../sequencer/engine/index.js";
import { benchMatching, generateFlow } from "../matching.js";
import { cryptoResult } from "../lib/external.js";
import { liquidationLatency } from "../lib/liquidation.js";

/** The matching flow with a signature check before every submit: Poseidon(8) order hash and
 * EdDSA verification (what the batch builder checks), over 16 keys signing round-robin. */
async function matchingWithSignatures(orders: number, repeats: number): Promise<{ ordersPerSec: number; submits: number; medianMs: number }> {
  const poseidon = await getPoseidon();
  const eddsa = await getEddsa();
  const pool: { pub: PublicKey; signed: SignedOrder }[] = [];
  for (let k = 0; k < 16; k++) {
    const key = eddsa.keyPair(createHash("sha256").update(`bench matching key ${k}`).digest());
    for (let j = 0; j < 4; j++) {
      const order = { accountIndex: BigInt(k + 1), market: 0n, side: j % 2 === 0 ? Side.Buy : Side.Sell, size: BigInt(10 + j), limitPrice: 100_000n + BigInt(j), expiry: 10n ** 9n, orderId: BigInt(j + 1) };
      pool.push({ pub: key.pub, signed: signOrder(poseidon, key, order) });
    }
  }
  const flow = generateFlow(orders, 1);
  const submits = flow.filter((o) => o.kind === "submit").length;
  const runOnce = (): number => {
    const engine = new MatchingEngine({ markets: 2 });
    const t0 = performance.now();
    let i = 0;
    for (const op of flow) {
      if (op.kind === "submit") {
        const p = pool[(i++ * 5) % pool.length]!;
        if (!eddsa.verify(p.pub, orderHash(poseidon, p.signed.order), p.signed.sig)) throw new Error("signature refused");
        engine.submit(op.order, undefined, op.opts);
      } else engine.cancel(op.id);
    }
    return performance.now() - t0;
  };
  runOnce(); // warm-up
  const ms = median(Array.from({ length: repeats }, runOnce));
  return { ordersPerSec: submits / (ms / 1000), submits, medianMs: ms };
}

export const sequencerSection: Section = {
  name: "sequencer",
  title: "Sequencer",
  async run(ctx) {
    const { config, log } = ctx;
    const out: SectionResult = {};

    log("sequencer: matching");
    try {
      const plain = benchMatching({ orders: config.matchingOrders, repeats: config.matchingRepeats });
      const signed = await matchingWithSignatures(config.signedOrders, config.matchingRepeats);
      out.matching = {
        source: "bench/matching.ts flow (2 markets, 1,000 accounts, limits, post-only, IOC and market takers, cancels)",
        withoutSignatures: { ordersPerSec: sig(plain.ordersPerSec), opsPerSec: sig(plain.opsPerSec), fillsPerSec: sig(plain.fillsPerSec), ops: plain.ops, repeats: plain.repeats },
        withSignatures: { ordersPerSec: sig(signed.ordersPerSec), submits: signed.submits, note: "each submit first hashes an order (Poseidon(8)) and verifies its EdDSA signature" },
        signatureCostRatio: sig(plain.ordersPerSec / signed.ordersPerSec, 3),
      };
    } catch (err) {
      out.matching = skipped(`matching benchmark unavailable: ${(err as Error).message.split("\n")[0]}`);
    }

    log("sequencer: crypto (bench/crypto.ts)");
    const c = await cryptoResult(config);
    out.crypto = c.ok
      ? {
          poseidon2PerSec: sig(c.value.poseidon2PerSec),
          poseidon5PerSec: sig(c.value.poseidon5PerSec),
          poseidon8PerSec: sig(c.value.poseidon8PerSec),
          eddsaVerifyPerSec: sig(c.value.eddsaVerifyPerSec),
          eddsaVerifyColdPerSec: sig(c.value.eddsaVerifyColdPerSec),
          note: "one core, in-process; EdDSA over 16 keys signing round-robin (cold: every key new)",
        }
      : skipped(`crypto benchmark unavailable: ${c.reason}`);

    log("sequencer: orders per second through the HTTP API (bench/lib/apiThroughput.ts)");
    try {
      const out0 = await runTsChild("bench/lib/apiThroughput.ts", ["--orders", String(config.quick ? 150 : 600), "--concurrency", "8"]);
      out.api = JSON.parse(out0.trim().split("\n").pop()!) as SectionResult;
    } catch (err) {
      out.api = skipped(`API throughput run failed: ${(err as Error).message.split("\n")[0]}`);
    }

    const latency: SectionResult[] = [];
    for (const n of config.latencyAccounts) {
      latency.push({ ...(await liquidationLatency({ accounts: n, repeats: config.latencyRepeats, incrementalSample: config.quick ? 200 : 500, log })) });
    }
    out.liquidationLatency = latency;
    if (!config.latencyAccounts.includes(100_000)) {
      out.liquidationLatencyNotMeasured = skipped(`${config.quick ? "quick mode: " : ""}100,000 accounts not measured (measured: ${config.latencyAccounts.map((n) => n.toLocaleString("en-US")).join(", ")})`);
    }
    return out;
  },
};
