/**
 * The POST load generator: keep-alive HTTP/1.1 connections on raw TCP, each
 * sending its own list of pre-built requests one at a time, in order — so a
 * connection that owns a chain appends its events in seq order, which wrk's
 * Lua cannot do. Every answer is checked: a `201` whose `seq` and `hash` are
 * the event's own, anything else is an error.
 *
 * Raw TCP rather than `fetch` so the generator stays far faster than the
 * server: `main.ts` shows how far by driving the bare server with it.
 *
 * @module
 */

import { CpuMeter, MachineMeter } from "./proc.ts";

/** One pre-built request. */
export interface PostRequest {
  /** The whole request: head and body. */
  readonly bytes: Uint8Array;
  /** The event's seq, which the `201` must echo. */
  readonly seq: number;
  /** The event's hash, which the `201` must echo. */
  readonly hash: string;
}

const encoder = new TextEncoder();

/**
 * Builds the bytes of a POST of an event body to its chain.
 *
 * @param path the chain's path, `/v1/sigchains/{scheme}/{id}`
 * @param line the body, `JCS(envelope)` (ASCII)
 * @param seq the event's seq
 * @param hash the event's hash
 * @returns the request
 */
export function postRequest(path: string, line: string, seq: number, hash: string): PostRequest {
  // No port in Host: the same bytes go to every server of the run.
  const head = `POST ${path}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${line.length}\r\n\r\n`;
  return { bytes: encoder.encode(head + line), seq, hash };
}

/** How to run the load. */
export interface PostLoadOptions {
  /** The servers' ports on 127.0.0.1: lane i connects to `ports[i % ports.length]`. */
  readonly ports: readonly number[];
  /** One list of requests per connection, each sent in order. */
  readonly lanes: readonly (readonly PostRequest[])[];
  /** Stop sending after this long, seconds (lanes may run out first). */
  readonly seconds: number;
  /** `"event"`: a `201` echoing the event's seq and hash; `"status"`: any `201` (bare server). */
  readonly check: "event" | "status";
  /** The servers' pids, for their CPU use. */
  readonly serverPids?: readonly number[];
}

/** What a run measured. */
export interface PostLoadResult {
  /** Requests answered as checked. */
  readonly ok: number;
  /** Every other outcome, by status and body (or error), with counts. */
  readonly errors: ReadonlyMap<string, number>;
  /** From the first send to the last answer, seconds. */
  readonly seconds: number;
  /** `ok` per second. */
  readonly perSec: number;
  /** Median latency, ms. */
  readonly p50Ms: number;
  /** 99th percentile latency, ms. */
  readonly p99Ms: number;
  /** True when every lane ran out before the time was up. */
  readonly exhausted: boolean;
  /** This process's (the generator's) average CPU use, in cores. */
  readonly generatorCores: number;
  /** The servers' average CPU use, in cores, summed, if their pids were given. */
  readonly serverCores?: number;
  /** The whole machine's average busy cores over the run: the rest is other processes. */
  readonly machineCores: number;
}

/** Reads HTTP/1.1 responses with a `Content-Length` off one connection. */
class ResponseReader {
  readonly #conn: Deno.Conn;
  #buf = new Uint8Array(1 << 16);
  #start = 0;
  #end = 0;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /** Reads one response: its status and body text. */
  async read(): Promise<{ status: number; body: string }> {
    let headEnd: number;
    while ((headEnd = this.#find()) < 0) await this.#fill();
    const head = new TextDecoder("latin1").decode(this.#buf.subarray(this.#start, headEnd));
    const status = Number(head.slice(9, 12));
    if (/\r\ntransfer-encoding:/i.test(head)) {
      throw new Error("chunked answer: this generator reads Content-Length bodies only");
    }
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    const bodyStart = headEnd + 4;
    while (this.#end - bodyStart < length) await this.#fill();
    const body = new TextDecoder().decode(this.#buf.subarray(bodyStart, bodyStart + length));
    this.#start = bodyStart + length;
    return { status, body };
  }

  /** The index of the CRLFCRLF that ends the head, or -1. */
  #find(): number {
    const b = this.#buf;
    for (let i = this.#start; i + 3 < this.#end; i++) {
      if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) return i;
    }
    return -1;
  }

  async #fill(): Promise<void> {
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
    } else if (this.#end === this.#buf.length) {
      // Compact, growing only if one response fills the buffer.
      const rest = this.#buf.subarray(this.#start, this.#end);
      const next = rest.length * 2 > this.#buf.length
        ? new Uint8Array(this.#buf.length * 2)
        : this.#buf;
      next.set(rest);
      this.#buf = next;
      this.#end = rest.length;
      this.#start = 0;
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    if (n === null) throw new Error("connection closed by the server");
    this.#end += n;
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Runs the load: opens one connection per lane, then sends each lane's
 * requests in order until the lanes or the time run out.
 *
 * @param options what to run
 * @returns the figures and every error
 */
export async function runPostLoad(options: PostLoadOptions): Promise<PostLoadResult> {
  const conns = await Promise.all(
    options.lanes.map((_, i) =>
      Deno.connect({ hostname: "127.0.0.1", port: options.ports[i % options.ports.length]! })
    ),
  );
  const total = options.lanes.reduce((n, l) => n + l.length, 0);
  const latencies = new Float64Array(total);
  let done = 0;
  let ok = 0;
  const errors = new Map<string, number>();
  const fail = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);
  let exhausted = true;
  let lastAnswer = 0;

  const machine = new MachineMeter();
  const generatorCpu = new CpuMeter("self");
  const serverCpu = options.serverPids?.map((pid) => new CpuMeter(pid));
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  try {
    await Promise.all(options.lanes.map(async (lane, i) => {
      const conn = conns[i]!;
      conn.setNoDelay(true);
      const reader = new ResponseReader(conn);
      for (const req of lane) {
        const sent = performance.now();
        if (sent >= deadline) {
          exhausted = false;
          return;
        }
        try {
          await writeAll(conn, req.bytes);
          const { status, body } = await reader.read();
          const now = performance.now();
          latencies[done++] = now - sent;
          lastAnswer = now;
          if (status === 201 && (options.check === "status" || echoes(body, req))) {
            ok++;
          } else {
            fail(`${status} ${body.slice(0, 160)}`);
          }
        } catch (e) {
          fail(`connection error: ${(e as Error).message}`);
          return;
        }
      }
    }));
  } finally {
    for (const c of conns) c.close();
  }
  const generatorCores = generatorCpu.stop();
  const serverCores = serverCpu?.reduce((sum, meter) => sum + meter.stop(), 0);
  const machineCores = machine.stop();
  const seconds = (lastAnswer - started) / 1000;
  const sorted = latencies.subarray(0, done).sort();
  return {
    ok,
    errors,
    seconds,
    perSec: seconds > 0 ? ok / seconds : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    exhausted,
    generatorCores,
    ...(serverCores === undefined ? {} : { serverCores }),
    machineCores,
  };
}

/** Whether a `201` body names the event that was sent. */
function echoes(body: string, req: PostRequest): boolean {
  try {
    const answer = JSON.parse(body) as { seq?: unknown; hash?: unknown };
    return answer.seq === req.seq && answer.hash === req.hash;
  } catch {
    return false;
  }
}
