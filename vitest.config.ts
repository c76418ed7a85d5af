import { defineConfig } from "vitest/config";

// Proofs are slow on a 2-core machine: test files run one at a time in forked processes (snarkjs
// keeps worker threads alive, which forks tear down cleanly), and timeouts are generous. Nothing
// here is a performance assertion; benchmarks print figures instead.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
