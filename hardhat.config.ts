import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatEthers from "@nomicfoundation/hardhat-ethers";

const require = createRequire(import.meta.url);

// No compiler can be downloaded on the machines this project runs on, so Hardhat is pointed at the
// solc-js build shipped in the npm `solc` package. The version below must match that package.
export default defineConfig({
  plugins: [hardhatEthers],
  solidity: {
    version: "0.8.30",
    path: require.resolve("solc/soljson.js"),
    // Same settings as the in-memory test compile (test/helpers/contracts.ts): via-IR at 1,000,000
    // runs is ~12k gas cheaper per submitBatch than the legacy pipeline at 200.
    settings: { optimizer: { enabled: true, runs: 1_000_000 }, viaIR: true },
  },
  paths: {
    // Generated verifiers are written under build/ by `npm run setup` and compiled with the rest.
    sources: ["contracts", "build/contracts"],
  },
});
