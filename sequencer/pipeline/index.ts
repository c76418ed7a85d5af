export { assembleBatch, l1Address, touchedAccounts } from "./assemble.js";
export { readChainView } from "./chainView.js";
export { BatchPipeline, type PipelineObserver, type SubmittedReceipt } from "./pipeline.js";
export * from "./types.js";
