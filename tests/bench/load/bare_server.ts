/**
 * The limit of the GET and POST figures: a bare `Deno.serve` that answers
 * every request with one constant body, of the size and content type of the
 * real answer, reading any request body first as a real handler must; with
 * `--header`, also the real answer's other headers, with constant values, and
 * with `--read`, reading request headers as the real server does.
 *
 * ```sh
 * deno run -A tests/bench/load/bare_server.ts --port 8000 --size 612 --type application/json
 * deno run -A tests/bench/load/bare_server.ts --port 8000 --size 612 --header "etag: \"x\"" --read if-none-match
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";

/**
 * A body of exactly `size` bytes; valid JSON from 8 bytes up, like what it stands in for.
 *
 * @param size the byte size
 * @returns the body
 */
export function constantBody(size: number): Uint8Array<ArrayBuffer> {
  const text = size >= 8 ? `{"p":"${"x".repeat(size - 8)}"}` : "x".repeat(size);
  return new TextEncoder().encode(text);
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string" },
      size: { type: "string" },
      type: { type: "string", default: "application/json" },
      status: { type: "string", default: "200" },
      header: { type: "string", multiple: true, default: [] },
      read: { type: "string", multiple: true, default: [] },
    },
    strict: true,
  });
  const body = constantBody(Number(values.size));
  const status = Number(values.status);
  const headers = { "content-type": values.type };
  const more = values.header.map((field) => {
    const colon = field.indexOf(":");
    return [field.slice(0, colon).trim(), field.slice(colon + 1).trim()] as const;
  });
  Deno.serve(
    { hostname: "127.0.0.1", port: Number(values.port), onListen: () => {} },
    async (req) => {
      if (req.body !== null) await req.arrayBuffer();
      // Read, not used: what it costs is the point.
      for (const name of values.read) req.headers.get(name);
      const res = new Response(body, { status, headers });
      // The others one by one, as the real server sets them (lib/http/responses.ts).
      for (const [name, value] of more) res.headers.set(name, value);
      return res;
    },
  );
}
