/**
 * The HTTP JSON API (docs/API.md), on 127.0.0.1 by default. Routing, body limits, rate limits and
 * error mapping live here; every decision about an order or an account is the Sequencer's.
 *
 * Errors are `{ "error": { "code", "message" } }` with a 4xx status (503 while starting, 500 only
 * for a bug). A refused request changes nothing: validation runs before the Sequencer is called,
 * and the Sequencer applies and stores a request in one step or not at all.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { toApiJSON } from "../codec.js";
import { ApiError } from "../errors.js";
import type { Sequencer, SequencerEvent } from "../sequencer.js";
import { parseOrder, parseOrderKey, parseWithdrawal, signature, signatureHeader, uint, object } from "./validate.js";

export interface ApiServerOptions {
  readonly host?: string;
  /** 0 picks a free port */
  readonly port?: number;
  /** requests per second per client address, with a burst of twice as many; 0 disables */
  readonly rateLimit?: number;
  /** largest accepted request body, bytes */
  readonly maxBodyBytes?: number;
  readonly log?: (line: string) => void;
}

type Handler = (req: IncomingMessage, params: string[], body: unknown, url: URL) => unknown;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
  readonly body?: boolean;
}

export class ApiServer {
  readonly server: Server;
  private readonly seq: Sequencer;
  private readonly opts: Required<Omit<ApiServerOptions, "log">> & Pick<ApiServerOptions, "log">;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly streams = new Set<ServerResponse>();
  private readonly routes: Route[];

  constructor(seq: Sequencer, opts: ApiServerOptions = {}) {
    this.seq = seq;
    this.opts = { host: "127.0.0.1", port: 8080, rateLimit: 2_000, maxBodyBytes: 16_384, ...opts };
    this.routes = this.makeRoutes();
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    seq.events.on("event", (e: SequencerEvent) => this.broadcast(e));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const addr = this.server.address() as AddressInfo;
    return `http://${addr.address}:${addr.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.end();
    this.streams.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private makeRoutes(): Route[] {
    const s = this.seq;
    const limit = (url: URL, fallback: number, max: number): number => {
      const v = url.searchParams.get("limit");
      return v === null ? fallback : Number(uint(v, "limit", BigInt(max) + 1n));
    };
    return [
      { method: "GET", pattern: /^\/health$/, handler: () => s.health() },
      { method: "GET", pattern: /^\/markets$/, handler: () => s.markets() },
      {
        method: "GET",
        pattern: /^\/markets\/([^/]+)\/book$/,
        handler: (_r, [m], _b, url) => s.book(Number(uint(m, "market", 256n)), Number(uint(url.searchParams.get("levels") ?? "20", "levels", 1001n))),
      },
      { method: "POST", pattern: /^\/orders$/, body: true, handler: (_r, _p, body) => s.submitOrder(parseOrder(body)) },
      {
        method: "GET",
        pattern: /^\/orders\/([^/]+)$/,
        handler: (_r, [id]) => {
          const key = parseOrderKey(decodeURIComponent(id!));
          const o = s.order(`${key.accountIndex}:${key.orderId}`);
          if (o === undefined) throw new ApiError(404, "UnknownOrder", `no order ${id}`);
          const { sig: _sig, ...rest } = o;
          return rest;
        },
      },
      {
        method: "DELETE",
        pattern: /^\/orders\/([^/]+)$/,
        body: true,
        handler: (_r, [id], body) => {
          const key = parseOrderKey(decodeURIComponent(id!));
          return s.cancelOrder(key.accountIndex, key.orderId, signature(object(body, "body").signature));
        },
      },
      { method: "POST", pattern: /^\/withdrawals$/, body: true, handler: (_r, _p, body) => s.submitWithdrawal(parseWithdrawal(body)) },
      {
        method: "GET",
        pattern: /^\/accounts\/([^/]+)$/,
        handler: (req, [index]) => {
          const ts = req.headers["x-solvent-timestamp"];
          if (typeof ts !== "string") throw new ApiError(401, "MissingAuth", "x-solvent-timestamp header required");
          const sigHeader = req.headers["x-solvent-signature"];
          return s.accountView(uint(index, "account index", 1n << 32n), uint(ts, "x-solvent-timestamp", 1n << 40n), signatureHeader(typeof sigHeader === "string" ? sigHeader : undefined, "x-solvent-signature"));
        },
      },
      { method: "GET", pattern: /^\/batches$/, handler: (_r, _p, _b, url) => s.batches(limit(url, 20, 1000)).map(batchView) },
      {
        method: "GET",
        pattern: /^\/batches\/([^/]+)$/,
        handler: (_r, [n]) => {
          const b = s.batch(uint(n, "batch number", 1n << 63n));
          if (b === undefined) throw new ApiError(404, "UnknownBatch", `no batch ${n}`);
          return batchView(b);
        },
      },
      { method: "GET", pattern: /^\/fills$/, handler: (_r, _p, _b, url) => s.store.fills({ limit: limit(url, 50, 1000) }) },
    ];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!this.admit(req.socket.remoteAddress ?? "?")) throw new ApiError(429, "RateLimited", `more than ${this.opts.rateLimit} requests per second`);
      const url = new URL(req.url ?? "/", "http://localhost");
      if (req.method === "GET" && url.pathname === "/stream") return this.openStream(req, res);
      const matching = this.routes.filter((r) => r.pattern.test(url.pathname));
      if (matching.length === 0) throw new ApiError(404, "NotFound", `no route ${url.pathname}`);
      const route = matching.find((r) => r.method === req.method);
      if (route === undefined) throw new ApiError(405, "MethodNotAllowed", `${req.method} not allowed on ${url.pathname} (${matching.map((r) => r.method).join(", ")})`);
      const body = route.body === true ? await this.readBody(req) : undefined;
      const params = route.pattern.exec(url.pathname)!.slice(1);
      const result = route.handler(req, params, body, url);
      send(res, 200, result);
    } catch (err) {
      if (err instanceof ApiError) {
        send(res, err.status, { error: { code: err.code, message: err.message } });
        return;
      }
      this.opts.log?.(`API: internal error on ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      send(res, 500, { error: { code: "Internal", message: "internal error" } });
    }
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const type = req.headers["content-type"] ?? "";
    if (!type.startsWith("application/json")) throw new ApiError(415, "UnsupportedMediaType", "send application/json");
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > this.opts.maxBodyBytes) throw new ApiError(413, "BodyTooLarge", `request body over ${this.opts.maxBodyBytes} bytes`);
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(400, "MalformedJSON", "the body is not valid JSON");
    }
  }

  /** Token bucket per client address. */
  private admit(client: string): boolean {
    const rate = this.opts.rateLimit;
    if (rate <= 0) return true;
    const now = performance.now();
    const b = this.buckets.get(client) ?? { tokens: 2 * rate, at: now };
    b.tokens = Math.min(2 * rate, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    this.buckets.set(client, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Server-Sent Events: `event: fill|order|batch|price|risk|deposit`, `data: <json>`. */
  private openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(": solvent stream\n\n");
    this.streams.add(res);
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
    heartbeat.unref();
    req.on("close", () => {
      clearInterval(heartbeat);
      this.streams.delete(res);
    });
  }

  private broadcast(e: SequencerEvent): void {
    if (this.streams.size === 0) return;
    const frame = `event: ${e.type}\ndata: ${toApiJSON(e)}\n\n`;
    for (const s of this.streams) s.write(frame);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = toApiJSON(body ?? null);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function batchView(b: import("../types.js").BatchRecord) {
  const { proof: _proof, ...rest } = b;
  return { ...rest, proven: b.proof !== undefined };
}
