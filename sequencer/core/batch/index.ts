export { BatchBuilder, type SealedBatch } from "./builder.js";
export { encodeInputs, MARGIN_BATCH_INPUT_NAMES, publicSignalValues, type MarginBatchInputName, type MarginBatchInputs } from "./inputs.js";
export { accountsPastBounds, maintenanceOps, maintenanceOpsFor } from "./maintenance.js";
export * from "./types.js";
