import { buildEddsa, type Eddsa } from "circomlibjs";

/** A BabyJubJub public key in affine coordinates, as the circuits read it. */
export interface PublicKey {
  readonly x: bigint;
  readonly y: bigint;
}

let eddsa: Promise<Eddsa> | undefined;

/** The EdDSA-Poseidon public key of a 32-byte private key (circomlibjs `prv2pub`). */
export async function derivePublicKey(privateKey: Uint8Array): Promise<PublicKey> {
  if (privateKey.length !== 32) throw new RangeError("private key must be 32 bytes");
  eddsa ??= buildEddsa();
  const e = await eddsa;
  const [x, y] = e.prv2pub(privateKey);
  return { x: e.F.toObject(x), y: e.F.toObject(y) };
}
