/** The matching engine: a pure, in-memory price-time-priority order book per market. */
export { MatchingEngine, type EngineOptions } from "./engine.js";
export * from "./types.js";
