/**
 * The `kez-sig-server` binary: reads flags and environment (spec §9), opens
 * the database, serves the API, and shuts down gracefully on SIGINT or SIGTERM.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * if ((await main(["--version"])) !== 0) throw new Error("--version exits 0");
 * ```
 *
 * @module
 */

import denoJson from "./deno.json" with { type: "json" };
import { type Command, parseCommand, USAGE } from "./lib/config/mod.ts";
import { serve } from "./lib/http/mod.ts";
import { createLogger } from "./lib/log/mod.ts";
import { SqliteStore } from "./lib/store/mod.ts";
import { SignatureVerifier } from "./lib/verify/mod.ts";

/** The server's version, from `deno.json`. */
export const VERSION: string = denoJson.version;

/** Exit status for a usage error or an unusable address or database (spec §9). */
const EXIT_USAGE = 2;

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

async function removeDatabase(path: string): Promise<void> {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    await Deno.remove(file).catch(() => {});
  }
}

/**
 * Runs the server until it is told to stop.
 *
 * @param args the command-line arguments
 * @returns the process exit status: 0 after a clean stop or `--help`/`--version`,
 *   2 for a bad flag or an unusable address or database
 */
export async function main(args: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(args, (name) => Deno.env.get(name));
  } catch (e) {
    return fail(`${(e as Error).message}\nTry 'kez-sig-server --help'.`);
  }
  if (command.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (command.kind === "version") {
    console.log(`kez-sig-server ${VERSION}`);
    return 0;
  }
  const { config } = command;
  const logger = createLogger(config.logLevel);

  const existed = await exists(config.db);
  let store: SqliteStore;
  const verifier = new SignatureVerifier(config.verifyWorkers);
  try {
    store = SqliteStore.open(config.db, { checkSignature: verifier.check, writerThread: true });
  } catch (e) {
    verifier.close();
    return fail(`Cannot open database "${config.db}": ${(e as Error).message}`);
  }

  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = serve({
      store,
      logger,
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
    // Leave nothing behind for a start that never served.
    if (!existed) await removeDatabase(config.db);
    return fail(
      `Cannot listen on ${config.bind.hostname}:${config.bind.port}: ${(e as Error).message}`,
    );
  }

  const stop = () => {
    logger.info("shutting down: finishing requests in flight");
    server.shutdown();
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) Deno.addSignalListener(signal, stop);
  await server.finished;
  for (const signal of signals) Deno.removeSignalListener(signal, stop);
  await store.close();
  verifier.close();
  logger.info("stopped");
  await logger.flush();
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
