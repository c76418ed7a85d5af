/**
 * Shared fixtures of the margin-core tests: a small seeded PRNG, deterministic keys, market
 * parameters, and a builder factory with a deterministic salt source.
 */
import { createHash } from "node:crypto";
import { derivePublicKey, getEddsa, type EdDSA, type KeyPair, type PublicKey } from "../../sequencer/crypto/babyjub.js";
import { getPoseidon, type Poseidon } from "../../sequencer/crypto/poseidon.js";
import { Account } from "../../sequencer/core/account.js";
import { sentinelAggregates, type Aggregates } from "../../sequencer/core/aggregates.js";
import {
  BatchBuilder,
  type BatchContext,
  type CircuitShape,
  type MarginBatchInputs,
  type Op,
  type SealedBatch,
} from "../../sequencer/core/batch/index.js";
import { certNodeHash, certRootFromWitness, type CertNode } from "../../sequencer/core/certTree.js";
import { DEFAULT_ORDER_SLOT_DEPTH, OpType, RATIO } from "../../sequencer/core/constants.js";
import { signOrder, type Order, type SignedOrder } from "../../sequencer/core/order.js";
import { marketContexts, type MarketContext, type MarketParams } from "../../sequencer/core/market.js";
import { CoreState } from "../../sequencer/core/state.js";

/** mulberry32: tiny, seedable, good enough to drive property tests. */
export interface Rng {
  /** uniform in [0, n) */
  int(n: number): number;
  /** uniform-ish in [lo, hi] */
  big(lo: bigint, hi: bigint): bigint;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export function prng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    int: (n) => Math.floor(next() * n),
    big(lo, hi) {
      const span = hi - lo + 1n;
      let r = 0n;
      for (let i = 0; i < 4; i++) r = (r << 32n) | BigInt(Math.floor(next() * 4294967296));
      return lo + (r % span);
    },
    pick: (xs) => xs[rng.int(xs.length)]!,
    chance: (p) => next() < p,
  };
  return rng;
}

export interface CoreKit {
  readonly poseidon: Poseidon;
  readonly eddsa: EdDSA;
  readonly keys: readonly KeyPair[];
}

/** `n` deterministic BabyJubJub public keys, for tests that only queue deposits. */
export async function testKeys(n: number): Promise<PublicKey[]> {
  const seeds = Array.from({ length: n }, (_, i) => createHash("sha256").update(`solvent test key ${i}`).digest());
  return Promise.all(seeds.map((s) => derivePublicKey(s)));
}

/** Poseidon, EdDSA and `n` deterministic key pairs (about 25 ms each). */
export async function coreKit(n = 4): Promise<CoreKit> {
  const [poseidon, eddsa] = await Promise.all([getPoseidon(), getEddsa()]);
  const keys = Array.from({ length: n }, (_, i) => eddsa.keyPair(createHash("sha256").update(`solvent core key ${i}`).digest()));
  return { poseidon, eddsa, keys };
}

/** Two markets: 5% / 10% margins, 1% penalty, 0.05% fee, 1% max funding per batch. */
export const PARAMS: readonly MarketParams[] = [
  { mmr: 50_000n, imr: 100_000n, penalty: 10_000n, fee: 500n, maxFunding: 10_000n },
  { mmr: 30_000n, imr: 60_000n, penalty: 15_000n, fee: 1_000n, maxFunding: 20_000n },
];

export const SHAPE: CircuitShape = { depth: 6, markets: 2, opsPerBatch: 8, slotDepth: DEFAULT_ORDER_SLOT_DEPTH };

export function counterSalt(start = 1000n): () => bigint {
  let i = start;
  return () => i++;
}

export function genesis(kit: CoreKit, shape: CircuitShape = SHAPE): CoreState {
  return CoreState.genesis({ poseidon: kit.poseidon, depth: shape.depth, markets: shape.markets, slotDepth: shape.slotDepth });
}

export interface ContextOverrides {
  readonly prices?: readonly bigint[];
  readonly funding?: readonly bigint[];
  readonly timestamp?: bigint;
  readonly params?: readonly MarketParams[];
}

/** The context of the state's next batch; prices 1000 and 50 by default, funding unchanged. */
export function nextContext(state: CoreState, o: ContextOverrides = {}): BatchContext {
  return {
    batchNumber: state.ledger.batchCount + 1n,
    timestamp: o.timestamp ?? 1_000n,
    params: o.params ?? PARAMS.slice(0, state.markets),
    prices: o.prices ?? [1_000n, 50n].slice(0, state.markets),
    funding: o.funding ?? state.ledger.funding,
  };
}

export function builder(kit: CoreKit, state: CoreState, ctx: BatchContext = nextContext(state), shape: CircuitShape = SHAPE): BatchBuilder {
  return new BatchBuilder({ shape, state, context: ctx, deps: { poseidon: kit.poseidon, eddsa: kit.eddsa, salt: counterSalt() } });
}

/** Builds and seals one batch of `ops`, failing loudly if any is refused. */
export function runBatch(kit: CoreKit, state: CoreState, ops: readonly Op[], o: ContextOverrides = {}, shape: CircuitShape = SHAPE): SealedBatch {
  const b = builder(kit, state, nextContext(state, o), shape);
  for (const op of ops) {
    const r = b.add(op);
    if (!r.ok) throw new Error(`op ${op.kind} refused: ${r.reason} ${r.detail}`);
  }
  return b.seal();
}

export function deposit(kit: CoreKit, index: bigint, key: number, amount: bigint): Op {
  const pub = kit.keys[key]!.pub;
  return { kind: "deposit", index, pkX: pub.x, pkY: pub.y, amount };
}

export function contexts(prices: readonly bigint[], funding: readonly bigint[], params: readonly MarketParams[] = PARAMS): MarketContext[] {
  return marketContexts(
    params.slice(0, prices.length),
    prices.map((price, m) => ({ price, fundingOld: funding[m]!, funding: funding[m]! })),
  );
}

/** A non-empty account with the given collateral and positions; other fields fixed. */
export function account(collateral: bigint, size: readonly bigint[], funding: readonly bigint[] = size.map(() => 0n)): Account {
  return Account.create({ pkX: 1n, pkY: 2n, nonce: 0n, collateral, ordersRoot: 3n, salt: 4n, size, funding, bound: size.map(() => 0n) });
}

export { RATIO };

/** Leaf and aggregates of slot t's account j as the circuit reads them from the inputs. */
export function leafFromInputs(kit: CoreKit, inputs: MarginBatchInputs, t: number, j: number): CertNode {
  if (inputs.accIsEmpty[t]![j] === 1n) return { value: 0n, agg: sentinelAggregates(inputs.price.length) };
  const acc = Account.create({
    pkX: inputs.accPkX[t]![j]!,
    pkY: inputs.accPkY[t]![j]!,
    nonce: inputs.accNonce[t]![j]!,
    collateral: inputs.accCollateral[t]![j]!,
    ordersRoot: inputs.accOrdersRoot[t]![j]!,
    salt: inputs.accSalt[t]![j]!,
    size: inputs.accSize[t]![j]!,
    funding: inputs.accFunding[t]![j]!,
    bound: inputs.accBound[t]![j]!,
  });
  return { value: acc.leafHash(kit.poseidon), agg: acc.aggregates() };
}

/** Slots whose op leaves account j untouched (§7's table). */
export function untouched(opType: bigint, j: number): boolean {
  if (opType === BigInt(OpType.Noop)) return true;
  return j === 1 && [OpType.Deposit, OpType.Withdrawal, OpType.Recertify].map(BigInt).includes(opType);
}

/**
 * Replays the batch's tree updates as the circuit does: every old path (leaf from the inputs plus
 * the witness) must reach the running root, and the leaf written with the same witness gives the
 * next one; the last is newRoot. Throws on the first mismatch, naming the slot.
 */
export function replayPaths(kit: CoreKit, sealed: SealedBatch): void {
  const { inputs, trace } = sealed;
  let running = inputs.oldRoot;
  inputs.opType.forEach((opType, t) => {
    for (const j of [0, 1]) {
      const index = inputs.accIndex[t]![j]!;
      const witness = { siblings: inputs.accSiblings[t]![j]!, siblingAgg: inputs.accSiblingAgg[t]![j]! };
      const before = leafFromInputs(kit, inputs, t, j);
      const oldRoot = certRootFromWitness(kit.poseidon, before, index, witness).value;
      if (oldRoot !== running) throw new Error(`slot ${t} account ${j}: old path does not reach the running root`);
      const step = trace[t]![j]!;
      if (untouched(opType, j) && step.newLeaf !== before.value) throw new Error(`slot ${t} account ${j}: untouched leaf changed`);
      running = certRootFromWitness(kit.poseidon, { value: step.newLeaf, agg: step.newAgg }, index, witness).value;
      if (running !== step.rootAfter) throw new Error(`slot ${t} account ${j}: new path does not reach the traced root`);
    }
  });
  if (running !== inputs.newRoot) throw new Error("the last update does not reach newRoot");
  const { rootLeft, rootRight, rootAggLeft, rootAggRight } = inputs;
  const toAgg = (a: bigint[][]): Aggregates => a.map(([f, c]) => [f!, c!] as const);
  const opened = certNodeHash(kit.poseidon, { value: rootLeft, agg: toAgg(rootAggLeft) }, { value: rootRight, agg: toAgg(rootAggRight) });
  if (opened !== inputs.newRoot) throw new Error("the root opening does not hash to newRoot");
}

export function signed(kit: CoreKit, key: number, order: Order): SignedOrder {
  return signOrder(kit.poseidon, kit.keys[key]!, order);
}
