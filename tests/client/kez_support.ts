/**
 * Test support for the `kez` CLI: run it as a subprocess or, faster, in
 * process with its own environment; make temporary directories and dead ports.
 *
 * @module
 */

import { main } from "../../lib/cli/mod.ts";
import type { SqliteStoreOptions } from "../../lib/store/mod.ts";

const KEZ = new URL("../../kez.ts", import.meta.url).pathname;

/** A finished run of `kez`. */
export interface KezRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The stdout lines, without the final empty one. */
  readonly lines: string[];
}

const decoder = new TextDecoder();

/**
 * Runs `kez` in a fresh Deno process.
 *
 * @param args the command line
 * @param env more variables; `KEZ_SECRET` is blanked unless given, so the
 *   caller's environment cannot leak in
 * @param stdin what to feed standard input
 */
export async function kez(
  args: string[],
  env: Record<string, string>,
  stdin?: Uint8Array,
): Promise<KezRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", KEZ, ...args],
    env: { KEZ_SECRET: "", NO_COLOR: "1", ...env },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(stdin);
    await writer.close();
  }
  const out = await child.output();
  const stdout = decoder.decode(out.stdout);
  return {
    code: out.code,
    stdout,
    stderr: decoder.decode(out.stderr),
    lines: stdout.split("\n").slice(0, -1),
  };
}

/**
 * Runs `kez` in this process: the same code as the subprocess but for the
 * exit itself, with the environment given and nothing else.
 *
 * @param args the command line
 * @param env the whole environment
 * @param stdin what standard input holds
 */
export async function kezIn(
  args: string[],
  env: Record<string, string>,
  stdin: Uint8Array = new Uint8Array(),
): Promise<KezRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    env: (name) => env[name],
    out: (line) => out.push(line + "\n"),
    err: (line) => err.push(line + "\n"),
    stdin: () => Promise.resolve(stdin),
  });
  const stdout = out.join("");
  return { code, stdout, stderr: err.join(""), lines: stdout.split("\n").slice(0, -1) };
}

/**
 * Runs `fn` with fresh temporary directories, removed afterwards.
 *
 * @param count how many directories
 * @param fn the test
 */
export async function withDirs(
  count: number,
  fn: (...dirs: string[]) => Promise<void>,
): Promise<void> {
  const dirs = await Promise.all(
    Array.from({ length: count }, () => Deno.makeTempDir({ prefix: "kez-cli-" })),
  );
  try {
    await fn(...dirs);
  } finally {
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
}

/** A base URL where nothing listens: a port just bound and released. */
export function deadServer(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

/**
 * Makes a new identity with `kez identity new`.
 *
 * @param home the `KEZ_HOME`
 * @param alg nostr or ed25519
 * @returns the primary and the secret, from the printed lines
 */
export async function newIdentity(
  home: string,
  alg: "nostr" | "ed25519" = "nostr",
): Promise<{ primary: string; secret: string }> {
  const run = await kezIn(["identity", "new", "--alg", alg, "--json"], { KEZ_HOME: home });
  if (run.code !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

/** The origin of the test servers' logs. */
export const TEST_ORIGIN = "test.example/kez-log";

/**
 * Store options that turn the transparency log on, as the binary does by
 * default: `withServer(fn, withLog())`.
 *
 * @param seed the log's Ed25519 seed; a fresh one by default, so that every
 *   server is another log unless two are given the same
 */
export function withLog(seed: Uint8Array = crypto.getRandomValues(new Uint8Array(32))) {
  return { log: { origin: TEST_ORIGIN, seed } } satisfies SqliteStoreOptions;
}

/**
 * Adds subjects to an identity's local chain and publishes it.
 *
 * @param env the identity's `KEZ_HOME` and `KEZ_SECRET`
 * @param server the server's base URL
 * @param subjects the subjects to add first
 * @returns the publish run
 */
export async function addAndPublish(
  env: Record<string, string>,
  server: string,
  subjects: string[],
): Promise<KezRun> {
  for (const subject of subjects) {
    const add = await kezIn(["sigchain", "add", subject], env);
    if (add.code !== 0) throw new Error(add.stderr);
  }
  return await kezIn(["sigchain", "publish", "--server", server], env);
}

/**
 * The checkpoints a kez home keeps, by file name.
 *
 * @param home the `KEZ_HOME`
 * @returns each kept checkpoint's signed note
 */
export async function keptCheckpoints(home: string): Promise<string[]> {
  const dir = `${home}/log/checkpoints`;
  const notes: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    notes.push(await Deno.readTextFile(`${dir}/${entry.name}`));
  }
  return notes;
}
