/**
 * The batch circuit's public inputs as the contract builds them, computed here from chain state:
 * the sequencer's expectation of what the verifier will see, and the test of the contract's input
 * builder against the one ordered list `publicSignalNames(M)` (sequencer/core/constants.ts).
 */
import { publicSignalNames, splitSignalName } from "../core/constants.js";
import { fromFieldSigned, toField } from "../crypto/field.js";
import type { Poseidon } from "../crypto/poseidon.js";
import type { MarginRollupClient } from "./client.js";
import { withdrawHash } from "./hashes.js";
import type { BatchSubmission } from "./types.js";

/** The public inputs by name; funding indices signed, everything else as the field element. */
export interface MarginPublicInputs {
  readonly oldRoot: bigint;
  readonly newRoot: bigint;
  readonly batchNumber: bigint;
  readonly timestamp: bigint;
  readonly price: readonly bigint[];
  readonly fundingOld: readonly bigint[];
  readonly funding: readonly bigint[];
  readonly paramsHash: bigint;
  readonly depositHashOld: bigint;
  readonly depositHashNew: bigint;
  readonly withdrawHash: bigint;
  readonly insuranceOld: bigint;
  readonly insuranceNew: bigint;
  readonly feesOld: bigint;
  readonly feesNew: bigint;
  readonly liquidations: bigint;
}

const SIGNED: ReadonlySet<string> = new Set(["fundingOld", "funding"]);

function parse(name: string): { base: keyof MarginPublicInputs; index: number | undefined } {
  const { base, index } = splitSignalName(name);
  return { base: base as keyof MarginPublicInputs, index };
}

/** The named inputs as the verifier's vector, in publicSignalNames(M) order. */
export function orderPublicInputs(named: MarginPublicInputs): bigint[] {
  const markets = named.price.length;
  return publicSignalNames(markets).map((name) => {
    const { base, index } = parse(name);
    const value = named[base];
    const x = index === undefined ? (value as bigint) : (value as readonly bigint[])[index];
    if (x === undefined) throw new RangeError(`${name} missing: ${base} has ${(value as readonly bigint[]).length} entries`);
    return SIGNED.has(base) ? toField(x) : x;
  });
}

/** A verifier vector (publicSignalNames(M) order) by name. */
export function namePublicInputs(ordered: readonly bigint[], markets: number): MarginPublicInputs {
  const names = publicSignalNames(markets);
  if (ordered.length !== names.length) throw new RangeError(`expected ${names.length} public inputs, got ${ordered.length}`);
  const out: Record<string, bigint | bigint[]> = {};
  names.forEach((name, i) => {
    const { base, index } = parse(name);
    const x = SIGNED.has(base) ? fromFieldSigned(ordered[i]!) : ordered[i]!;
    if (index === undefined) out[base] = x;
    else ((out[base] ??= []) as bigint[])[index] = x;
  });
  return out as unknown as MarginPublicInputs;
}

/**
 * What the contract will hand its verifier for `batch`, read from chain state now: stored root,
 * next batch number, the named oracle rounds' prices, stored funding, parameter hash, deposit chain
 * at the consumed and the new position, the withdrawals' Poseidon chain, stored insurance and fees.
 * Performs none of the contract's checks (simulate `submitBatch` for those).
 */
export async function expectedPublicInputs(
  client: MarginRollupClient,
  poseidon: Poseidon,
  batch: BatchSubmission,
): Promise<MarginPublicInputs> {
  const markets = await client.marketCount();
  const perMarket = <T>(f: (m: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: markets }, (_, m) => f(m)));
  return {
    oldRoot: await client.stateRoot(),
    newRoot: batch.newRoot,
    batchNumber: (await client.batchCount()) + 1n,
    timestamp: batch.timestamp,
    price: await perMarket(async (m) => (await client.priceRound(m, batch.roundIds[m]!)).answer),
    fundingOld: await perMarket((m) => client.fundingIndex(m)),
    funding: [...batch.funding],
    paramsHash: await client.paramsHash(),
    depositHashOld: await client.depositChainAt(await client.depositsConsumed()),
    depositHashNew: await client.depositChainAt(batch.depositsThrough),
    withdrawHash: withdrawHash(poseidon, batch.withdrawals),
    insuranceOld: await client.insuranceFund(),
    insuranceNew: batch.insuranceNew,
    feesOld: await client.feePool(),
    feesNew: batch.feesNew,
    liquidations: batch.liquidations,
  };
}
