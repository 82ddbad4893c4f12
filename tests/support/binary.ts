/**
 * Test support: the `kez-sig-server` binary (`main.ts`) as a child process,
 * run to completion or left serving.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/**
 * The permissions of `deno task start` and of the compiled binary, and no
 * more: under `-A`, Deno's SQLite allows what the binary's refuses (ATTACH).
 */
const PERMISSIONS = ["--allow-net", "--allow-read", "--allow-write", "--allow-env"];

/** What a finished run printed. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the binary with arguments and environment, to completion, killing it
 * after `timeoutMs`: a server that starts where it should refuse fails the
 * test (exit 143) instead of hanging it.
 *
 * @param args the arguments
 * @param env more environment variables
 * @param timeoutMs the longest run, 60 s by default
 * @returns its exit status and output
 */
export async function runBinary(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, MAIN, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** A server child process. */
export interface ServerChild extends AsyncDisposable {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** Its port. */
  readonly port: number;
  /** Stops it with SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
}

/** A server child process with its log. */
export interface SpawnedServer {
  /** The process. */
  readonly child: Deno.ChildProcess;
  /** Where it listens, from its "listening on" line. */
  readonly base: string;
  /** Waits for the exit and the end of the log. */
  finished(): Promise<Deno.CommandStatus>;
  /** Its standard error so far. */
  log(): string;
}

/**
 * Starts the binary, collects its log, and waits until it logs its address.
 *
 * @param args the arguments, which must make it serve
 * @param env more environment variables
 * @returns the running server
 * @throws {Error} with its log, when it exits before listening
 */
export async function spawnServer(
  args: string[],
  env: Record<string, string> = {},
): Promise<SpawnedServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, MAIN, ...args],
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let log = "";
  let listening!: (base: string) => void;
  const started = new Promise<string>((resolve) => listening = resolve);
  const drained = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      log += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) listening(m[1]!);
    }
  })();
  const base = await Promise.race([started, drained.then(() => "")]);
  if (base === "") throw new Error(`server did not start:\n${log}`);
  const finished = async () => {
    const status = await child.status;
    await drained;
    return status;
  };
  return { child, base, finished, log: () => log };
}

/**
 * Starts the server on a free port and waits until it listens.
 *
 * @param db the database file
 * @param args more flags
 * @returns the running server
 */
export async function startServer(db: string, args: string[] = []): Promise<ServerChild> {
  const server = await spawnServer(["--bind", "127.0.0.1:0", "--db", db, ...args]);
  let stopped: Promise<void> | null = null;
  const stop = () =>
    stopped ??= (async () => {
      server.child.kill("SIGTERM");
      await server.finished();
    })();
  return {
    base: server.base,
    port: Number(new URL(server.base).port),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
