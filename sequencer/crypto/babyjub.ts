import { buildEddsa, type Eddsa } from "circomlibjs";
import { FastEddsaVerifier } from "./babyjubFast.js";
import { isFieldElement } from "./field.js";
import { getPoseidon } from "./poseidon.js";

/** A BabyJubJub public key in affine coordinates, as the circuits read it. */
export interface PublicKey {
  readonly x: bigint;
  readonly y: bigint;
}

/** An EdDSA-Poseidon signature in the circuit's terms (`EdDSAPoseidonVerifier` inputs). */
export interface Signature {
  readonly R8x: bigint;
  readonly R8y: bigint;
  readonly S: bigint;
}

/** A private key in use: its public key and a signer of single field elements. */
export interface KeyPair {
  readonly pub: PublicKey;
  sign(msg: bigint): Signature;
}

/** EdDSA-Poseidon over BabyJubJub, loaded once; every call after loading is synchronous. */
export interface EdDSA {
  keyPair(privateKey: Uint8Array): KeyPair;
  /**
   * True exactly when circomlib's `EdDSAPoseidonVerifier` would accept (pub, msg, sig), with R8 and
   * the key on the curve (as circomlibjs also requires). Throws RangeError only for a message
   * outside the field; malformed signature or key data gives false.
   */
  verify(pub: PublicKey, msg: bigint, sig: Signature): boolean;
  /** Order of the subgroup signatures live in: `S` must be below it. */
  readonly subOrder: bigint;
}

let eddsa: Promise<Eddsa> | undefined;
let fast: FastEddsaVerifier | undefined;

function loadEddsa(): Promise<Eddsa> {
  eddsa ??= buildEddsa();
  return eddsa;
}

/** The EdDSA-Poseidon public key of a 32-byte private key (circomlibjs `prv2pub`). */
export async function derivePublicKey(privateKey: Uint8Array): Promise<PublicKey> {
  return (await getEddsa()).keyPair(privateKey).pub;
}

export async function getEddsa(): Promise<EdDSA> {
  const [e, poseidon] = await Promise.all([loadEddsa(), getPoseidon()]);
  fast ??= new FastEddsaVerifier(poseidon);
  const verifier = fast;
  const F = e.F;
  const checkMessage = (msg: bigint): void => {
    // circomlibjs would reduce the message silently; the circuit reads it as given.
    if (!isFieldElement(msg)) throw new RangeError(`message outside the field: ${msg}`);
  };
  return {
    subOrder: e.babyJub.subOrder,
    keyPair(privateKey) {
      if (privateKey.length !== 32) throw new RangeError("private key must be 32 bytes");
      const prv = Uint8Array.from(privateKey);
      const [x, y] = e.prv2pub(prv);
      const pub = { x: F.toObject(x), y: F.toObject(y) };
      return {
        pub,
        sign(msg) {
          checkMessage(msg);
          const sig = e.signPoseidon(prv, F.e(msg));
          return { R8x: F.toObject(sig.R8[0]), R8y: F.toObject(sig.R8[1]), S: sig.S };
        },
      };
    },
    verify(pub, msg, sig) {
      checkMessage(msg);
      // babyjubFast.ts: circomlibjs verifyPoseidon's check, except that (like the circuit, unlike
      // circomlibjs) it refuses keys with 8A = O, and refuses non-canonical coordinates or S
      // (circomlibjs would reduce them; the circuit would not) and non-bigints instead of throwing.
      return verifier.verify(pub?.x, pub?.y, msg, sig?.R8x, sig?.R8y, sig?.S);
    },
  };
}
