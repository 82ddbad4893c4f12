/**
 * How the server and the witness stop: SIGINT or SIGTERM lets the requests
 * in flight finish for a grace period; a second signal exits at once.
 *
 * @module
 */

/** Where the stop is said: a logger's levels that it uses. */
export interface StopLog {
  /** The stop begins. @param message the line */
  info(message: string): void;
  /** The stop is forced. @param message the line */
  warn(message: string): void;
  /** Writes what is buffered, before a forced exit. */
  flush(): Promise<void>;
}

/** The exit status of a process ended by a signal's second delivery: 128 and its number. */
const SIGNAL_STATUS: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Waits for SIGINT or SIGTERM, then for the requests in flight, for at most
 * the grace period; a second signal exits the process at once (what is
 * committed is on disk, so that is as safe as a crash).
 *
 * @param server the running server
 * @param logger where the stop is said
 * @param graceMs how long to wait for the requests in flight
 * @returns once the server has finished, or the grace is over
 *
 * @example
 * ```ts
 * import { untilStopped } from "./until_stopped.ts";
 * const server = Deno.serve({ port: 0, onListen: () => {} }, () => new Response("ok"));
 * const quiet = { info: () => {}, warn: () => {}, flush: () => Promise.resolve() };
 * const stopped = untilStopped(server, quiet, 1000);
 * Deno.kill(Deno.pid, "SIGTERM");
 * await stopped;
 * ```
 */
export async function untilStopped(
  server: Deno.HttpServer,
  logger: StopLog,
  graceMs: number,
): Promise<void> {
  const { promise: grace, resolve: graceOver } = Promise.withResolvers<"grace over">();
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const handlers = signals.map((signal) => async () => {
    if (graceTimer === undefined) {
      logger.info(
        `shutting down: finishing requests in flight (at most ${
          graceMs / 1000
        } s; a second signal stops at once)`,
      );
      server.shutdown();
      graceTimer = setTimeout(() => graceOver("grace over"), graceMs);
      return;
    }
    // What is committed is on disk (WAL, synchronous=FULL): stopping now is as safe as a crash.
    logger.warn(`${signal} again: stopping now, without the requests in flight`);
    await logger.flush();
    Deno.exit(SIGNAL_STATUS[signal] ?? 1);
  });
  signals.forEach((signal, i) => Deno.addSignalListener(signal, handlers[i]!));
  if ((await Promise.race([server.finished, grace])) === "grace over") {
    logger.warn(`stopped waiting for requests in flight after ${graceMs / 1000} s`);
  }
  clearTimeout(graceTimer);
  signals.forEach((signal, i) => Deno.removeSignalListener(signal, handlers[i]!));
}
