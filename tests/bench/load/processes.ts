/**
 * Child processes of a bench run: every one is tracked from spawn, so the
 * run can stop all of them, by pid, on success, failure or Ctrl-C.
 *
 * @module
 */

const live = new Set<Child>();

/** A spawned process that the run owns. */
export class Child {
  /** The process id. */
  readonly pid: number;
  /** What it is, for messages. */
  readonly name: string;
  readonly #process: Deno.ChildProcess;
  #exited = false;
  /** Resolves with the exit status. */
  readonly status: Promise<Deno.CommandStatus>;

  /**
   * @param name what it is, for messages
   * @param process the spawned process
   */
  constructor(name: string, process: Deno.ChildProcess) {
    this.name = name;
    this.#process = process;
    this.pid = process.pid;
    this.status = process.status.then((s) => {
      this.#exited = true;
      live.delete(this);
      return s;
    });
    live.add(this);
  }

  /** Whether it has exited. */
  get exited(): boolean {
    return this.#exited;
  }

  /** The child's stdout, when spawned with `stdout: "piped"`. */
  get stdout(): ReadableStream<Uint8Array> {
    return this.#process.stdout;
  }

  /**
   * Stops it: SIGTERM (the server finishes what is in flight), then SIGKILL
   * if it is still there after `graceMs`.
   *
   * @param graceMs how long to wait after SIGTERM
   * @returns its exit status
   */
  async stop(graceMs = 3000): Promise<Deno.CommandStatus> {
    if (!this.#exited) {
      try {
        this.#process.kill("SIGTERM");
      } catch {
        // It exited between the check and the signal.
      }
      const timer = setTimeout(() => {
        try {
          this.#process.kill("SIGKILL");
        } catch {
          // Already gone.
        }
      }, graceMs);
      try {
        return await this.status;
      } finally {
        clearTimeout(timer);
      }
    }
    return await this.status;
  }
}

/**
 * Spawns a tracked child.
 *
 * @param name what it is, for messages
 * @param command the program
 * @param args its arguments
 * @param stdout `"piped"` to read its output, else discarded
 * @returns the child
 */
export function spawn(
  name: string,
  command: string,
  args: readonly string[],
  stdout: "piped" | "null" = "null",
): Child {
  const process = new Deno.Command(command, {
    args: [...args],
    stdin: "null",
    stdout,
    stderr: "inherit",
  }).spawn();
  return new Child(name, process);
}

/**
 * Spawns a tracked child whose standard error goes to a file: a pipe that
 * nobody reads would stall a process that logs every request.
 *
 * @param name what it is, for messages
 * @param logFile where its stderr goes (truncated)
 * @param command the program
 * @param args its arguments
 * @returns the child; `exec` keeps its pid the program's own
 */
export function spawnLogged(
  name: string,
  logFile: string,
  command: string,
  args: readonly string[],
): Child {
  return spawn(name, "sh", [
    "-c",
    'log=$1; shift; exec "$@" 2>"$log"',
    "sh",
    logFile,
    command,
    ...args,
  ]);
}

/** Stops every child still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop(2000)));
}

/**
 * A free TCP port on 127.0.0.1, from the OS (closed again at once, so another
 * process could take it first; good enough on a bench machine).
 *
 * @returns the port
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
