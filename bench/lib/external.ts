/**
 * The crypto and matching benchmarks other files own (bench/crypto.ts, bench/matching.ts), loaded
 * on demand and run once per benchmark run: the sequencer and baseline sections share one result.
 * A module that fails to load or run leaves its figures out with the reason, not the whole run.
 *
 * They are imported through a variable specifier, so this benchmark's type-check does not pull
 * them (or the engine and crypto code they import, still moving) into its program; the interfaces
 * below are the part of them this benchmark reads.
 */
import type { BenchConfig } from "./config.js";

/** bench/crypto.ts `benchCrypto(opts)`: rates per second, ours and circomlibjs on the same inputs. */
export interface CryptoRates {
  readonly poseidon2PerSec: number;
  readonly poseidon5PerSec: number;
  readonly poseidon8PerSec: number;
  readonly bigintPoseidon2PerSec: number;
  readonly eddsaVerifyPerSec: number;
  readonly eddsaVerifyColdPerSec: number;
  readonly circomlibjsPoseidon2PerSec: number;
  readonly circomlibjsPoseidon5PerSec: number;
  readonly circomlibjsPoseidon8PerSec: number;
  readonly circomlibjsEddsaVerifyPerSec: number;
}
interface CryptoModule {
  benchCrypto(opts: { seconds?: number; repeats?: number }): Promise<CryptoRates>;
}

/** bench/matching.ts: the seeded order flow and `benchMatching(opts)`. */
export interface MatchingRates {
  readonly ops: number;
  readonly submits: number;
  readonly repeats: number;
  readonly ordersPerSec: number;
  readonly opsPerSec: number;
  readonly fillsPerSec: number;
}
export type FlowOp = { kind: "submit"; order: unknown; opts: unknown } | { kind: "cancel"; id: string };
export interface MatchingModule {
  benchMatching(opts: { orders?: number; repeats?: number; seed?: number }): MatchingRates;
  generateFlow(n: number, seed: number): FlowOp[];
}
/** sequencer/engine: the matching engine the flow is replayed into. */
export interface EngineModule {
  MatchingEngine: new (opts: { markets: number }) => { submit(order: unknown, check: undefined, opts: unknown): unknown; cancel(id: string): unknown };
}

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message.split("\n")[0]! : String(err));

/** import() through a variable: see the module comment. */
export function importUntyped<T>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}

export const loadMatching = (): Promise<MatchingModule> => importUntyped<MatchingModule>("../matching.js");
export const loadEngine = (): Promise<EngineModule> => importUntyped<EngineModule>("../../sequencer/engine/index.js");

let crypto: Promise<Loaded<CryptoRates>> | undefined;

/** benchCrypto with the mode's run lengths (quick: 0.3 s x 3 per figure, full: 1 s x 5). */
export function cryptoResult(config: BenchConfig): Promise<Loaded<CryptoRates>> {
  crypto ??= importUntyped<CryptoModule>("../crypto.js")
    .then((m) => m.benchCrypto({ seconds: config.cryptoSeconds, repeats: config.cryptoRepeats }))
    .then(
      (value): Loaded<CryptoRates> => ({ ok: true, value }),
      (err: unknown): Loaded<CryptoRates> => ({ ok: false, reason: reasonOf(err) }),
    );
  return crypto;
}
