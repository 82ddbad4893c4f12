/**
 * The two servers a run measures, as black boxes on 127.0.0.1: the real
 * `kez-sig-server` (`main.ts`) on a database file, and the bare limit
 * server (`bare_server.ts`).
 *
 * @module
 */

import { type Child, freePort, spawn, spawnLogged } from "./processes.ts";

/** A running server. */
export interface Server {
  /** The process. */
  readonly child: Child;
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** Its port. */
  readonly port: number;
  /** The file its stderr goes to (the real server's log), if any. */
  readonly logFile?: string;
}

const MAIN_TS = new URL("../../../main.ts", import.meta.url).pathname;
/** The V8 flags `deno task start` runs the server with, which bound its heaps. */
const V8_FLAGS = (JSON.parse(
  Deno.readTextFileSync(new URL("../../../deno.json", import.meta.url)),
).tasks.start as string).split(" ").filter((w) => w.startsWith("--v8-flags="));
const BARE_TS = new URL("./bare_server.ts", import.meta.url).pathname;
const LEAST_WORK_TS = new URL("./least_work_server.ts", import.meta.url).pathname;

/**
 * Polls `/v1/healthz` until it answers 200.
 *
 * @param server the server
 * @param timeoutMs give up after this long
 * @param intervalMs the pause between polls
 * @param status the status that means ready
 * @returns milliseconds until the first answer with `status`
 * @throws {Error} when the process exits or the time is up, with the log's tail
 */
export async function waitReady(
  server: Server,
  timeoutMs = 60_000,
  intervalMs = 5,
  status = 200,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (server.child.exited) break;
    try {
      const res = await fetch(`${server.base}/v1/healthz`);
      await res.body?.cancel();
      if (res.status === status) return performance.now() - started;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  let tail = "";
  if (server.logFile !== undefined) {
    tail = (await Deno.readTextFile(server.logFile).catch(() => "")).slice(-2000);
  }
  throw new Error(
    `${server.child.name} ${server.child.exited ? "exited" : "did not answer"} ` +
      `before it was ready\n${tail}`,
  );
}

/**
 * Starts the real server as the README does (`deno task start`'s V8 flags
 * included), at the default log level, its
 * log in a file. Does not wait: see {@linkcode waitReady}.
 *
 * @param db the database file (created if missing)
 * @param logFile where its log goes
 * @param extraArgs more flags
 * @returns the server
 */
export function spawnRealServer(db: string, logFile: string, extraArgs: string[] = []): Server {
  const port = freePort();
  const args = [
    "run",
    "-A",
    ...V8_FLAGS,
    MAIN_TS,
    "--bind",
    `127.0.0.1:${port}`,
    "--db",
    db,
    "--log-level",
    "info",
    ...extraArgs,
  ];
  const child = spawnLogged("kez-sig-server", logFile, Deno.execPath(), args);
  return { child, base: `http://127.0.0.1:${port}`, port, logFile };
}

/**
 * Starts the bare limit server and waits until it answers.
 *
 * @param size the body's byte size
 * @param contentType the body's media type
 * @param status the status it answers
 * @param headers more headers it answers with, as `name: value` lines
 * @param reads request headers it reads (and ignores), as the real server reads them
 * @returns the server
 */
export async function startBareServer(
  size: number,
  contentType: string,
  status = 200,
  headers: readonly string[] = [],
  reads: readonly string[] = [],
): Promise<Server> {
  return await startStandIn("bare server", [
    BARE_TS,
    "--size",
    String(size),
    "--type",
    contentType,
    "--status",
    String(status),
    ...headers.flatMap((h) => ["--header", h]),
    ...reads.flatMap((name) => ["--read", name]),
  ], status);
}

/**
 * Starts the least-work server (`least_work_server.ts`) with the real
 * server's V8 flags and waits until it answers.
 *
 * @returns the server
 */
export async function startLeastWorkServer(): Promise<Server> {
  return await startStandIn("least-work server", [...V8_FLAGS, LEAST_WORK_TS]);
}

/**
 * Starts a stand-in for the real server on a free port and waits until its
 * `/v1/healthz` gives `status`.
 *
 * @param name what it is, for messages
 * @param args `deno run -A`'s arguments, `--port` left out
 * @param status the status that means ready
 * @returns the server
 */
async function startStandIn(name: string, args: string[], status = 200): Promise<Server> {
  const port = freePort();
  const child = spawn(name, Deno.execPath(), ["run", "-A", ...args, "--port", String(port)]);
  const server = { child, base: `http://127.0.0.1:${port}`, port };
  await waitReady(server, 60_000, 5, status);
  return server;
}
