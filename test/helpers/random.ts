import { createHash } from "node:crypto";

/** A deterministic random integer source: rand(n) is uniform-ish in [0, n), reproducible by seed. */
export function seededRandom(seed: string): (n: number) => number {
  let counter = 0;
  return (n) => {
    const digest = createHash("sha256").update(`${seed}/${counter++}`).digest();
    return digest.readUInt32LE(0) % n;
  };
}
