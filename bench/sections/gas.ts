/** Gas per submitBatch (0/1/4 withdrawals), per trade, per deposit, per withdrawal (bench/gas.ts). */
import { gasReport } from "../gas.js";
import { sig, type Section } from "../lib/common.js";

export const gasSection: Section = {
  name: "gas",
  title: "Gas",
  untimed: true,
  async run(ctx) {
    const r = await gasReport(ctx.log);
    const zero = r.submitBatch.find((s) => s.withdrawals === 0);
    const Ts = [...new Set(ctx.config.proveShapes.map((s) => s.opsPerBatch))].sort((a, b) => a - b);
    const perTrade = zero
      ? Ts.map((T) => ({
          T,
          gasPerTrade: sig(zero.gas / T),
          calldataBytesPerTrade: zero.calldataBytes === null ? null : sig(zero.calldataBytes / T),
        }))
      : [];
    return {
      source: "scripts/gas-report.ts (Hardhat in-process chain, PublicEcho stand-in verifier with the margin circuit's public inputs)",
      header: r.title,
      submitBatch: r.submitBatch,
      perTrade,
      perTradeNote: "A 0-withdrawal submitBatch's gas and calldata divided by the T of the proved instances (the batch's cost does not depend on T)",
      deposit: { first: r.depositFirst, steady: r.depositSteady },
      withdrawal: { perExtraInBatch: r.perWithdrawal, claim: r.claimWithdrawal },
      verifierAlone: r.verifierAlone,
      groth16Floor: r.groth16Floor,
      rows: r.rows,
      ...(r.missing.length > 0 ? { missingRows: r.missing } : {}),
    };
  },
};
