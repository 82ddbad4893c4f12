/**
 * Test support for the docs check: one fresh environment in which a page's shell blocks run as a
 * reader would run them, one after another in one shell session: a scratch copy of the checkout
 * as the working directory, a new `HOME`, `kez` and `kez-sig-server` on `PATH`, the stand-ins of
 * `tests/docs/stand_in.ts` for what cannot run here, and the substitutions that the header of
 * `tests/docs/docs_test.ts` lists.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { waitFor } from "../support/wait_for.ts";

/** The checkout whose docs are checked. */
export const ROOT: string = new URL("../../", import.meta.url).pathname;

/** The variables that tell Deno and npm which certificates to trust, as this machine sets them. */
const CERTIFICATE_VARIABLES = ["DENO_CERT", "SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS"];

function trustedCertificates(): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of CERTIFICATE_VARIABLES) {
    const value = Deno.env.get(name);
    if (value !== undefined) found[name] = value;
  }
  return found;
}

/** The permissions of `deno task start` and of the compiled binaries. */
const PERMISSIONS = "--allow-net --allow-read --allow-write --allow-env";

/** The absolute directories the docs name, which a session rebases under its own root. */
const ROOTS = ["tmp", "var/lib", "etc", "data", "backups", "usr/local/bin"];

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** What a piece of shell code printed (standard output and error, interleaved) and its status. */
export interface ShellRun {
  readonly code: number;
  readonly output: string;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

async function output(command: string, args: string[], cwd = ROOT): Promise<string> {
  const out = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`${command} ${args.join(" ")}: ${decode(out.stderr)}`);
  return decode(out.stdout);
}

/** The files of the checkout that git would commit: tracked and untracked, less the ignored. */
async function copyCheckout(to: string): Promise<void> {
  const list = await output("git", [
    "ls-files",
    "-z",
    "--cached",
    "--others",
    "--exclude-standard",
  ]);
  for (const path of list.split("\0").filter((p) => p !== "")) {
    try {
      await Deno.mkdir(dirname(join(to, path)), { recursive: true });
      await Deno.copyFile(join(ROOT, path), join(to, path));
    } catch (e) {
      // A tracked file deleted in the work tree is not part of what a reader has.
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

async function writeScript(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(path, `#!/bin/sh\n${text}\n`, { mode: 0o755 });
}

/**
 * Kills a process group and waits for its leader, SIGKILL after `timeoutMs`.
 *
 * @param child the group's leader
 * @param timeoutMs how long SIGTERM may take
 * @returns whether it stopped on SIGTERM in time
 */
async function stopGroup(child: Deno.ChildProcess, timeoutMs: number): Promise<boolean> {
  const signal = (s: Deno.Signal) => {
    try {
      Deno.kill(-child.pid, s);
    } catch {
      // The group has gone.
    }
  };
  signal("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), timeoutMs));
  const status = await Promise.race([child.status, late]);
  clearTimeout(timer);
  if (status !== null) return true;
  signal("SIGKILL");
  await child.status;
  return false;
}

/** A fresh environment for one page, or for a page and those that continue it. */
export class Session implements AsyncDisposable {
  /** The scratch directory that holds everything of the session. */
  readonly dir: string;
  /** The working directory: a copy of the checkout. */
  readonly cwd: string;
  /** Where the docs' absolute directories (`/tmp`, `/var/lib`, …) are rebased. */
  readonly root: string;
  /** The port that stands for 7878, where the session's server listens. */
  readonly port: number;
  /** The port that stands for 7879, where nothing listens. */
  readonly deadPort: number;
  readonly #env: Record<string, string>;
  readonly #more: (text: string) => string;
  readonly #servers: { child: Deno.ChildProcess; command: string; log: string }[] = [];

  private constructor(
    dir: string,
    env: Record<string, string>,
    port: number,
    deadPort: number,
    more: (text: string) => string,
  ) {
    this.dir = dir;
    this.#more = more;
    this.cwd = join(dir, "repo");
    this.root = join(dir, "root");
    this.port = port;
    this.deadPort = deadPort;
    this.#env = env;
  }

  /**
   * Makes a new session: the scratch copy, the shims and stand-ins, the environment.
   *
   * @param extraEnv more variables for every command
   * @param more more substitutions, after the session's own
   * @returns the session
   */
  static async open(
    extraEnv: Record<string, string> = {},
    more: (text: string) => string = (text) => text,
  ): Promise<Session> {
    const dir = await Deno.makeTempDir({ prefix: "kez-docs-" });
    const port = freePort();
    const deadPort = freePort();
    const { denoDir } = JSON.parse(await output(Deno.execPath(), ["info", "--json"])) as {
      denoDir: string;
    };
    const realHome = Deno.env.get("HOME") ?? "/root";
    const bin = join(dir, "bin");
    const env: Record<string, string> = {
      HOME: join(dir, "home"),
      PATH: `${join(dir, "home/.deno/bin")}:${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
      LANG: "C.UTF-8",
      NO_COLOR: "1",
      TMPDIR: join(dir, "root/tmp"),
      // The caches a reader's machine has after a first run, and the certificates it trusts, so
      // that a package not in the cache yet (on a new machine) is fetched as on a reader's.
      DENO_DIR: denoDir,
      ...trustedCertificates(),
      npm_config_cache: join(realHome, ".npm"),
      npm_config_userconfig: join(realHome, ".npmrc"),
      // `deno compile` downloads its runtime from dl.deno.land, which cannot be reached here.
      DENORT_BIN: Deno.execPath(),
      // The default address, 0.0.0.0:7878, with the session's port for 7878.
      KEZ_BIND: `0.0.0.0:${port}`,
      KEZ_DOCS_SESSION: dir,
      KEZ_DOCS_PORT: String(port),
      ...extraEnv,
    };
    const session = new Session(dir, env, port, deadPort, more);
    await copyCheckout(session.cwd);
    for (
      const d of [
        "home",
        "bin",
        "state",
        "root/etc/systemd/system",
        ...ROOTS.map((r) => `root/${r}`),
      ]
    ) {
      await Deno.mkdir(join(dir, d), { recursive: true });
    }
    await writeScript(join(bin, "kez"), `exec deno run ${PERMISSIONS} ${ROOT}kez.ts "$@"`);
    await writeScript(
      join(bin, "kez-sig-server"),
      `exec deno run ${PERMISSIONS} ${ROOT}main.ts "$@"`,
    );
    await writeScript(join(bin, "sudo"), `exec "$@"`);
    for (const name of ["docker", "fly", "systemctl"]) {
      await writeScript(
        join(bin, name),
        `exec deno run -A ${ROOT}tests/docs/stand_in.ts ${name} "$@"`,
      );
    }
    const baseline = await new Deno.Command("bash", {
      args: ["--noprofile", "--norc", "-c", "compgen -v"],
      env,
      clearEnv: true,
      stdout: "piped",
    }).output();
    await Deno.writeTextFile(
      join(dir, "state/baseline"),
      `${decode(baseline.stdout)}__rc\n__v\n__state\n`,
    );
    await Deno.writeTextFile(join(dir, "state/shell.sh"), "");
    return session;
  }

  /**
   * The text of a page as this session runs it: the ports 7878 and 7879 and the absolute
   * directories of {@linkcode ROOTS} replaced by the session's.
   *
   * @param text a command or an expected output
   * @returns the text with the session's ports and paths
   */
  substitute(text: string): string {
    const roots = new RegExp(`(^|[\\s'"=:(@])(/(?:${ROOTS.join("|")}))(?=/|\\b|$)`, "gm");
    return this.#more(
      text.replaceAll(/\b7878\b/g, `${this.port}`).replaceAll(/\b7879\b/g, `${this.deadPort}`)
        .replaceAll(roots, `$1${this.root}$2`),
    );
  }

  #script(code: string, strict: boolean): string {
    const state = join(this.dir, "state/shell.sh");
    const baseline = join(this.dir, "state/baseline");
    // Variables, functions and the directory carry over from block to block, as in one shell.
    return [
      "exec 2>&1",
      `__state=${state}`,
      `source "$__state"`,
      `trap '__rc=$?; { for __v in $(compgen -v); do grep -qxF "$__v" ${baseline} || declare -p "$__v"; done; declare -f; printf "cd %q\\n" "$PWD"; } > "$__state" 2>/dev/null; exit $__rc' EXIT`,
      strict ? "set -e -o pipefail" : "",
      code,
    ].join("\n");
  }

  /**
   * Runs shell code in the session, after what earlier code left (variables, functions, the
   * working directory).
   *
   * @param code the code, already substituted
   * @param strict whether it runs under `set -e -o pipefail`, as an `sh` block does
   * @returns its status and interleaved output
   */
  async run(code: string, strict: boolean): Promise<ShellRun> {
    const out = await new Deno.Command("bash", {
      args: ["--noprofile", "--norc", "-c", this.#script(code, strict)],
      cwd: this.cwd,
      env: this.#env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
      signal: AbortSignal.timeout(120_000),
    }).output();
    return { code: out.code, output: decode(out.stdout) };
  }

  /**
   * Starts a command that serves, in its own process group, and waits until the session's port
   * answers `GET /v1/healthz` with 200. It runs until the session ends.
   *
   * @param command the command, already substituted
   * @throws {Error} with its output, when it exits or stays silent instead
   */
  async serve(command: string): Promise<void> {
    const log = join(this.dir, `state/serve-${this.#servers.length}.log`);
    const child = new Deno.Command("setsid", {
      args: [
        "bash",
        "--noprofile",
        "--norc",
        "-c",
        `source ${join(this.dir, "state/shell.sh")}\nexec >${log} 2>&1 </dev/null\nexec ${command}`,
      ],
      cwd: this.cwd,
      env: this.#env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    this.#servers.push({ child, command, log });
    let exited = false;
    child.status.then(() => exited = true);
    const url = `http://127.0.0.1:${this.port}/v1/healthz`;
    try {
      await waitFor(async () => {
        if (exited) throw new Error("it exited");
        try {
          const res = await fetch(url);
          await res.body?.cancel();
          return res.status === 200;
        } catch {
          return false;
        }
      }, { timeoutMs: 60_000, what: `${url} to answer 200` });
    } catch (e) {
      throw new Error(`${command} did not serve: ${e}\n${await this.#read(log)}`);
    }
  }

  async #read(path: string): Promise<string> {
    try {
      return await Deno.readTextFile(path);
    } catch {
      return "";
    }
  }

  /**
   * Stops every server of the session, including those the stand-ins started, and removes the
   * scratch directory.
   *
   * @throws {Error} when a server did not stop on SIGTERM within 20 s
   */
  async [Symbol.asyncDispose](): Promise<void> {
    const stuck: string[] = [];
    for (const server of this.#servers) {
      if (!await stopGroup(server.child, 20_000)) stuck.push(server.command);
    }
    for await (const entry of Deno.readDir(join(this.dir, "state"))) {
      const m = /^group-(\d+)$/.exec(entry.name);
      if (!m) continue;
      try {
        Deno.kill(-Number(m[1]), "SIGKILL");
      } catch {
        // It has stopped already.
      }
    }
    await Deno.remove(this.dir, { recursive: true });
    if (stuck.length > 0) throw new Error(`did not stop on SIGTERM: ${stuck.join("; ")}`);
  }
}
