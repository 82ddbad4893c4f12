/**
 * Test support: a plain TCP connection to the server that sends exactly the
 * bytes it is given, when it is told to, and reads answers under a deadline.
 * `fetch` cannot stall half-way through a body, send a malformed request or
 * say whether the server closed the connection.
 *
 * @module
 */

/** One HTTP/1.1 answer as read off the wire. */
export interface RawAnswer {
  /** The status code. */
  readonly status: number;
  /** The header fields. */
  readonly headers: Headers;
  /** The body, de-chunked, as text. */
  readonly body: string;
  /** True when a chunked body ended with the connection instead of its last chunk. */
  readonly truncated: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

const CRLF = encoder.encode("\r\n");
const HEAD_END = encoder.encode("\r\n\r\n");

/**
 * A connection to a test server.
 *
 * @example
 * ```ts ignore
 * const conn = await RawConnection.open(base);
 * await conn.send("GET /v1/healthz HTTP/1.1\r\nHost: x\r\n\r\n");
 * const answer = await conn.readAnswer(5_000);
 * conn.close();
 * ```
 */
export class RawConnection {
  readonly #conn: Deno.TcpConn;
  #buffer = new Uint8Array(0);
  #ended = false;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /**
   * Connects.
   *
   * @param base `http://127.0.0.1:PORT`
   * @returns the connection
   */
  static async open(base: string): Promise<RawConnection> {
    const { hostname, port } = new URL(base);
    return new RawConnection(await Deno.connect({ hostname, port: Number(port) }));
  }

  /**
   * Sends bytes as they are.
   *
   * @param data the bytes, or text sent as UTF-8
   * @returns false when the server has closed or reset the connection
   */
  async send(data: string | Uint8Array): Promise<boolean> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    try {
      let sent = 0;
      while (sent < bytes.length) sent += await this.#conn.write(bytes.subarray(sent));
      return true;
    } catch {
      return false;
    }
  }

  /** Reads more bytes into the buffer; false at the end of the connection (or a reset). */
  async #fill(deadline: number): Promise<boolean> {
    if (this.#ended) return false;
    const chunk = new Uint8Array(65_536);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), Math.max(0, deadline - Date.now()));
    });
    const n = await Promise.race([this.#conn.read(chunk).catch(() => null), late]);
    clearTimeout(timer);
    if (n === "late") {
      // A read cannot be abandoned, only ended with the connection.
      this.close();
      throw new Error("timed out waiting for the server");
    }
    if (n === null) {
      this.#ended = true;
      return false;
    }
    const grown = new Uint8Array(this.#buffer.length + n);
    grown.set(this.#buffer);
    grown.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = grown;
    return true;
  }

  #take(n: number): Uint8Array {
    const taken = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.slice(n);
    return taken;
  }

  /**
   * Reads one answer: its head, then a body of `Content-Length` bytes, a
   * chunked body, or everything up to the end of the connection.
   *
   * @param timeoutMs the longest the whole answer may take
   * @returns the answer, or null when the connection ended before any of it
   * @throws {Error} when the deadline passes first (the connection is then closed)
   */
  async readAnswer(timeoutMs: number): Promise<RawAnswer | null> {
    const deadline = Date.now() + timeoutMs;
    let end: number;
    while ((end = indexOf(this.#buffer, HEAD_END)) === -1) {
      if (!await this.#fill(deadline)) {
        if (this.#buffer.length === 0) return null;
        throw new Error(`connection ended inside a head: ${decoder.decode(this.#buffer)}`);
      }
    }
    const [statusLine = "", ...fields] = decoder.decode(this.#take(end + 4)).trimEnd().split(
      "\r\n",
    );
    const headers = new Headers(fields.map((f) => {
      const colon = f.indexOf(":");
      return [f.slice(0, colon), f.slice(colon + 1).trim()] as [string, string];
    }));
    const status = Number(statusLine.split(" ")[1]);
    const length = headers.get("content-length");
    if (length !== null) {
      while (this.#buffer.length < Number(length)) {
        if (!await this.#fill(deadline)) throw new Error("connection ended inside a body");
      }
      return {
        status,
        headers,
        body: decoder.decode(this.#take(Number(length))),
        truncated: false,
      };
    }
    if (headers.get("transfer-encoding")?.includes("chunked")) {
      let body = "";
      for (;;) {
        let eol: number;
        while ((eol = indexOf(this.#buffer, CRLF)) === -1) {
          if (!await this.#fill(deadline)) return { status, headers, body, truncated: true };
        }
        const size = parseInt(decoder.decode(this.#take(eol + 2)), 16);
        while (this.#buffer.length < size + 2) {
          if (!await this.#fill(deadline)) {
            return { status, headers, body: body + decoder.decode(this.#buffer), truncated: true };
          }
        }
        body += decoder.decode(this.#take(size));
        this.#take(2);
        if (size === 0) return { status, headers, body, truncated: false };
      }
    }
    if (status === 204 || status === 304) return { status, headers, body: "", truncated: false };
    while (await this.#fill(deadline));
    return {
      status,
      headers,
      body: decoder.decode(this.#take(this.#buffer.length)),
      truncated: false,
    };
  }

  /**
   * Waits until the bytes received so far contain `marker`, without consuming
   * them: {@linkcode readAnswer} still reads them afterwards. For an answer
   * whose end does not come while the connection stays open.
   *
   * @param marker text to look for
   * @param timeoutMs the longest wait
   * @returns false when the connection ended without it
   * @throws {Error} when the deadline passes first (the connection is then closed)
   */
  async received(marker: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const needle = encoder.encode(marker);
    while (indexOf(this.#buffer, needle) === -1) {
      if (!await this.#fill(deadline)) return false;
    }
    return true;
  }

  /**
   * Waits for the server to close the connection, discarding anything it sends.
   *
   * @param timeoutMs the longest wait
   * @returns true when the server closed it, false when it was still open at the deadline
   *   (the connection is then closed from this side)
   */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    try {
      while (await this.#fill(deadline)) this.#buffer = new Uint8Array(0);
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the connection from this side; closing twice is harmless. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Closed already.
    }
  }
}
