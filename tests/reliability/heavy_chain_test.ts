// A chain far heavier than the cache (30,000 events with 500-byte subjects, 32 MB of JSONL):
// its head, its tip and `?after=` cost what a short chain's do, its full GET streams from the
// store, and clients that open it and never read pin little of the server's memory.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { serve } from "../../lib/http/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import {
  canonicalBytes,
  canonicalize,
  hashLine,
  type JsonValue,
  parseEnvelope,
  parseJsonText,
  verifyEventSignature,
} from "../../lib/protocol/mod.ts";
import { SqliteStore } from "../../lib/store/mod.ts";
import { ed25519Signer } from "../bench/load/signers.ts";
import { ChainAuthor, lineOf } from "../support/chain_author.ts";
import { residentKiB } from "../support/process_memory.ts";
import { ServerProcess } from "../support/server_process.ts";

const EVENTS = 30_000;
const CREATED_AT = "2026-01-01T00:00:00Z";

/** A stored chain as the test knows it. */
interface Built {
  readonly author: ChainAuthor;
  readonly path: string;
  readonly length: number;
  readonly head: string;
}

/** The subject of event `seq` of the heavy chain: 500 bytes, unique, so every event is an add. */
function subjectOf(seq: number): string {
  return `web:https://example.com/${"a".repeat(470)}/${String(seq).padStart(5, "0")}`;
}

/**
 * Writes a heavy chain straight into the file: posting 30,000 events would take minutes. The
 * events are real (signed with OpenSSL's Ed25519, which signs exactly as `signEvent` does), and a
 * sample of them is checked with the protocol library.
 */
function writeHeavyChain(db: DatabaseSync, events: number): Built {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  const signer = ed25519Signer(seed);
  const author = new ChainAuthor("ed25519-sha512-jcs", seed);
  assert.equal(author.primary, signer.primary);
  const [scheme, id] = author.path.split("/") as [string, string];
  const insert = db.prepare("INSERT INTO sigchain_events VALUES (?, ?, ?, ?, ?, ?)");
  let prev: string | undefined;
  db.exec("BEGIN");
  for (let seq = 0; seq < events; seq++) {
    const payload = {
      type: "kez.sigchain.event",
      version: 1,
      primary: signer.primary,
      seq,
      ...(prev === undefined ? {} : { prev }),
      created_at: CREATED_AT,
      op: "add",
      payload: { subject: subjectOf(seq) },
    };
    const sig = signer.sign(canonicalBytes(payload as JsonValue));
    const line = canonicalize(
      { kez: "sigchain_event", payload, signature: { alg: signer.alg, key: signer.primary, sig } },
    );
    const hash = `sha256:${createHash("sha256").update(line).digest("hex")}`;
    if (seq % 5_000 === 1 || seq === events - 1) {
      verifyEventSignature(parseEnvelope(parseJsonText(line)));
      assert.equal(hashLine(line), hash);
    }
    insert.run(scheme, id, seq, line, hash, "2026-01-01T00:00:00.000Z");
    prev = hash;
  }
  db.exec("COMMIT");
  return { author, path: author.path, length: events, head: prev! };
}

function writeShortChain(db: DatabaseSync): Built {
  const author = new ChainAuthor();
  const [scheme, id] = author.path.split("/") as [string, string];
  const insert = db.prepare("INSERT INTO sigchain_events VALUES (?, ?, ?, ?, ?, ?)");
  let head = "";
  for (let seq = 0; seq < 3; seq++) {
    const line = lineOf(author.next("add", subjectOf(seq)));
    head = hashLine(line);
    insert.run(scheme, id, seq, line, head, "2026-01-01T00:00:00.000Z");
  }
  return { author, path: author.path, length: 3, head };
}

/** The chain's rows as spec §6 serves them, read from the file. */
function storedJsonl(dbPath: string, chain: Built): string {
  const [scheme, id] = chain.path.split("/") as [string, string];
  const db = new DatabaseSync(dbPath, { readOnly: true });
  const rows = db.prepare(
    "SELECT envelope_json FROM sigchain_events WHERE primary_scheme = ? AND primary_id = ? ORDER BY seq",
  ).all(scheme, id) as { envelope_json: string }[];
  db.close();
  return rows.map((r) => r.envelope_json + "\n").join("");
}

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  assert.equal(res.status, 200, url);
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Medians of two URLs' latencies, measured turn about so that both see the same machine. */
async function medians(a: string, b: string, rounds: number): Promise<[number, number]> {
  for (let i = 0; i < 10; i++) await Promise.all([timed(a), timed(b)]);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    ta.push(await timed(a));
    tb.push(await timed(b));
  }
  return [median(ta), median(tb)];
}

/** POSTs an event to `${base}/{scheme}/{id}/events`. */
async function post(base: string, chain: Built, body: unknown): Promise<[number, string]> {
  const res = await fetch(`${base}/${chain.path}/events`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  return [res.status, await res.text()];
}

const dir = await Deno.makeTempDir({ prefix: "kez-heavy-" });
const dbPath = `${dir}/chains.db`;
// The server's own schema, then the rows as the original server would have stored them.
await SqliteStore.open(dbPath).close();
const seeding = new DatabaseSync(dbPath);
seeding.exec("PRAGMA synchronous = OFF");
const heavy = writeHeavyChain(seeding, EVENTS);
const short = writeShortChain(seeding);
seeding.close();

Deno.test({
  name: "a 30,000-event chain is served at the cost of its answer, not its length",
  fn: async (t) => {
    const store = SqliteStore.open(dbPath, { writerThread: true });
    const server = serve({ store, logger: createLogger("error"), hostname: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${server.addr.port}/v1/sigchains`;
    let head = heavy.head;
    let length = heavy.length;
    try {
      await t.step("GET head: median latency within 2x of a 3-event chain's", async () => {
        const res = await fetch(`${base}/${heavy.path}/head`);
        assert.equal(hashLine(await res.text()), heavy.head);
        assert.equal(res.headers.get("etag"), `"${heavy.head}"`);
        await timed(`${base}/${short.path}/head`);
        const read = store.rowsRead;
        const [ofHeavy, ofShort] = await medians(
          `${base}/${heavy.path}/head`,
          `${base}/${short.path}/head`,
          300,
        );
        console.log(`GET head median: 30k ${ofHeavy.toFixed(3)} ms, 3 ${ofShort.toFixed(3)} ms`);
        assert.ok(ofHeavy < 2 * ofShort, `${ofHeavy} ms against ${ofShort} ms`);
        assert.equal(store.rowsRead, read, "the heads are served from memory");
      });

      await t.step(
        "?after=<head-3>: its 3 lines, within 2x of the 3-event chain's GET",
        async () => {
          const res = await fetch(`${base}/${heavy.path}?after=${EVENTS - 4}`);
          const lines = (await res.text()).split("\n");
          assert.equal(lines.length, 4, "3 lines and the final newline");
          assert.equal(hashLine(lines[2]!), heavy.head);
          // Its head was read alone so far: the first GET of it reads its lines.
          await timed(`${base}/${short.path}`);
          const read = store.rowsRead;
          const [ofHeavy, ofShort] = await medians(
            `${base}/${heavy.path}?after=${EVENTS - 4}`,
            `${base}/${short.path}`,
            300,
          );
          console.log(`GET ?after: 30k ${ofHeavy.toFixed(3)} ms, 3 ${ofShort.toFixed(3)} ms`);
          assert.ok(ofHeavy < 2 * ofShort, `${ofHeavy} ms against ${ofShort} ms`);
          assert.equal(store.rowsRead - read, 3 * 310, "each answer reads its 3 rows, no more");
        },
      );

      await t.step("a POST to the tip is accepted; rejected ones read no rows", async () => {
        const tip = heavy.author.sign({
          seq: length,
          prev: head,
          created_at: CREATED_AT,
          op: "add",
          subject: "github:tip",
        });
        const [status, body] = await post(base, heavy, tip);
        assert.equal(status, 201, body);
        head = hashLine(lineOf(tip));
        length++;
        assert.deepEqual(JSON.parse(body), { seq: length - 1, hash: head });

        const read = store.rowsRead;
        const stale = heavy.author.sign({
          seq: length - 1,
          prev: heavy.head,
          created_at: CREATED_AT,
          op: "add",
          subject: "github:late",
        });
        const unknown = heavy.author.sign({
          seq: length,
          prev: head,
          created_at: CREATED_AT,
          op: "revoke",
          subject: "github:never-added",
        });
        const twice = heavy.author.sign({
          seq: length,
          prev: head,
          created_at: CREATED_AT,
          op: "add",
          subject: subjectOf(7),
        });
        for (let i = 0; i < 20; i++) {
          assert.equal((await post(base, heavy, stale))[0], 409);
          assert.equal((await post(base, heavy, unknown))[0], 400);
          assert.equal((await post(base, heavy, twice))[0], 400);
        }
        assert.equal(store.rowsRead, read, "no rejected POST read a row");

        const next = heavy.author.sign({
          seq: length,
          prev: head,
          created_at: CREATED_AT,
          op: "revoke",
          subject: subjectOf(7),
        });
        assert.equal((await post(base, heavy, next))[0], 201);
        head = hashLine(lineOf(next));
        length++;
        assert.equal(store.rowsRead, read, "nor did the accepted one");
      });

      await t.step("the full GET streams the exact stored bytes, its ETag the head", async () => {
        const expected = new TextEncoder().encode(storedJsonl(dbPath, heavy));
        const read = store.rowsRead;
        const res = await fetch(`${base}/${heavy.path}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("etag"), `"${head}"`);
        assert.equal(res.headers.get("content-length"), String(expected.byteLength));
        let chunks = 0;
        const got = new Uint8Array(expected.byteLength);
        let at = 0;
        for await (const chunk of res.body!) {
          got.set(chunk, at);
          at += chunk.byteLength;
          chunks++;
        }
        assert.equal(at, expected.byteLength);
        assert.deepEqual(got, expected);
        assert.ok(chunks > 10, `streamed in ${chunks} chunks`);
        assert.equal(store.rowsRead - read, length, "every row read once, from the store");

        const before = store.rowsRead;
        const headRes = await fetch(`${base}/${heavy.path}`, { method: "HEAD" });
        assert.equal(headRes.headers.get("content-length"), String(expected.byteLength));
        assert.equal(headRes.headers.get("etag"), `"${head}"`);
        await headRes.body?.cancel();
        assert.equal(store.rowsRead, before, "a HEAD reads no lines");
      });

      await t.step("a GET open across a commit sends the chain its ETag names", async () => {
        const res = await fetch(`${base}/${heavy.path}`);
        assert.equal(res.headers.get("etag"), `"${head}"`);
        const reader = res.body!.getReader();
        const first = await reader.read();
        assert.ok(!first.done);
        const event = heavy.author.sign({
          seq: length,
          prev: head,
          created_at: CREATED_AT,
          op: "add",
          subject: "github:during",
        });
        assert.equal((await post(base, heavy, event))[0], 201);
        const parts = [first.value];
        for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
        const text = new TextDecoder().decode(await new Blob(parts).arrayBuffer());
        const lines = text.split("\n");
        assert.equal(lines.length, length + 1, "the events up to the head named, not the new one");
        assert.equal(hashLine(lines[length - 1]!), head);
        head = hashLine(lineOf(event));
        length++;
        assert.equal(
          hashLine(await (await fetch(`${base}/${heavy.path}/head`)).text()),
          head,
          "the new head is served next",
        );
      });
    } finally {
      await server.shutdown();
      await store.close();
    }
  },
});

Deno.test({
  name: "20 clients that never read the 30,000-event chain pin little memory of the server",
  fn: async (t) => {
    await using server = await ServerProcess.start({
      db: dbPath,
      args: ["--transparency-log", "false"],
    });
    const url = `${server.base}/v1/sigchains/${heavy.path}`;
    const healthz = () => timed(`${server.base}/v1/healthz`);
    // Warm: every code path of a streamed answer, run once and read whole.
    for (let i = 0; i < 2; i++) await timed(url);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = residentKiB(server.pid);
    if (before === null) {
      console.log("no /proc here: resident memory is not measured");
      return;
    }
    const stalled: Response[] = [];
    await t.step("20 GETs of the full chain are answered and left unread", async () => {
      for (let i = 0; i < 20; i++) {
        const res = await fetch(url);
        assert.equal(res.status, 200);
        stalled.push(res);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    });
    await t.step("the server's memory grows by well under 150 MB", () => {
      const after = residentKiB(server.pid)!;
      const grown = (after - before) / 1024;
      console.log(`RSS ${(before / 1024).toFixed(0)} MB -> ${(after / 1024).toFixed(0)} MB`);
      assert.ok(grown < 150, `grew by ${grown.toFixed(0)} MB`);
    });
    await t.step("healthz still answers promptly", async () => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) times.push(await healthz());
      console.log(
        `healthz median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`,
      );
      assert.ok(median(times) < 50, `median ${median(times)} ms`);
    });
    for (const res of stalled) await res.body?.cancel();
    assert.doesNotMatch(server.log, /ERROR|internal error/);
  },
});

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
