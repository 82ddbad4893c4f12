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
import {
  type Config,
  MIRROR_USAGE,
  parseMirror,
  parseServe,
  parseWitness,
  USAGE,
  WITNESS_USAGE,
} from "./lib/config/mod.ts";
import { serve } from "./lib/http/mod.ts";
import { createLogger, type Logger } from "./lib/log/mod.ts";
import { defaultPinPath, Follower, UpstreamPin } from "./lib/mirror/mod.ts";
import { BODY_TIMEOUT_MS } from "./lib/protocol/mod.ts";
import {
  CONSOLE,
  MAINTENANCE_COMMANDS,
  Metrics,
  readArgs,
  type ServerCommand,
  VERSION,
} from "./lib/ops/mod.ts";
import { commandList, findCommand, givesFlag, UsageError } from "./lib/runtime/command_table.ts";
import { claimDatabase } from "./lib/runtime/db_lock.ts";
import { untilStopped } from "./lib/runtime/until_stopped.ts";
import {
  chooseLogKey,
  createLogKey,
  isPostgresUrl,
  type LogKeyChoice,
  newVerifierKey,
  PgStore,
  recordKeyChange,
  redactUrl,
  restInRollbackMode,
  SqliteStore,
  type Store,
  StoredCounts,
} from "./lib/store/mod.ts";
import { SignatureVerifier } from "./lib/verify/mod.ts";
import { runWitness, startWitnessing } from "./lib/witness/mod.ts";

export { VERSION };

/** Exit status for a usage error or an unusable address or database (spec §9). */
const EXIT_USAGE = 2;

/**
 * How long a stop waits for the requests in flight, in milliseconds, for a
 * body timeout. Longer than a body may take to arrive, so every request still
 * being read gets its answer; but `Deno.serve` also waits for bodies that a
 * client stopped sending after an early answer (a 413, a 408), which could
 * hold the exit forever.
 *
 * @param bodyTimeoutMs the server's body timeout
 * @returns the grace
 *
 * @example
 * ```ts
 * import { shutdownGraceMs } from "./main.ts";
 * if (shutdownGraceMs(10_000) !== 11_000) throw new Error("grace");
 * ```
 */
export function shutdownGraceMs(bodyTimeoutMs: number): number {
  return bodyTimeoutMs + 1000;
}

/** The grace of a server on the default body timeout. */
export const SHUTDOWN_GRACE_MS: number = shutdownGraceMs(BODY_TIMEOUT_MS);

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

/** The `mirror` command: it serves, so it is the binary's own. */
const MIRROR_COMMAND: ServerCommand = {
  name: "mirror",
  summary: "follow another server's transparency log and serve a verified copy",
  usage: MIRROR_USAGE,
  async run(args, { env }) {
    const mirror = readArgs("mirror", () => parseMirror(args, env));
    if (mirror.kind === "version") {
      console.log(`kez-sig-server ${VERSION}`);
      return 0;
    }
    return await serveUntilStopped(mirror.config, mirror);
  },
};

/** The `witness` command: a server of its own, for any C2SP log. */
const WITNESS_COMMAND: ServerCommand = {
  name: "witness",
  summary: "a C2SP tlog-witness: cosign checkpoints of the logs it is given",
  usage: WITNESS_USAGE,
  async run(args, { env }) {
    return await runWitness(readArgs("witness", () => parseWitness(args, env)));
  },
};

/** Every command of the binary, as its help lists them; without one, it serves. */
const COMMANDS: readonly ServerCommand[] = [
  MIRROR_COMMAND,
  WITNESS_COMMAND,
  ...MAINTENANCE_COMMANDS,
];

const HELP = `${USAGE}
Commands:
${commandList(COMMANDS, 20)}`;

/**
 * Runs the binary: the server until it is told to stop, or one command of
 * its table.
 *
 * @param args the command-line arguments
 * @returns the process exit status: for the server, 0 after a clean stop or
 *   `--help`/`--version`, 2 for a bad flag or an unusable address or database;
 *   for a maintenance command, 0 on success, 1 on failure, 2 for a usage error
 */
export async function main(args: readonly string[]): Promise<number> {
  const env = (name: string) => Deno.env.get(name);
  const command = findCommand(COMMANDS, args);
  if (command === undefined) return await serveOrFail(args, env);
  const rest = args.slice(1);
  if (givesFlag(rest, "-h", "--help")) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, { env, output: CONSOLE });
  } catch (e) {
    if (e instanceof UsageError) {
      return fail(`${e.message}\nTry 'kez-sig-server ${e.command ?? command.name} --help'.`);
    }
    console.error(`kez-sig-server: ${(e as Error).message}`);
    return 1;
  }
}

/** No command: the server's own flags, or a word that names no command. */
async function serveOrFail(
  args: readonly string[],
  env: (name: string) => string | undefined,
): Promise<number> {
  const first = args[0];
  if (first !== undefined && !first.startsWith("-")) {
    return fail(`Unknown command '${first}'\nTry 'kez-sig-server --help'.`);
  }
  let serve;
  try {
    serve = parseServe(args, env);
  } catch (e) {
    return fail(`${(e as Error).message}\nTry 'kez-sig-server --help'.`);
  }
  switch (serve.kind) {
    case "help":
      console.log(HELP);
      return 0;
    case "version":
      console.log(`kez-sig-server ${VERSION}`);
      return 0;
    case "serve":
      return await serveUntilStopped(serve.config);
  }
}

/** What a mirror follows, and how often it polls once caught up. */
interface Mirroring {
  readonly upstream: string;
  readonly pollMs: number;
}

async function serveUntilStopped(config: Config, mirror?: Mirroring): Promise<number> {
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const { hostname, port } = config.bind;

  // A PostgreSQL database is shared by several servers, and never removed by one.
  const pg = isPostgresUrl(config.db);
  if (pg && mirror !== undefined) {
    return fail("Cannot mirror into a PostgreSQL database: a mirror keeps a SQLite file");
  }
  const existed = pg || await exists(config.db);
  // One file, one server: held until the store is closed, dropped by the kernel on any exit.
  // (An in-memory database is this process's alone; a SQLite URI names no file to lock.)
  const lockable = !pg && config.db !== ":memory:" && !config.db.startsWith("file:");
  // What this start holds, let go in the reverse order on every return. Until it serves, that
  // also removes what it made, so that a start that fails leaves nothing behind.
  await using held = new AsyncDisposableStack();
  let serving = false;
  /** The key file this start wrote, to remove with a database that it created. */
  let createdKey: string | null = null;
  try {
    const lock = lockable ? claimDatabase(config.db) : undefined;
    held.defer(async () => {
      if (!serving && !existed) {
        await removeDatabase(config.db);
        if (createdKey !== null) await Deno.remove(createdKey).catch(() => {});
      }
      if (serving && lock !== undefined) {
        const why = restInRollbackMode(config.db);
        if (why !== null) logger.debug(`database left in WAL mode: ${why}`);
      }
      // Last: closing the lock's descriptor would drop SQLite's own locks on the file.
      lock?.release();
    });
  } catch (e) {
    return fail((e as Error).message);
  }
  // Before anything is opened or signed: an address that cannot be bound costs nothing to undo.
  try {
    Deno.listen({ hostname, port, transport: "tcp" }).close();
  } catch (e) {
    return fail(`Cannot listen on ${hostname}:${port}: ${(e as Error).message}`);
  }
  let log: LogKeyChoice | undefined;
  try {
    log = config.log === null ? undefined : await chooseLogKey(config.log, config.db);
    if (log !== undefined) recordKeyChange(config.db, log);
  } catch (e) {
    return fail((e as Error).message);
  }
  let pin: UpstreamPin | undefined;
  if (mirror !== undefined) {
    try {
      pin = await UpstreamPin.load(defaultPinPath(config.db));
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  const verifier = new SignatureVerifier(config.verifyWorkers);
  held.defer(() => verifier.close());
  let store: Store;
  try {
    // The configuration gives a PostgreSQL database a log always.
    store = pg && log !== undefined
      ? await PgStore.open(config.db, { log: log.signer })
      : await SqliteStore.openBuilding(config.db, {
        writerThread: true,
        cacheBytes: config.cacheMb * 1024 * 1024,
        ...(log === undefined ? {} : { log: log.signer, onLogProgress: logProgress(logger) }),
      });
  } catch (e) {
    return fail(`Cannot open database "${redactUrl(config.db)}": ${(e as Error).message}`);
  }
  held.defer(() => store.close());
  if (log?.newKeyFile) {
    try {
      await createLogKey(log.newKeyFile, log.signer.seed);
      createdKey = log.newKeyFile;
    } catch (e) {
      return fail((e as Error).message);
    }
  }
  if (log?.replaces) {
    logger.warn(
      `--new-log-key: the log of size ${log.replaces.size}, signed until now by key ${
        log.replaces.keyId ?? "(unknown)"
      }, is signed from now on by ${
        newVerifierKey(log)
      }; clients that pinned the old key will report an ALARM (recorded in kez_log_key_changes)`,
    );
  }
  if (store.log !== undefined) {
    logger.info(
      `transparency log ${store.log.verifierKey} at size ${store.log.checkpoint().size}`,
    );
  }
  // An in-memory database cannot be opened a second time, to be counted.
  const stored = config.metrics && !pg && config.db !== ":memory:"
    ? new StoredCounts(config.db)
    : undefined;
  held.defer(() => stored?.close());
  const metrics = config.metrics ? new Metrics({ stored }) : undefined;

  const created = createdKey;
  // Every append, a POST's or the mirror's, goes through it, signatures checked on the workers.
  // Closed before the store, so that the store closes with nothing pending.
  const appender = new Appender(store, { checkSignature: verifier.check });
  held.defer(() => appender.close());
  let witnessing;
  try {
    witnessing = config.witnessing && store.log &&
      await startWitnessing(
        config.witnessing,
        store.log,
        config.db,
        logger,
        metrics && ((w, o) => metrics.witnessAnswered(w, o)),
      );
  } catch (e) {
    return fail((e as Error).message);
  }
  held.defer(() => witnessing?.stop());
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = serve({
      store,
      appender,
      bodyTimeoutMs: config.bodyTimeoutMs,
      logger,
      metrics,
      mirrorOf: mirror?.upstream,
      witnessed: witnessing ? witnessing.witnessed : undefined,
      hostname,
      port,
      onListen: ({ hostname, port }) => {
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        logger.info(
          `kez-sig-server ${VERSION} listening on http://${host}:${port} (db ${
            redactUrl(config.db)
          })`,
        );
        if (created !== null) logger.info(`created log key file ${created}`);
      },
    });
  } catch (e) {
    // The address was free a moment ago. A file that existed has its log
    // signed with the new key now: that key stays, and is said to.
    if (existed && created !== null) logger.info(`created log key file ${created}`);
    await logger.flush();
    return fail(`Cannot listen on ${hostname}:${port}: ${(e as Error).message}`);
  }
  serving = true;

  // Started once serving, so that a mirror that cannot listen never touches its upstream.
  // Stopped first: its appends in flight are awaited before the appender closes.
  const follower = mirror === undefined || pin === undefined ? undefined : Follower.start({
    store: appender,
    upstream: mirror.upstream,
    pin,
    logger,
    pollMs: mirror.pollMs,
  });
  held.defer(() => follower?.stop());
  if (mirror !== undefined) logger.info(`mirroring ${mirror.upstream}, read-only`);

  await untilStopped(server, logger, shutdownGraceMs(config.bodyTimeoutMs));
  await held.disposeAsync();
  logger.info("stopped");
  await logger.flush();
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
