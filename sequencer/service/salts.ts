import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { SNARK_FIELD_SIZE } from "../crypto/field.js";

/**
 * Leaf salts the sequencer can recompute. A batch's root depends on the salts of the leaves it
 * writes; after a crash the sequencer rebuilds the batches it had sealed (or already submitted) from
 * their stored operations and must reach the very roots it proved, so the salts come from a secret
 * kept in the store, the batch number and the rebuild generation, and a counter -- never from
 * Math.random. The secret keeps them unpredictable to anyone else, which is what hides positions.
 */
export function saltSource(secret: Uint8Array, batchNumber: bigint, generation: number): () => bigint {
  let counter = 0;
  return () => {
    for (;;) {
      const msg = new TextEncoder().encode(`solvent-salt/${batchNumber}/${generation}/${counter++}`);
      const digest = hmac(sha256, secret, msg);
      // 254 bits, rejected when >= p (probability < 1/4): exactly uniform on the field.
      const x = BigInt(`0x${Buffer.from(digest).toString("hex")}`) >> 2n;
      if (x < SNARK_FIELD_SIZE) return x;
    }
  };
}
