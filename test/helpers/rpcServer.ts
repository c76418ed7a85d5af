/**
 * Serves a Hardhat in-process chain over JSON-RPC on loopback, so a sequencer in another process
 * (killed and restarted by a test) talks to a chain that outlives it. Requests, batches included,
 * go to the chain's EIP-1193 provider as they are; errors keep their code and revert data, so the
 * other side decodes custom errors as it would from `hardhat node`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Chain } from "./marginChain.js";

interface RpcRequest {
  id: unknown;
  method: string;
  params?: unknown[];
}

export async function serveChain(chain: Chain): Promise<{ url: string; close(): Promise<void> }> {
  const answer = async (req: RpcRequest) => {
    try {
      const result: unknown = await chain.provider.send(req.method, req.params ?? []);
      return { jsonrpc: "2.0", id: req.id, result };
    } catch (err) {
      const e = err as { code?: number; message?: string; data?: unknown };
      return { jsonrpc: "2.0", id: req.id, error: { code: typeof e.code === "number" ? e.code : -32603, message: e.message ?? String(err), ...(e.data === undefined ? {} : { data: e.data }) } };
    }
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RpcRequest | RpcRequest[];
        const reply = Array.isArray(body) ? await Promise.all(body.map(answer)) : await answer(body);
        const text = JSON.stringify(reply, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
