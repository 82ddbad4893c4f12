/**
 * Test support: the real `kez-sig-server` binary (`main.ts`) run as a child
 * process, so that it can be killed, stopped by a signal and restarted on
 * the same database the way an operator's supervisor would.
 *
 * @module
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** How to start the server. */
export interface ServerProcessOptions {
  /** A command of the binary to run (`witness`), before every flag; the server by default. */
  readonly command?: string;
  /** The database file, passed as `--db`. */
  readonly db: string;
  /** More flags, after `--bind` and `--db`. */
  readonly args?: readonly string[];
  /** More environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * A command the server runs under, e.g. `["unshare", "--mount", …]`: the
   * server's own command line is appended to it.
   */
  readonly prefix?: readonly string[];
  /** How long to wait for the "listening on" line; 30 s by default (a cold cache compiles). */
  readonly startTimeoutMs?: number;
}

/**
 * A running server process on a free loopback port.
 *
 * @example
 * ```ts ignore
 * await using server = await ServerProcess.start({ db: "/tmp/x.db" });
 * await fetch(`${server.base}/v1/healthz`);
 * server.kill("SIGTERM");
 * const status = await server.exited(10_000);
 * ```
 */
export class ServerProcess {
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** The process id: the server itself, since any prefix must `exec` it. */
  readonly pid: number;
  readonly #child: Deno.ChildProcess;
  readonly #drained: Promise<void>;
  readonly #log: { text: string };
  #status: Deno.CommandStatus | undefined;

  private constructor(
    child: Deno.ChildProcess,
    base: string,
    drained: Promise<void>,
    log: { text: string },
  ) {
    this.#child = child;
    this.base = base;
    this.pid = child.pid;
    this.#drained = drained;
    this.#log = log;
    child.status.then((s) => this.#status = s);
  }

  /**
   * Starts the server and waits until it logs the address it listens on.
   *
   * @param options the database and anything else
   * @returns the running server
   * @throws {Error} with the server's log when it exits or stays silent instead
   */
  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const serverArgs = [
      "run",
      "-A",
      MAIN,
      ...(options.command === undefined ? [] : [options.command]),
      "--bind",
      "127.0.0.1:0",
      "--db",
      options.db,
      ...(options.args ?? []),
    ];
    const [command, ...prefixArgs] = options.prefix ?? [];
    const child = new Deno.Command(command ?? Deno.execPath(), {
      args: command === undefined ? serverArgs : [...prefixArgs, Deno.execPath(), ...serverArgs],
      env: { NO_COLOR: "1", ...options.env },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const log = { text: "" };
    let listening!: (base: string) => void;
    const started = new Promise<string>((resolve) => listening = resolve);
    const drained = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        log.text += chunk;
        const m = /listening on (http:\/\/\S+)/.exec(log.text);
        if (m) listening(m[1]!);
      }
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(""), options.startTimeoutMs ?? 30_000);
    });
    const base = await Promise.race([started, drained.then(() => ""), timedOut]);
    clearTimeout(timer);
    if (base === "") {
      try {
        child.kill("SIGKILL");
      } catch {
        // It has exited already.
      }
      await child.status;
      await drained;
      throw new Error(`server did not start:\n${log.text}`);
    }
    return new ServerProcess(child, base, drained, log);
  }

  /** Everything the server has written to stderr so far. */
  get log(): string {
    return this.#log.text;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.#status === undefined;
  }

  /**
   * Sends a signal, unless the process has exited already.
   *
   * @param signal the signal
   */
  kill(signal: Deno.Signal): void {
    if (this.#status !== undefined) return;
    try {
      this.#child.kill(signal);
    } catch {
      // It exited between the check and the signal.
    }
  }

  /**
   * Waits for the process to exit and its log to end, at most `timeoutMs`;
   * past that it is killed and this throws, so a hung server fails the test
   * instead of hanging it.
   *
   * @param timeoutMs the longest wait
   * @returns the exit status
   * @throws {Error} when the process was still running after `timeoutMs`
   */
  async exited(timeoutMs: number): Promise<Deno.CommandStatus> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const status = await Promise.race([this.#child.status, late]);
    clearTimeout(timer);
    if (status === null) {
      this.kill("SIGKILL");
      await this.#child.status;
      await this.#drained;
      throw new Error(`server still running after ${timeoutMs} ms:\n${this.log}`);
    }
    await this.#drained;
    return status;
  }

  /** Kills the process if it is still running and waits for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.kill("SIGKILL");
    await this.#child.status;
    await this.#drained;
  }
}
