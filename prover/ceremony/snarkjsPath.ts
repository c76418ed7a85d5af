/**
 * The parts of key generation that go through snarkjs itself: the production path from a real
 * powers-of-tau file, and the verification-key export (which also proves our zkey parses).
 */
import { access, rm } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import { CeremonyInputError } from "./r1cs.js";

function quietLogger(log: (msg: string) => void, errors: string[]): snarkjs.Logger {
  return {
    debug: () => {},
    info: (m) => log(`[snarkjs] ${m}`),
    warn: (m) => log(`[snarkjs] ${m}`),
    error: (m) => errors.push(m),
  };
}

/** `snarkjs zkey new` then one random phase-2 contribution, as a production setup would start. */
export async function ptauSetup(r1csPath: string, ptauPath: string, zkeyOut: string, log: (msg: string) => void): Promise<void> {
  try {
    await access(ptauPath);
  } catch {
    throw new CeremonyInputError(`no such file: ${ptauPath}`);
  }
  const errors: string[] = [];
  const zkey0 = zkeyOut + ".0";
  try {
    let res: unknown;
    try {
      res = await snarkjs.zKey.newZKey(r1csPath, ptauPath, zkey0, quietLogger(log, errors));
    } catch (err) {
      throw new CeremonyInputError(`${ptauPath}: not a usable powers-of-tau file (${(err as Error).message})`);
    }
    // snarkjs reports some failures (curve mismatch, circuit too big, unprepared ptau) by
    // returning -1 after logging, not by throwing.
    if (res === -1 || errors.length > 0) {
      throw new CeremonyInputError(`${ptauPath}: ${errors.join("; ") || "snarkjs zkey new failed"}`);
    }
    const entropy = crypto.getRandomValues(new Uint8Array(32));
    await snarkjs.zKey.contribute(zkey0, zkeyOut, "solvent setup", Buffer.from(entropy).toString("hex"), quietLogger(log, errors));
  } finally {
    await rm(zkey0, { force: true });
  }
}

export async function exportVerificationKey(zkeyPath: string): Promise<snarkjs.VerificationKey> {
  return snarkjs.zKey.exportVerificationKey(zkeyPath, quietLogger(() => {}, []));
}
