/**
 * Test support: a real, throwaway PostgreSQL cluster. `initdb` makes it in a
 * temporary directory, `postgres` serves it on a free loopback port, and
 * stopping it removes the directory. PostgreSQL refuses to run as root, and
 * tests run as root here, so the cluster runs as `nobody` through `setpriv`
 * (as {@linkcode withNobody} runs the server), owning the directory it writes.
 *
 * Where PostgreSQL is not installed, the tests that need it are ignored and
 * say why; with `KEZ_REQUIRE_POSTGRES=1` (which `.ci/run` sets) they fail
 * instead, so that a CI machine never passes by skipping them.
 *
 * @module
 */

import postgres from "postgres";

/** Where the machines this project runs on have PostgreSQL's programs. */
export const POSTGRES_BIN: string = Deno.env.get("KEZ_POSTGRES_BIN") ??
  "/usr/lib/postgresql/15/bin";

const NOBODY = 65534;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

/** A running throwaway cluster. */
export interface PostgresCluster extends AsyncDisposable {
  /** The cluster's port on 127.0.0.1. */
  readonly port: number;
  /** The URL of its `postgres` database, as the superuser `kez`. */
  readonly url: string;
  /**
   * Creates an empty database.
   *
   * @param name a new database's name (letters, digits, `_`)
   * @returns its URL
   */
  createDatabase(name: string): Promise<string>;
  /** Stops the cluster (fast shutdown) without removing it, as an outage would. */
  pause(): Promise<void>;
  /** Starts a paused cluster again on the same port. */
  resume(): Promise<void>;
  /** Stops the cluster and removes its directory. */
  stop(): Promise<void>;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * Why PostgreSQL cannot be started here, or null when it can.
 *
 * @returns the reason to skip, or null
 */
export function whyNoPostgres(): string | null {
  if (Deno.build.os !== "linux") return "the fixture runs PostgreSQL on Linux only";
  for (const program of ["initdb", "postgres"]) {
    if (!isFile(`${POSTGRES_BIN}/${program}`)) {
      return `PostgreSQL is not installed (no ${POSTGRES_BIN}/${program}; set KEZ_POSTGRES_BIN)`;
    }
  }
  if (Deno.uid() === 0 && !isFile("/usr/bin/setpriv")) {
    return "PostgreSQL cannot run as root, and there is no /usr/bin/setpriv to run it as nobody";
  }
  return null;
}

/** Whether a skip must fail instead: `KEZ_REQUIRE_POSTGRES=1`, as `.ci/run` sets. */
function required(): boolean {
  return Deno.env.get("KEZ_REQUIRE_POSTGRES") === "1";
}

let said = false;

/**
 * Registers a test that needs PostgreSQL: ignored, with the reason printed,
 * where it cannot run; failed instead when `KEZ_REQUIRE_POSTGRES=1`.
 *
 * @param name the test's name
 * @param fn the test, given a fresh cluster that is removed afterwards
 */
export function postgresTest(
  name: string,
  fn: (t: Deno.TestContext, cluster: PostgresCluster) => Promise<void>,
): void {
  const why = whyNoPostgres();
  if (why !== null && !required() && !said) {
    said = true;
    console.error(`PostgreSQL tests skipped: ${why}`);
  }
  Deno.test({
    name,
    ignore: why !== null && !required(),
    sanitizeResources: false,
    sanitizeOps: false,
    async fn(t) {
      if (why !== null) {
        throw new Error(`KEZ_REQUIRE_POSTGRES=1, but PostgreSQL tests cannot run: ${why}`);
      }
      await using cluster = await startPostgres();
      await fn(t, cluster);
    },
  });
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** A command as the cluster's user: nobody when we are root, else ourselves. */
function asOwner(program: string, args: string[]): Deno.Command {
  const path = `${POSTGRES_BIN}/${program}`;
  const env = { LC_ALL: "C", LANG: "C", PATH: "/usr/bin:/bin" };
  if (Deno.uid() !== 0) {
    return new Deno.Command(path, { args, env, stdin: "null", stdout: "piped", stderr: "piped" });
  }
  return new Deno.Command("/usr/bin/setpriv", {
    args: [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", path, ...args],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

async function chownTree(dir: string): Promise<void> {
  if (Deno.uid() !== 0) return;
  await Deno.chown(dir, NOBODY, NOBODY);
}

/**
 * Starts a throwaway cluster: `initdb` into a new temporary directory, then
 * `postgres` on a free port, with PostgreSQL's default durability (fsync on,
 * `synchronous_commit` on) so that tests see what production sees.
 *
 * @returns the running cluster
 * @throws {Error} with PostgreSQL's output when it cannot be made or started
 */
export async function startPostgres(): Promise<PostgresCluster> {
  const dir = await Deno.makeTempDir({ prefix: "kez-postgres-" });
  await chownTree(dir);
  const data = `${dir}/data`;
  try {
    // --no-sync only spares initdb's own fsyncs of the template files; the server keeps fsync on.
    const init = await asOwner("initdb", [
      "-D",
      data,
      "-U",
      "kez",
      "--auth=trust",
      "-E",
      "UTF8",
      "--no-sync",
      "--no-instructions",
    ]).output();
    if (init.code !== 0) {
      throw new Error(`Cannot make a PostgreSQL cluster: ${new TextDecoder().decode(init.stderr)}`);
    }
  } catch (e) {
    await Deno.remove(dir, { recursive: true });
    throw e;
  }
  const port = freePort();
  const url = `postgres://kez@127.0.0.1:${port}/postgres`;
  let child: Deno.ChildProcess | null = null;
  let log = "";

  const start = async () => {
    child = asOwner("postgres", [
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
    ]).spawn();
    const drain = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        log = (log + chunk).slice(-20_000);
      }
    };
    drain(child.stdout).catch(() => {});
    drain(child.stderr).catch(() => {});
    const exited = child.status.then(() => true);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        await sql`SELECT 1`;
        return;
      } catch {
        // Not accepting connections yet.
      } finally {
        await sql.end({ timeout: 1 });
      }
      if (await Promise.race([exited, new Promise((r) => setTimeout(() => r(false), 100))])) {
        throw new Error(`PostgreSQL exited at start:\n${log}`);
      }
    }
    throw new Error(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS} ms:\n${log}`);
  };

  const halt = async () => {
    const running = child;
    if (running === null) return;
    child = null;
    // SIGINT is the fast shutdown: clients are disconnected, nothing is waited for.
    try {
      running.kill("SIGINT");
    } catch {
      // Already gone.
    }
    const timer = setTimeout(() => {
      try {
        running.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }, STOP_TIMEOUT_MS);
    await running.status;
    clearTimeout(timer);
  };

  try {
    await start();
  } catch (e) {
    await halt();
    await Deno.remove(dir, { recursive: true });
    throw e;
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await halt();
    await Deno.remove(dir, { recursive: true });
  };
  return {
    port,
    url,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Cannot create database ${name}`);
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await sql.end({ timeout: 1 });
      }
      return `postgres://kez@127.0.0.1:${port}/${name}`;
    },
    pause: halt,
    resume: start,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
