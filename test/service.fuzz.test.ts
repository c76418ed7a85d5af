/**
 * Bad input at the API: hundreds of malformed, out-of-range, badly signed, replayed or margin-
 * breaching requests, each answered with a 4xx and a message, and none of them changing anything:
 * the sequencer's head root, its open batch, its books, its stored orders and fills are compared
 * before and after. Then a flood: the rate limiter answers 429 and the service stays up.
 *
 * The sequencer here is real (real chain, real deposits, real signatures), but its batches are
 * left open (a long seal age) -- this test is about intake, and never waits for a proof.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MARGIN_TEST_SHAPE } from "../circuits/instances.js";
import { Side } from "../sequencer/core/constants.js";
import { orderHash, signOrder, type Order } from "../sequencer/core/order.js";
import { SNARK_FIELD_SIZE } from "../sequencer/crypto/field.js";
import { SolventClient } from "../sequencer/service/client.js";
import { ApiServer } from "../sequencer/service/http/server.js";
import { Sequencer } from "../sequencer/service/sequencer.js";
import { coreKit, prng, type CoreKit } from "./helpers/core.js";
import { deployMarginRollup, fundWallet } from "./helpers/marginChain.js";

const circuit = inject("marginTest");
const SHAPE = MARGIN_TEST_SHAPE;
const USDC = 1_000_000n;
const P0 = 2_000_000n;

let kit: CoreKit;
let seq: Sequencer;
let server: ApiServer;
let api: SolventClient;
let dir: string;
const expiry = BigInt(Math.floor(Date.now() / 1000)) + 86_400n;

beforeAll(async () => {
  kit = await coreKit(3);
  const { chain, system } = await deployMarginRollup(kit.poseidon, circuit, SHAPE, [P0, 31_000n]);
  for (const role of [0, 1]) {
    const wallet = chain.signers[role + 1]!;
    await fundWallet(system, wallet, 1_000n * USDC);
    await system.client.connect(wallet).deposit(kit.keys[role]!.pub, (role === 0 ? 1_000n : 10n) * USDC);
  }
  dir = await mkdtemp(join(tmpdir(), "solvent-fuzz-"));
  seq = new Sequencer({
    client: system.client,
    circuit: { wasm: circuit.paths.wasm, zkey: circuit.paths.zkey, constraints: circuit.constraints },
    shape: SHAPE,
    poseidon: kit.poseidon,
    eddsa: kit.eddsa,
    dbPath: join(dir, "sequencer.db"),
    deployment: "fuzz",
    policy: { maxAgeMs: 3_600_000, pollMs: 100 },
  });
  await seq.start();
  server = new ApiServer(seq, { port: 0, rateLimit: 0 });
  api = new SolventClient(await server.listen(), kit.poseidon);
  while ((await api.health()).accounts < 2) await new Promise((r) => setTimeout(r, 100));
  // One resting order, so the books have something to lose.
  await api.submitOrder(kit.keys[0]!, { accountIndex: 0n, market: 0n, side: Side.Sell, size: 100n, limitPrice: P0, expiry, orderId: 1n });
}, 300_000);

afterAll(async () => {
  await server?.close();
  await seq?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const snapshot = async () => ({ fp: seq.fingerprint(), book0: await api.book(0), book1: await api.book(1) });

const valid = (o: Partial<Order> = {}): Order => ({ accountIndex: 1n, market: 0n, side: Side.Buy, size: 10n, limitPrice: P0 - 50_000n, expiry, orderId: 7n, ...o });

/** The wire form the API takes, with fields replaced by anything. */
function orderBody(order: Record<string, unknown>, sig: object, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ order, signature: sig, ...extra }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

describe("bad input changes nothing", () => {
  it("answers hundreds of malformed and hostile requests with a 4xx and a reason, and no state change", async () => {
    const before = await snapshot();
    const rng = prng(7);
    const good = valid();
    const goodSig = signOrder(kit.poseidon, kit.keys[1]!, good).sig;
    const wireOrder = { ...good, side: "buy" };
    const junk: unknown[] = [null, true, -1, 1.5, "x", "", "-5", "1e9", "0x10", [], {}, "9".repeat(90), Number.MAX_SAFE_INTEGER + 2, (SNARK_FIELD_SIZE + 1n).toString(), (-1n).toString()];
    const fields = ["accountIndex", "market", "side", "size", "limitPrice", "expiry", "orderId"];
    const requests: Array<{ method: string; path: string; body?: string; headers?: Record<string, string> }> = [];

    // Structure: not JSON, wrong content, wrong shapes.
    for (const body of ["", "{", "nul", "[]", "123", '"order"', "{\"order\":null}", "{\"order\":[]}", orderBody(wireOrder, {})]) requests.push({ method: "POST", path: "/orders", body });
    requests.push({ method: "POST", path: "/orders", body: "x".repeat(20_000) });
    requests.push({ method: "POST", path: "/orders", body: orderBody(wireOrder, goodSig), headers: { "content-type": "text/plain" } });
    // Every field replaced by every junk value.
    for (const f of fields) for (const j of junk) requests.push({ method: "POST", path: "/orders", body: orderBody({ ...wireOrder, [f]: j }, goodSig) });
    // Signature components replaced by junk, and wrong signatures in range.
    for (const c of ["R8x", "R8y", "S"]) for (const j of junk) requests.push({ method: "POST", path: "/orders", body: orderBody(wireOrder, { ...goodSig, [c]: j }) });
    for (let i = 0; i < 40; i++) {
      const c = ["R8x", "R8y", "S"][i % 3]!;
      const sig = { ...goodSig, [c]: (goodSig[c as "S"] + BigInt(1 + rng.int(1000))) % SNARK_FIELD_SIZE };
      requests.push({ method: "POST", path: "/orders", body: orderBody(wireOrder, sig) });
    }
    // Signed by someone else, or a field changed under the owner's signature.
    requests.push({ method: "POST", path: "/orders", body: orderBody(wireOrder, signOrder(kit.poseidon, kit.keys[0]!, good).sig) });
    for (const f of ["size", "limitPrice", "expiry", "orderId"] as const) requests.push({ method: "POST", path: "/orders", body: orderBody({ ...wireOrder, [f]: good[f] + 1n }, goodSig) });
    // Unknown market, unknown account (signed properly for what they say).
    for (const o of [valid({ market: 2n }), valid({ market: 200n }), valid({ accountIndex: 9n }), valid({ accountIndex: 16n }), valid({ expiry: 5n })]) {
      const k = o.accountIndex === 1n ? kit.keys[1]! : kit.keys[2]!;
      requests.push({ method: "POST", path: "/orders", body: orderBody({ ...o, side: "buy" }, signOrder(kit.poseidon, k, o).sig) });
    }
    // Replay of the accepted resting order, and a post-only that would cross, and a margin breach.
    const resting = { accountIndex: 0n, market: 0n, side: Side.Sell, size: 100n, limitPrice: P0, expiry, orderId: 1n } as Order;
    requests.push({ method: "POST", path: "/orders", body: orderBody({ ...resting, side: "sell" }, signOrder(kit.poseidon, kit.keys[0]!, resting).sig) });
    const cross = valid({ limitPrice: P0, orderId: 8n });
    requests.push({ method: "POST", path: "/orders", body: orderBody({ ...cross, side: "buy" }, signOrder(kit.poseidon, kit.keys[1]!, cross).sig, { timeInForce: "POST_ONLY" }) });
    const breach = valid({ size: 100n, limitPrice: P0, orderId: 9n }); // 10 USDC cannot carry 200 USDC at 10% initial margin
    requests.push({ method: "POST", path: "/orders", body: orderBody({ ...breach, side: "buy" }, signOrder(kit.poseidon, kit.keys[1]!, breach).sig, { type: "market" }) });
    requests.push({ method: "POST", path: "/orders", body: orderBody({ ...wireOrder }, goodSig, { type: "market", timeInForce: "GTC" }) });
    requests.push({ method: "POST", path: "/orders", body: orderBody({ ...wireOrder }, goodSig, { type: "stop" }) });
    // Withdrawals: bad fields, bad signature, more than the account holds.
    for (const j of junk) requests.push({ method: "POST", path: "/withdrawals", body: JSON.stringify({ accountIndex: 1, amount: j, l1Address: "0x" + "11".repeat(20), nonce: 0, signature: { R8x: "1", R8y: "2", S: "3" } }) });
    requests.push({ method: "POST", path: "/withdrawals", body: JSON.stringify({ accountIndex: 1, amount: 5, l1Address: "0x1234", nonce: 0, signature: { R8x: "1", R8y: "2", S: "3" } }) });
    requests.push({ method: "POST", path: "/withdrawals", body: JSON.stringify({ accountIndex: 1, amount: 5, l1Address: "0x" + "11".repeat(20), nonce: 0, signature: { R8x: "1", R8y: "2", S: "3" } }) });
    // Cancels: unknown, unsigned, signed by another key; reads: unauthenticated, wrong key.
    requests.push({ method: "DELETE", path: "/orders/0:1", body: JSON.stringify({ signature: { R8x: "1", R8y: "2", S: "3" } }) });
    requests.push({ method: "DELETE", path: "/orders/0:1", body: "{}" });
    requests.push({ method: "DELETE", path: "/orders/0:99", body: JSON.stringify({ signature: { R8x: "1", R8y: "2", S: "3" } }) });
    requests.push({ method: "DELETE", path: "/orders/zzz", body: "{}" });
    requests.push({ method: "GET", path: "/accounts/0" });
    requests.push({ method: "GET", path: "/accounts/0", headers: { "x-solvent-timestamp": "1", "x-solvent-signature": "1,2,3" } });
    requests.push({ method: "GET", path: "/accounts/-1", headers: { "x-solvent-timestamp": "1", "x-solvent-signature": "1,2,3" } });
    // Routes and methods that do not exist, and absurd query values.
    for (const path of ["/", "/order", "/orders/1:1/x", "/markets/9/book", "/markets/-1/book", "/markets/0/book?levels=-3", "/batches/abc", "/batches/99999", "/fills?limit=1e9"]) requests.push({ method: "GET", path });
    requests.push({ method: "PUT", path: "/orders" });
    requests.push({ method: "PATCH", path: "/health" });
    // Random bytes as bodies.
    for (let i = 0; i < 60; i++) requests.push({ method: "POST", path: rng.int(2) === 0 ? "/orders" : "/withdrawals", body: Buffer.from(Array.from({ length: 1 + rng.int(200) }, () => rng.int(256))).toString("latin1") });

    expect(requests.length).toBeGreaterThan(300);
    const statuses = new Map<number, number>();
    for (const r of requests) {
      const res = await api.raw(r.method, r.path, r.body, r.headers);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${r.method} ${r.path} ${r.body?.slice(0, 120)} -> ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const error = (res.body as { error?: { code?: string; message?: string } }).error;
      expect(error?.code).toBeTruthy();
      expect(error?.message).toBeTruthy();
    }
    expect(await snapshot()).toEqual(before);
    // The refusals name their reason: a sample.
    expect([400, 401, 404, 405, 409, 413, 415, 422].filter((code) => !statuses.has(code))).toEqual([]);
    // And the service still takes a good order.
    expect((await api.submitOrder(kit.keys[1]!, good)).status).toBe("open");
    expect(orderHash(kit.poseidon, good)).toBeTypeOf("bigint");
  });

  it("answers a flood with 429 and stays up", async () => {
    const limited = new ApiServer(seq, { port: 0, rateLimit: 50 });
    const floodApi = new SolventClient(await limited.listen(), kit.poseidon);
    const before = await snapshot();
    const results = await Promise.all(Array.from({ length: 400 }, () => floodApi.raw("GET", "/health")));
    const limitedCount = results.filter((r) => r.status === 429).length;
    expect(limitedCount).toBeGreaterThan(200);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
    await limited.close();
    expect((await api.health()).status).toBe("ok");
  });
});
