/**
 * The sequencer as a separate process (sequencer/service/main.ts), for tests that kill it with
 * SIGKILL and start it again on the same database and the same chain.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");

export interface ServiceProcess {
  /** the API's address; "" when a planned crash came before it was up */
  readonly url: string;
  readonly child: ChildProcess;
  /** everything it printed so far */
  readonly output: () => string;
  /** resolves with the exit signal or code */
  readonly exited: Promise<string>;
  kill(): Promise<string>;
}

export interface ServiceArgs {
  readonly rpc: string;
  readonly deployment: string;
  readonly db: string;
  readonly instance: string;
  readonly crashAt?: string;
  readonly maxAgeMs?: number;
}

export async function startService(args: ServiceArgs, timeoutMs = 120_000): Promise<ServiceProcess> {
  const argv = [
    "--import",
    "tsx",
    "sequencer/service/main.ts",
    "--rpc",
    args.rpc,
    "--deployment",
    args.deployment,
    "--db",
    args.db,
    "--instance",
    args.instance,
    "--port",
    "0",
    "--max-age-ms",
    String(args.maxAgeMs ?? 300),
    "--poll-ms",
    "100",
  ];
  const env = { ...process.env, ...(args.crashAt === undefined ? {} : { SOLVENT_CRASH_AT: args.crashAt }) };
  if (args.crashAt === undefined) delete env.SOLVENT_CRASH_AT;
  const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<string>((res) => child.on("exit", (code, signal) => res(signal ?? String(code))));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`service did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (): void => {
      const m = /listening (http:\/\/\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        res(m[1]!);
      }
    };
    child.stdout.on("data", onData);
    void exited.then((how) => {
      clearTimeout(timer);
      // A planned crash may come before the API is up (a full batch is sealed and proved at once).
      if (args.crashAt !== undefined && how === "SIGKILL") res("");
      else rej(new Error(`service exited (${how}) before listening:\n${out}`));
    });
  });
  return {
    url,
    child,
    output: () => out,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      return exited;
    },
  };
}
