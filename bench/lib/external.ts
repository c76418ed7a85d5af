/**
 * The crypto benchmark (bench/crypto.ts), run once per benchmark run: the sequencer and baseline
 * sections share one result. A run that fails leaves its figures out with the reason, not the
 * whole benchmark.
 */
import { benchCrypto, type CryptoBenchResult } from "../crypto.js";
import type { BenchConfig } from "./config.js";

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message.split("\n")[0]! : String(err));

let crypto: Promise<Loaded<CryptoBenchResult>> | undefined;

/** benchCrypto with the mode's run lengths (quick: 0.3 s x 3 per figure, full: 1 s x 5). */
export function cryptoResult(config: BenchConfig): Promise<Loaded<CryptoBenchResult>> {
  crypto ??= benchCrypto({ seconds: config.cryptoSeconds, repeats: config.cryptoRepeats }).then(
    (value): Loaded<CryptoBenchResult> => ({ ok: true, value }),
    (err: unknown): Loaded<CryptoBenchResult> => ({ ok: false, reason: reasonOf(err) }),
  );
  return crypto;
}
