/**
 * The prover process: witness and Groth16 proof of one sealed batch at a time, off the event loop
 * that serves the API and matches orders. A child process, not a worker thread: ffjavascript takes
 * any non-main thread for one of its own workers. It exits with its parent (the IPC channel closes),
 * so a killed sequencer leaves no prover behind.
 */
import { prove, shutdownProver, type CircuitInputs } from "../../prover/prove.js";
import { fromJSONText, toJSONText } from "./codec.js";

export interface ProveRequest {
  readonly id: number;
  readonly wasm: string;
  readonly zkey: string;
  /** encodeInputs(sealed.inputs), as codec text */
  readonly inputs: string;
}

if (process.send === undefined) throw new Error("proverWorker runs as a child process with an IPC channel");
const send = process.send.bind(process);
process.on("disconnect", () => process.exit(0));
process.on("message", (msg: ProveRequest | "exit") => {
  if (msg === "exit") {
    void shutdownProver().then(() => process.exit(0));
    return;
  }
  prove(msg.wasm, msg.zkey, fromJSONText<CircuitInputs>(msg.inputs)).then(
    (result) => send({ id: msg.id, ok: true, result: toJSONText(result) }),
    (err: unknown) => send({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
