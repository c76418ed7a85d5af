/**
 * The typed TypeScript client of the sequencer's HTTP API (docs/API.md), used by the tests and the
 * demo. It signs what the API asks to be signed with the caller's BabyJubJub key; integers travel as
 * decimal strings and come back as bigints (every all-digit string in a response is read as one).
 */
import { Side } from "../core/constants.js";
import { signOrder, signWithdrawal, type Order } from "../core/order.js";
import type { KeyPair, Signature } from "../crypto/babyjub.js";
import type { Poseidon } from "../crypto/poseidon.js";
import { signCancelOrder, signReadAccount } from "./auth.js";
import type { AccountView, HealthView, MarketView, OrderAck } from "./sequencer.js";
import type { BatchRecord, FillRecord, OrderRecord, OrderType, TimeInForce } from "./types.js";

export class SolventApiError extends Error {
  override name = "SolventApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

export type BatchView = Omit<BatchRecord, "proof"> & { proven: boolean };

export interface StreamEvent {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

const DIGITS = /^-?\d+$/;

function revive(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => (typeof v === "string" && DIGITS.test(v) && v.length < 100 ? BigInt(v) : v));
}

function wire(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

export class SolventClient {
  constructor(
    readonly baseUrl: string,
    private readonly poseidon: Poseidon,
  ) {}

  /** A raw request: the status and the parsed body, errors included (the fuzz test uses it). */
  async raw(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = revive(text);
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }

  private async request<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const { status, body: parsed } = await this.raw(method, path, body === undefined ? undefined : wire(body), headers);
    if (status >= 400) {
      const e = (parsed as { error?: { code?: string; message?: string } }).error;
      throw new SolventApiError(status, e?.code ?? "Unknown", e?.message ?? String(parsed));
    }
    return parsed as T;
  }

  health(): Promise<HealthView> {
    return this.request("GET", "/health");
  }

  markets(): Promise<MarketView[]> {
    return this.request("GET", "/markets");
  }

  book(market: number, levels = 20): Promise<{ bids: [bigint, bigint][]; asks: [bigint, bigint][] }> {
    return this.request("GET", `/markets/${market}/book?levels=${levels}`);
  }

  /** Signs `order` with `key` and submits it. */
  submitOrder(key: KeyPair, order: Order, opts: { type?: OrderType; timeInForce?: TimeInForce } = {}): Promise<OrderAck> {
    const { sig } = signOrder(this.poseidon, key, order);
    return this.submitSignedOrder(order, sig, opts);
  }

  submitSignedOrder(order: Order, sig: Signature, opts: { type?: OrderType; timeInForce?: TimeInForce } = {}): Promise<OrderAck> {
    return this.request("POST", "/orders", {
      order: { ...order, side: order.side === Side.Buy ? "buy" : "sell" },
      signature: sig,
      ...(opts.type === undefined ? {} : { type: opts.type }),
      ...(opts.timeInForce === undefined ? {} : { timeInForce: opts.timeInForce }),
    });
  }

  order(accountIndex: bigint, orderId: bigint): Promise<Omit<OrderRecord, "sig">> {
    return this.request("GET", `/orders/${accountIndex}:${orderId}`);
  }

  cancelOrder(key: KeyPair, accountIndex: bigint, orderId: bigint): Promise<{ id: string; remaining: bigint }> {
    return this.request("DELETE", `/orders/${accountIndex}:${orderId}`, { signature: signCancelOrder(this.poseidon, key, accountIndex, orderId) });
  }

  withdraw(key: KeyPair, w: { accountIndex: bigint; amount: bigint; l1Address: string; nonce: bigint }): Promise<{ batch: bigint }> {
    const sig = signWithdrawal(this.poseidon, key, { accountIndex: w.accountIndex, amount: w.amount, l1Address: BigInt(w.l1Address), nonce: w.nonce });
    return this.request("POST", "/withdrawals", { ...w, signature: sig });
  }

  /** The account's private view, signed by its owner for this moment. */
  account(key: KeyPair, accountIndex: bigint, now = BigInt(Math.floor(Date.now() / 1000))): Promise<AccountView> {
    const sig = signReadAccount(this.poseidon, key, accountIndex, now);
    return this.request("GET", `/accounts/${accountIndex}`, undefined, { "x-solvent-timestamp": String(now), "x-solvent-signature": `${sig.R8x},${sig.R8y},${sig.S}` });
  }

  batches(limit = 20): Promise<BatchView[]> {
    return this.request("GET", `/batches?limit=${limit}`);
  }

  batch(number: bigint): Promise<BatchView> {
    return this.request("GET", `/batches/${number}`);
  }

  fills(limit = 50): Promise<FillRecord[]> {
    return this.request("GET", `/fills?limit=${limit}`);
  }

  /**
   * Subscribes to the Server-Sent Events stream; returns a function that closes it. Events arrive in
   * the order the sequencer emitted them.
   */
  stream(onEvent: (e: StreamEvent) => void): () => void {
    const controller = new AbortController();
    void (async () => {
      try {
        const res = await fetch(`${this.baseUrl}/stream`, { signal: controller.signal });
        if (res.body === null) return;
        const decoder = new TextDecoder();
        let buffer = "";
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const type = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (type !== undefined && data !== undefined) onEvent({ type, data: revive(data) as Record<string, unknown> });
          }
        }
      } catch (err) {
        if (!controller.signal.aborted) throw err;
      }
    })();
    return () => controller.abort();
  }

  /** Polls until batch `number` is verified on chain (or failed: then throws). */
  async waitForBatch(number: bigint, timeoutMs = 600_000): Promise<BatchView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const b = await this.batch(number).catch((err: unknown) => {
        if (err instanceof SolventApiError && err.status === 404) return undefined;
        throw err;
      });
      if (b?.status === "verified") return b;
      if (b?.status === "failed") throw new Error(`batch ${number} failed: ${b.detail.error}`);
      if (Date.now() > deadline) throw new Error(`batch ${number} not verified within ${timeoutMs} ms (status ${b?.status ?? "none"})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
