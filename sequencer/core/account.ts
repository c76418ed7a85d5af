import type { PublicKey } from "../crypto/babyjub.js";
import { isFieldElement, toField } from "../crypto/field.js";
import type { Poseidon } from "../crypto/poseidon.js";
import type { Aggregates, MarketAgg } from "./aggregates.js";
import { sentinelAggregates } from "./aggregates.js";
import {
  CERT_BITS,
  COLLATERAL_BITS,
  EMPTY_LEAF,
  FUNDING_BITS,
  NO_CEIL,
  NO_FLOOR,
  NONCE_BITS,
  SIZE_BITS,
  signedFits,
  unsignedFits,
} from "./constants.js";

/** The fields of an account leaf (CORE_SPEC §3), per-market arrays indexed by market. */
export interface AccountFields {
  readonly pkX: bigint;
  readonly pkY: bigint;
  readonly nonce: bigint;
  /** collateral c, signed */
  readonly collateral: bigint;
  readonly ordersRoot: bigint;
  readonly salt: bigint;
  /** position s_m, signed, long > 0 */
  readonly size: readonly bigint[];
  /** funding snapshot f_m */
  readonly funding: readonly bigint[];
  /** certificate bound b_m: a floor on YL for a long, a ceiling on YS for a short, 0 when flat */
  readonly bound: readonly bigint[];
}

export interface AccountJSON {
  isEmpty: boolean;
  pkX: string;
  pkY: string;
  nonce: string;
  collateral: string;
  ordersRoot: string;
  salt: string;
  size: string[];
  funding: string[];
  bound: string[];
}

/**
 * An account leaf, immutable: every change makes a new object, so states can share accounts.
 * An empty account (leaf value 0) has all fields zero, as the circuit sees it with `accIsEmpty`.
 */
export class Account implements AccountFields {
  readonly isEmpty: boolean;
  readonly pkX: bigint;
  readonly pkY: bigint;
  readonly nonce: bigint;
  readonly collateral: bigint;
  readonly ordersRoot: bigint;
  readonly salt: bigint;
  readonly size: readonly bigint[];
  readonly funding: readonly bigint[];
  readonly bound: readonly bigint[];

  private constructor(fields: AccountFields, isEmpty: boolean) {
    const m = fields.size.length;
    if (fields.funding.length !== m || fields.bound.length !== m) {
      throw new RangeError(`account arrays of different lengths: ${m}, ${fields.funding.length}, ${fields.bound.length}`);
    }
    this.isEmpty = isEmpty;
    this.pkX = fields.pkX;
    this.pkY = fields.pkY;
    this.nonce = fields.nonce;
    this.collateral = fields.collateral;
    this.ordersRoot = fields.ordersRoot;
    this.salt = fields.salt;
    this.size = Object.freeze([...fields.size]);
    this.funding = Object.freeze([...fields.funding]);
    this.bound = Object.freeze([...fields.bound]);
  }

  static create(fields: AccountFields): Account {
    return new Account(fields, false);
  }

  static empty(markets: number): Account {
    const zeros = Array.from({ length: markets }, () => 0n);
    return new Account(
      { pkX: 0n, pkY: 0n, nonce: 0n, collateral: 0n, ordersRoot: 0n, salt: 0n, size: zeros, funding: zeros, bound: zeros },
      true,
    );
  }

  get markets(): number {
    return this.size.length;
  }

  get pubKey(): PublicKey {
    return { x: this.pkX, y: this.pkY };
  }

  /** A copy with some fields replaced; the result is never empty. */
  with(changes: Partial<AccountFields>): Account {
    return new Account({ ...this.fields(), ...changes }, false);
  }

  fields(): AccountFields {
    const { pkX, pkY, nonce, collateral, ordersRoot, salt, size, funding, bound } = this;
    return { pkX, pkY, nonce, collateral, ordersRoot, salt, size, funding, bound };
  }

  /** K(x) = c + sum_m s_m f_m: the part of health that settlement leaves unchanged. */
  k(): bigint {
    return this.size.reduce((acc, s, m) => acc + s * this.funding[m]!, this.collateral);
  }

  /** Funding settled to `F`: c -= sum s_m (F_m - f_m), f_m = F_m (§3). K is unchanged. */
  settle(F: readonly bigint[]): Account {
    if (this.isEmpty) return this;
    if (F.length !== this.markets) throw new RangeError(`${F.length} funding indices for ${this.markets} markets`);
    const paid = this.size.reduce((acc, s, m) => acc + s * (F[m]! - this.funding[m]!), 0n);
    return this.with({ collateral: this.collateral - paid, funding: [...F] });
  }

  /** Poseidon(pkX, pkY, nonce, c, ordersRoot, salt, s_0, f_0, b_0, ...); 0 for an empty account. */
  leafHash(poseidon: Poseidon): bigint {
    if (this.isEmpty) return EMPTY_LEAF;
    const perMarket = this.size.flatMap((s, m) => [s, this.funding[m]!, this.bound[m]!]);
    const inputs = [this.pkX, this.pkY, this.nonce, this.collateral, this.ordersRoot, this.salt, ...perMarket];
    return poseidon(inputs.map(toField));
  }

  /** Leaf aggregates: a long's bound is its floor, a short's its ceiling, sentinels otherwise. */
  aggregates(): Aggregates {
    if (this.isEmpty) return sentinelAggregates(this.markets);
    return this.size.map((s, m): MarketAgg => [s > 0n ? this.bound[m]! : NO_FLOOR, s < 0n ? this.bound[m]! : NO_CEIL]);
  }

  /** Markets the account holds a position in. */
  heldMarkets(): number[] {
    return this.size.flatMap((s, m) => (s !== 0n ? [m] : []));
  }

  /** Canonical: b_m = 0 whenever s_m = 0 (§3). */
  isCanonical(): boolean {
    return this.size.every((s, m) => s !== 0n || this.bound[m] === 0n);
  }

  /** The first field outside the range the circuit admits, or undefined when all fit. */
  rangeViolation(): string | undefined {
    if (!isFieldElement(this.pkX) || !isFieldElement(this.pkY)) return "public key outside the field";
    if (!isFieldElement(this.ordersRoot) || !isFieldElement(this.salt)) return "orders root or salt outside the field";
    if (!unsignedFits(this.nonce, NONCE_BITS)) return `nonce ${this.nonce} outside ${NONCE_BITS} bits`;
    if (!signedFits(this.collateral, COLLATERAL_BITS)) return `collateral ${this.collateral} outside signed ${COLLATERAL_BITS} bits`;
    for (let m = 0; m < this.markets; m++) {
      if (!signedFits(this.size[m]!, SIZE_BITS)) return `size[${m}] ${this.size[m]} outside signed ${SIZE_BITS} bits`;
      if (!signedFits(this.funding[m]!, FUNDING_BITS)) return `funding[${m}] outside signed ${FUNDING_BITS} bits`;
      if (!signedFits(this.bound[m]!, CERT_BITS)) return `bound[${m}] outside signed ${CERT_BITS} bits`;
    }
    return undefined;
  }

  toJSON(): AccountJSON {
    const str = (xs: readonly bigint[]) => xs.map(String);
    return {
      isEmpty: this.isEmpty,
      pkX: String(this.pkX),
      pkY: String(this.pkY),
      nonce: String(this.nonce),
      collateral: String(this.collateral),
      ordersRoot: String(this.ordersRoot),
      salt: String(this.salt),
      size: str(this.size),
      funding: str(this.funding),
      bound: str(this.bound),
    };
  }

  static fromJSON(json: AccountJSON): Account {
    if (json.isEmpty) return Account.empty(json.size.length);
    const big = (xs: readonly string[]) => xs.map((x) => BigInt(x));
    return Account.create({
      pkX: BigInt(json.pkX),
      pkY: BigInt(json.pkY),
      nonce: BigInt(json.nonce),
      collateral: BigInt(json.collateral),
      ordersRoot: BigInt(json.ordersRoot),
      salt: BigInt(json.salt),
      size: big(json.size),
      funding: big(json.funding),
      bound: big(json.bound),
    });
  }
}
