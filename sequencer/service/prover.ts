import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ProofResult } from "../../prover/prove.js";
import { fromJSONText, toJSONText } from "./codec.js";
import type { ProveRequest } from "./proverWorker.js";

/** Proves in a child process (proverWorker.ts); one proof at a time (snarkjs already uses every core). */
export class ProverProcess {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ProofResult) => void; reject: (e: Error) => void }>();

  private start(): ChildProcess {
    if (this.child !== undefined) return this.child;
    // The worker is TypeScript: load it through tsx, as this process was.
    const child = fork(fileURLToPath(new URL("./proverWorker.ts", import.meta.url)), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.on("message", (msg: { id: number; ok: boolean; result?: string; error?: string }) => {
      const waiter = this.pending.get(msg.id);
      if (waiter === undefined) return;
      this.pending.delete(msg.id);
      if (msg.ok) waiter.resolve(fromJSONText<ProofResult>(msg.result!));
      else waiter.reject(new Error(msg.error));
    });
    child.on("error", (err) => this.failAll(err));
    child.on("exit", (code, signal) => {
      this.child = undefined;
      this.failAll(new Error(`prover process exited (${signal ?? code})`));
    });
    this.child = child;
    return child;
  }

  prove(wasm: string, zkey: string, inputs: unknown): Promise<ProofResult> {
    const child = this.start();
    const id = this.nextId++;
    const request: ProveRequest = { id, wasm, zkey, inputs: toJSONText(inputs) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send(request);
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.send("exit");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    });
  }

  private failAll(err: Error): void {
    for (const w of this.pending.values()) w.reject(err);
    this.pending.clear();
  }
}
