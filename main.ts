/**
 * The `kez-sig-server` binary: reads flags and environment (spec §9), opens
 * the database, serves the API, and shuts down gracefully on SIGINT or
 * SIGTERM; or does the same as a read-only mirror of another server
 * (`mirror`); or runs one maintenance command (`backup`, `verify`, `stats`,
 * `healthcheck`).
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * if ((await main(["--version"])) !== 0) throw new Error("--version exits 0");
 * ```
 *
 * @module
 */

import { Appender } from "./lib/append/mod.ts";
import { type Command, type Config, type LogConfig, parseCommand } from "./lib/config/mod.ts";
import { BODY_TIMEOUT_MS, serve } from "./lib/http/mod.ts";
import { createLogger, type Logger } from "./lib/log/mod.ts";
import { defaultPinPath, Follower, UpstreamPin } from "./lib/mirror/mod.ts";
import { Metrics, runMaintenance, StoredCounts, VERSION } from "./lib/ops/mod.ts";
import { createLogKey, type LogSigner, readLogKey, SqliteStore } from "./lib/store/mod.ts";
import { SignatureVerifier } from "./lib/verify/mod.ts";

export { VERSION };

/** Exit status for a usage error or an unusable address or database (spec §9). */
const EXIT_USAGE = 2;

/**
 * How long a stop waits for the requests in flight, in milliseconds. Longer
 * than a body may take to arrive, so every request still being read gets its
 * answer; but `Deno.serve` also waits for bodies that a client stopped
 * sending after an early answer (a 413), which could hold the exit forever.
 */
export const SHUTDOWN_GRACE_MS: number = BODY_TIMEOUT_MS + 1000;

function fail(message: string): number {
  console.error(`kez-sig-server: ${message}`);
  return EXIT_USAGE;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reports building the log of an existing file: at most every 2 s, and when done. */
function logProgress(logger: Logger): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (done < total && now - last < 2000) return;
    last = now;
    logger.info(`building the transparency log: ${done} of ${total} stored events`);
  };
}

async function removeDatabase(path: string): Promise<void> {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    await Deno.remove(file).catch(() => {});
  }
}

/**
 * Runs the binary: the server until it is told to stop, or one maintenance
 * command.
 *
 * @param args the command-line arguments
 * @returns the process exit status: for the server, 0 after a clean stop or
 *   `--help`/`--version`, 2 for a bad flag or an unusable address or database;
 *   for a maintenance command, 0 on success, 1 on failure, 2 for a usage error
 */
export async function main(args: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(args, (name) => Deno.env.get(name));
  } catch (e) {
    return fail(`${(e as Error).message}\nTry 'kez-sig-server --help'.`);
  }
  switch (command.kind) {
    case "help":
      console.log(command.text);
      return 0;
    case "version":
      console.log(`kez-sig-server ${VERSION}`);
      return 0;
    case "serve":
      return await serveUntilStopped(command.config);
    case "mirror":
      return await serveUntilStopped(command.config, command);
    default:
      return await runMaintenance(command);
  }
}

/** The log's signer, and the key file to create once the database proves usable. */
interface LogKey {
  readonly signer: LogSigner;
  newKeyFile: string | null;
}

/**
 * Reads the log's key file, or makes a new seed for one. The file is written
 * only once the database is known to be usable (see serveUntilStopped), so
 * that a refused start leaves no key behind.
 */
async function logKey({ origin, keyFile }: LogConfig): Promise<LogKey> {
  const seed = keyFile === null ? null : await readLogKey(keyFile);
  if (seed !== null) return { signer: { origin, seed }, newKeyFile: null };
  return {
    signer: { origin, seed: crypto.getRandomValues(new Uint8Array(32)) },
    newKeyFile: keyFile,
  };
}

/** What a mirror follows, and how often it polls once caught up. */
interface Mirroring {
  readonly upstream: string;
  readonly pollMs: number;
}

async function serveUntilStopped(config: Config, mirror?: Mirroring): Promise<number> {
  const logger = createLogger(config.logLevel, undefined, config.logFormat);

  const existed = await exists(config.db);
  let log: LogKey | undefined;
  try {
    log = config.log === null ? undefined : await logKey(config.log);
  } catch (e) {
    return fail((e as Error).message);
  }
  // Leave nothing behind for a start that never served.
  const abandon = async () => {
    if (!existed) await removeDatabase(config.db);
    if (log?.newKeyFile) await Deno.remove(log.newKeyFile).catch(() => {});
  };
  let pin: UpstreamPin | undefined;
  if (mirror !== undefined) {
    try {
      pin = await UpstreamPin.load(defaultPinPath(config.db));
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  let store: SqliteStore;
  const verifier = new SignatureVerifier(config.verifyWorkers);
  try {
    store = await SqliteStore.openBuilding(config.db, {
      writerThread: true,
      ...(log === undefined ? {} : { log: log.signer, onLogProgress: logProgress(logger) }),
    });
  } catch (e) {
    verifier.close();
    return fail(`Cannot open database "${config.db}": ${(e as Error).message}`);
  }
  if (log?.newKeyFile) {
    try {
      await createLogKey(log.newKeyFile, log.signer.seed);
      logger.info(`created log key file ${log.newKeyFile}`);
    } catch (e) {
      await store.close();
      verifier.close();
      // The file is someone else's: only the database is ours to remove.
      log.newKeyFile = null;
      await abandon();
      return fail((e as Error).message);
    }
  }
  if (store.log !== undefined) {
    logger.info(
      `transparency log ${store.log.verifierKey} at size ${store.log.checkpoint().size}`,
    );
  }
  // An in-memory database cannot be opened a second time, to be counted.
  const stored = config.metrics && config.db !== ":memory:"
    ? new StoredCounts(config.db)
    : undefined;
  const metrics = config.metrics ? new Metrics({ stored }) : undefined;

  // Every append, a POST's or the mirror's, goes through it, signatures checked on the workers.
  const appender = new Appender(store, { checkSignature: verifier.check });
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = serve({
      store,
      appender,
      logger,
      metrics,
      mirrorOf: mirror?.upstream,
      hostname: config.bind.hostname,
      port: config.bind.port,
      onListen: ({ hostname, port }) => {
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        logger.info(
          `kez-sig-server ${VERSION} listening on http://${host}:${port} (db ${config.db})`,
        );
      },
    });
  } catch (e) {
    await store.close();
    verifier.close();
    await abandon();
    return fail(
      `Cannot listen on ${config.bind.hostname}:${config.bind.port}: ${(e as Error).message}`,
    );
  }

  // Started once serving, so that a mirror that cannot listen never touches its upstream.
  const follower = mirror === undefined || pin === undefined ? undefined : Follower.start({
    store: appender,
    upstream: mirror.upstream,
    pin,
    logger,
    pollMs: mirror.pollMs,
  });
  if (mirror !== undefined) logger.info(`mirroring ${mirror.upstream}, read-only`);

  let graceOver!: () => void;
  const grace = new Promise<"grace over">((resolve) => graceOver = () => resolve("grace over"));
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    logger.info("shutting down: finishing requests in flight");
    server.shutdown();
    graceTimer ??= setTimeout(graceOver, SHUTDOWN_GRACE_MS);
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  if ((await Promise.race([server.finished, grace])) === "grace over") {
    logger.warn(`stopped waiting for requests in flight after ${SHUTDOWN_GRACE_MS / 1000} s`);
  }
  clearTimeout(graceTimer);
  for (const signal of signals) Deno.removeSignalListener(signal, stop);
  // Its appends in flight are awaited, so the store closes with nothing pending.
  await follower?.stop();
  stored?.close();
  await appender.close();
  await store.close();
  verifier.close();
  logger.info("stopped");
  await logger.flush();
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
