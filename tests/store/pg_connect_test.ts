import assert from "node:assert/strict";
import { connectPg } from "../../lib/store/pg_connect.ts";
import { postgresTest } from "../support/postgres.ts";

const encoder = new TextEncoder();

/** A backend message: its type byte, its length, its body. */
function message(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setInt32(1, 4 + body.length);
  out.set(body, 5);
  return out;
}

const AUTH_OK = message("R", new Uint8Array(4));
const READY = message("Z", encoder.encode("I"));
const REFUSAL = "terminating connection due to administrator command";
const ERROR = message(
  "E",
  encoder.encode(`SERROR\0VERROR\0C57P01\0M${REFUSAL}\0\0`),
);

/**
 * A database that lets a client in, then answers every query it is sent
 * with an error, as PostgreSQL does to its clients while it shuts down.
 */
function refusingDatabase(): { url: string; done: Promise<void> } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = (async () => {
    const conn = await listener.accept();
    listener.close();
    let pending = new Uint8Array(0);
    let started = false;
    const buffer = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      const joined = new Uint8Array(pending.length + n);
      joined.set(pending);
      joined.set(buffer.subarray(0, n), pending.length);
      pending = joined;
      for (;;) {
        // The start-up message has no type byte; every later one has.
        const head = started ? 1 : 0;
        if (pending.length < head + 4) break;
        const length = new DataView(pending.buffer).getInt32(head);
        if (pending.length < head + length) break;
        const type = started ? String.fromCharCode(pending[0]!) : "";
        pending = pending.slice(head + length);
        if (!started) {
          started = true;
          await conn.write(new Uint8Array([...AUTH_OK, ...READY]));
        } else if (type === "S" || type === "Q") {
          await conn.write(new Uint8Array([...ERROR, ...READY]));
        }
      }
    }
    conn.close();
  })();
  const { port } = listener.addr as Deno.NetAddr;
  return { url: `postgres://kez@127.0.0.1:${port}/kez`, done };
}

Deno.test("connectPg() leaves no rejection unhandled when a new connection's first query fails", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: PromiseRejectionEvent) => {
    e.preventDefault();
    unhandled.push(e.reason);
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  const database = refusingDatabase();
  const sql = connectPg(database.url);
  try {
    await assert.rejects(sql`SELECT 1`, (e: Error) => e.message === REFUSAL);
    // A rejection is reported as unhandled once the tasks queued with it have run.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(unhandled, []);
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
    await sql.end({ timeout: 1 });
    await database.done;
  }
});

postgresTest("connectPg() sends text[] and bigint[] parameters", async (t, cluster) => {
  const sql = connectPg(await cluster.createDatabase("arrays"));
  try {
    await t.step(
      "strings with quotes, backslashes, commas and braces arrive unchanged",
      async () => {
        const sent = ["a", 'say "hi"', "back\\slash", "x,y", "{}", "NULL", "", "é 日"];
        const rows = await sql<{ x: string }[]>`
        SELECT x FROM unnest(${sent}::text[]) WITH ORDINALITY AS t(x, n) ORDER BY n`;
        assert.deepEqual(rows.map((r) => r.x), sent);
      },
    );
    await t.step("whole numbers up to 2^53 - 1 arrive unchanged", async () => {
      const sent = [0, 1, Number.MAX_SAFE_INTEGER];
      const rows = await sql<{ x: number }[]>`
        SELECT x FROM unnest(${sent}::bigint[]) WITH ORDINALITY AS t(x, n) ORDER BY n`;
      assert.deepEqual(rows.map((r) => r.x), sent);
    });
  } finally {
    await sql.end({ timeout: 1 });
  }
});
