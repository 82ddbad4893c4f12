/**
 * The `--bind` address form: `host:port`, with IPv6 hosts in brackets.
 *
 * @module
 */

/** A socket address to listen on. */
export interface BindAddress {
  /** The host name or IP address, IPv6 without brackets. */
  readonly hostname: string;
  /** The TCP port, 0 to 65535 (0 picks a free one). */
  readonly port: number;
}

/**
 * Parses a bind address such as `0.0.0.0:7878`, `[::1]:7878` or `localhost:0`.
 *
 * @param text the address
 * @returns the host and port
 * @throws {TypeError} when it is not `host:port` with a port from 0 to 65535
 *
 * @example
 * ```ts
 * import { parseBind } from "./bind.ts";
 * const { hostname, port } = parseBind("[::1]:7878");
 * if (hostname !== "::1" || port !== 7878) throw new Error("unexpected");
 * ```
 */
export function parseBind(text: string): BindAddress {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || port > 65535) {
    throw new TypeError(
      `Cannot parse bind address "${text}": expected host:port, such as 0.0.0.0:7878 or [::1]:7878`,
    );
  }
  return { hostname: m[1] ?? m[2]!, port };
}
