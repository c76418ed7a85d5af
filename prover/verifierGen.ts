/**
 * Our Groth16 verifier generator (BN254, the EIP-196/197 precompiles 0x06, 0x07, 0x08): from a
 * verification key, a self-contained Solidity contract with the key as constants and
 *
 *   verifyProof(uint256[2] a, uint256[2][2] b, uint256[2] c, uint256[N] input) view returns (bool)
 *     the ABI of snarkjs' exported verifier (b in EIP-197 order, as `toSolidityCalldata` gives it):
 *     false for a public input that is not a field element, a proof coordinate that is not a base
 *     field element, a point off the curve (the precompile fails) or a proof that does not verify;
 *   verifyingKey() pure returns (uint256[])
 *     the key as 14 + 2(N + 1) words, `verifyingKeyWords` below: MarginRollup copies it into its own
 *     immutables at construction and verifies inline, with no call to this contract.
 *
 * Checked: e(-A, B) · e(alpha, beta) · e(vk_x, gamma) · e(C, delta) == 1 with
 * vk_x = IC_0 + sum_i input_i · IC_(i+1).
 */
import * as snarkjs from "snarkjs";
import type { VerificationKey } from "snarkjs";

/** Bumped whenever the generated code changes: part of every instance's build hash (prover/build.ts). */
export const VERIFIER_GENERATOR_VERSION = "solvent-groth16-1";

/** BN254 scalar field order (public inputs live below it). */
export const SNARK_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** BN254 base field order (point coordinates live below it). */
export const SNARK_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

interface RawKey {
  protocol?: string;
  curve?: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

/** The key as MarginRollup reads it: alpha (x, y), beta, gamma, delta (each x1, x0, y1, y0: EIP-197
 * order, imaginary part first), then IC_0 .. IC_N (x, y). 14 + 2(N + 1) words. */
export function verifyingKeyWords(vkey: VerificationKey): bigint[] {
  const k = vkey as unknown as RawKey;
  if ((k.protocol ?? "groth16") !== "groth16" || (k.curve ?? "bn128") !== "bn128") {
    throw new Error(`not a Groth16 BN254 key: ${k.protocol}/${k.curve}`);
  }
  if (k.IC.length !== k.nPublic + 1) throw new Error(`verification key has ${k.IC.length} IC points for ${k.nPublic} public inputs`);
  const coord = (v: string | undefined): bigint => {
    if (v === undefined) throw new Error("verification key: missing coordinate");
    const x = BigInt(v);
    if (x < 0n || x >= SNARK_Q) throw new Error(`verification key: coordinate ${v} is not a base field element`);
    return x;
  };
  const g1 = (p: string[] | undefined): bigint[] => {
    if (p === undefined) throw new Error("verification key: missing G1 point");
    if (p[2] !== undefined && p[2] !== "1") throw new Error("verification key: G1 point not in affine form");
    return [coord(p[0]), coord(p[1])];
  };
  const g2 = (p: string[][]): bigint[] => {
    if (p[2] !== undefined && (p[2][0] !== "1" || p[2][1] !== "0")) throw new Error("verification key: G2 point not in affine form");
    return [coord(p[0]?.[1]), coord(p[0]?.[0]), coord(p[1]?.[1]), coord(p[1]?.[0])];
  };
  return [...g1(k.vk_alpha_1), ...g2(k.vk_beta_2), ...g2(k.vk_gamma_2), ...g2(k.vk_delta_2), ...k.IC.flatMap(g1)];
}

/** Solidity source of the verifier of `vkey`, named `contract`, for `pragma solidity <solc>`. */
export function generateVerifier(vkey: VerificationKey, contract: string, solc: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(contract)) throw new Error(`not a Solidity identifier: ${contract}`);
  const words = verifyingKeyWords(vkey);
  const n = (vkey as unknown as RawKey).nPublic;
  const names = ["ALPHA_X", "ALPHA_Y", "BETA_X1", "BETA_X0", "BETA_Y1", "BETA_Y0", "GAMMA_X1", "GAMMA_X0", "GAMMA_Y1", "GAMMA_Y0"];
  names.push("DELTA_X1", "DELTA_X0", "DELTA_Y1", "DELTA_Y0");
  for (let i = 0; i <= n; i++) names.push(`IC${i}_X`, `IC${i}_Y`);
  const constants = names.map((name, i) => `    uint256 private constant ${name} = ${words[i]};`).join("\n");

  // Memory (from the free memory pointer, not kept): [0, 64) the running sum vk_x, [64, 160) the
  // ecMul operand; then the pairing input, 4 pairs of (G1, G2): (vk_x, gamma) in place over the sum,
  // (-A, B), (alpha, beta), (C, delta).
  const msm: string[] = [];
  for (let i = 1; i <= n; i++) {
    msm.push(
      `            s := calldataload(add(input, ${(i - 1) * 32}))`,
      `            ok := and(ok, lt(s, R))`,
      `            mstore(add(p, 64), IC${i}_X)`,
      `            mstore(add(p, 96), IC${i}_Y)`,
      `            mstore(add(p, 128), s)`,
      `            ok := and(ok, staticcall(gas(), 0x07, add(p, 64), 96, add(p, 64), 64))`,
      `            ok := and(ok, staticcall(gas(), 0x06, p, 128, p, 64))`,
    );
  }
  const keyWords = names.map((name, i) => `        vk[${i}] = ${name};`).join("\n");

  return `// SPDX-License-Identifier: MIT
pragma solidity ${solc};

/// @title ${contract}
/// @notice Groth16 (BN254) verifier of one circuit's verification key, ${n} public inputs.
/// @dev Generated by prover/verifierGen.ts (${VERIFIER_GENERATOR_VERSION}); do not edit. MarginRollup
/// reads \`verifyingKey()\` once, at construction, and verifies inline.
contract ${contract} {
    uint256 private constant R = ${SNARK_R};
    uint256 private constant Q = ${SNARK_Q};

${constants}

    /// @notice True iff (a, b, c) is a valid proof for \`input\` under this key; false for inputs
    /// outside the scalar field, coordinates outside the base field or points off the curve.
    function verifyProof(
        uint256[2] calldata a,
        uint256[2][2] calldata b,
        uint256[2] calldata c,
        uint256[${n}] calldata input
    ) external view returns (bool valid) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            let ok := 1
            let s := 0
            mstore(p, IC0_X)
            mstore(add(p, 32), IC0_Y)
${msm.join("\n")}
            // (vk_x, gamma)
            mstore(add(p, 64), GAMMA_X1)
            mstore(add(p, 96), GAMMA_X0)
            mstore(add(p, 128), GAMMA_Y1)
            mstore(add(p, 160), GAMMA_Y0)
            // (-A, B)
            let ay := calldataload(add(a, 32))
            ok := and(ok, and(lt(calldataload(a), Q), lt(ay, Q)))
            mstore(add(p, 192), calldataload(a))
            mstore(add(p, 224), mod(sub(Q, ay), Q))
            calldatacopy(add(p, 256), b, 128)
            // (alpha, beta)
            mstore(add(p, 384), ALPHA_X)
            mstore(add(p, 416), ALPHA_Y)
            mstore(add(p, 448), BETA_X1)
            mstore(add(p, 480), BETA_X0)
            mstore(add(p, 512), BETA_Y1)
            mstore(add(p, 544), BETA_Y0)
            // (C, delta)
            calldatacopy(add(p, 576), c, 64)
            mstore(add(p, 640), DELTA_X1)
            mstore(add(p, 672), DELTA_X0)
            mstore(add(p, 704), DELTA_Y1)
            mstore(add(p, 736), DELTA_Y0)
            ok := and(ok, staticcall(gas(), 0x08, p, 768, p, 32))
            valid := and(ok, eq(mload(p), 1))
        }
    }

    /// @notice The key: alpha (x, y); beta, gamma, delta (x1, x0, y1, y0, EIP-197 order); IC_0 .. IC_${n} (x, y).
    function verifyingKey() external pure returns (uint256[] memory vk) {
        vk = new uint256[](${names.length});
${keyWords}
    }
}
`;
}

/** The verifier of the key inside `zkeyPath`. */
export async function generateVerifierFromZkey(zkeyPath: string, contract: string, solc: string): Promise<string> {
  const vkey = (await snarkjs.zKey.exportVerificationKey(zkeyPath)) as VerificationKey;
  return generateVerifier(vkey, contract, solc);
}
