// SqliteStore with chains past its thresholds, made small so that short chains cross them:
// the lines streamed from the file, the tip kept in memory, and the active subjects asked of the
// database once they outgrow their share of the cache.

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Appender } from "../../lib/append/mod.ts";
import { createApp } from "../../lib/http/mod.ts";
import { createLogger } from "../../lib/log/mod.ts";
import { type Envelope, KezError, parsePrimary, toChainEvent } from "../../lib/protocol/mod.ts";
import { SqliteStore, type StoredChain } from "../../lib/store/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { withDir } from "../support/temp_dir.ts";
import { codeOf } from "../support/append_code.ts";

/** A subject of about 500 bytes, so that a few hundred of them outweigh a small cache. */
function subjectOf(i: number): string {
  return `web:https://example.com/${"s".repeat(470)}/${i}`;
}

async function text(chain: StoredChain | null): Promise<string> {
  assert.ok(chain !== null);
  return await new Response(chain.jsonl).text();
}

/** Appends the next events of an author's chain in one batch. */
async function grow(appender: Appender, author: ChainAuthor, count: number, from = 0) {
  const envelopes: Envelope[] = [];
  for (let i = 0; i < count; i++) envelopes.push(author.next("add", subjectOf(from + i)));
  const events = envelopes.map(toChainEvent);
  await Promise.all(appender.appendInOrder(events));
  return events;
}

Deno.test("a chain past cachedChainBytes is served from the file", async (t) => {
  await withDir(async (dir) => {
    const path = `${dir}/long.db`;
    const store = SqliteStore.open(path, { cachedChainBytes: 4096 });
    const appender = new Appender(store);
    const author = new ChainAuthor();
    const primary = parsePrimary(author.primary);
    const events = await grow(appender, author, 150);
    const jsonl = (from: number) => events.slice(from).map((e) => e.line + "\n").join("");

    await t.step("the whole chain is a stream of the stored lines, its length known", async () => {
      const read = store.rowsRead;
      const chain = await store.readChain(primary);
      assert.ok(chain?.jsonl instanceof ReadableStream);
      assert.equal(chain.head.hash, events[149]!.hash);
      const body = await text(chain);
      assert.equal(body, jsonl(0));
      assert.equal(chain.byteLength, new TextEncoder().encode(body).byteLength);
      assert.equal(store.rowsRead - read, 150, "each row read once");
    });

    await t.step("a short ?after answer is bytes, a long one a stream", async () => {
      const read = store.rowsRead;
      const short = await store.readChain(primary, { after: 146 });
      assert.ok(short?.jsonl instanceof Uint8Array);
      assert.equal(await text(short), jsonl(147));
      assert.equal(store.rowsRead - read, 3);
      const long = await store.readChain(primary, { after: 9 });
      assert.ok(long?.jsonl instanceof ReadableStream);
      assert.equal(long.byteLength, new TextEncoder().encode(jsonl(10)).byteLength);
      assert.equal(await text(long), jsonl(10));
      const none = await store.readChain(primary, { after: 149 });
      assert.equal(await text(none), "");
      assert.equal(none?.byteLength, 0);
    });

    await t.step("the head and appends are served from memory", async () => {
      const read = store.rowsRead;
      assert.equal((await store.readHead(primary))?.hash, events[149]!.hash);
      const revoke = toChainEvent(author.next("revoke", subjectOf(3)));
      assert.deepEqual(await appender.append(revoke), { seq: 150, hash: revoke.hash });
      const again = toChainEvent(author.sign({
        seq: 151,
        prev: revoke.hash,
        created_at: "2026-01-01T00:00:00Z",
        op: "revoke",
        subject: subjectOf(3),
      }));
      assert.equal(await codeOf(appender.append(again)), "invalid_op");
      assert.equal(await codeOf(appender.append(revoke)), "conflict");
      assert.equal(store.rowsRead, read);
      events.push(revoke);
    });

    await t.step("a stream sends the chain as it was when read, across a commit", async () => {
      const chain = await store.readChain(primary);
      const next = toChainEvent(author.next("add", "github:later"));
      await appender.append(next);
      assert.equal(chain?.head.hash, events.at(-1)!.hash);
      assert.equal(await text(chain), jsonl(0));
      events.push(next);
      assert.equal(await text(await store.readChain(primary)), jsonl(0));
    });

    await t.step("a stream errors rather than send rows its head does not name", async () => {
      const chain = await store.readChain(primary);
      const [scheme, id] = author.path.split("/") as [string, string];
      const other = new DatabaseSync(path);
      other.prepare(
        "UPDATE sigchain_events SET envelope_hash = 'sha256:changed' WHERE primary_scheme = ? AND primary_id = ? AND seq = ?",
      ).run(scheme, id, events.length - 1);
      other.close();
      const failure = await text(chain).then(() => null, (e: KezError) => e);
      assert.ok(failure instanceof KezError);
      assert.equal(failure.code, "unavailable");
      assert.match(failure.message, /^Cannot read chain: /);
    });
    await store.close();

    await t.step(
      "reopened, the first append loads the tip once, later ones read nothing",
      async () => {
        const db = new DatabaseSync(path);
        const [scheme, id] = author.path.split("/") as [string, string];
        db.prepare(
          "UPDATE sigchain_events SET envelope_hash = ? WHERE primary_scheme = ? AND primary_id = ? AND seq = ?",
        ).run(events.at(-1)!.hash, scheme, id, events.length - 1);
        db.close();
        const reopened = SqliteStore.open(path, { cachedChainBytes: 4096 });
        const appending = new Appender(reopened);
        assert.equal((await reopened.readHead(primary))?.seq, events.length - 1);
        assert.equal(reopened.rowsRead, 1, "the head row alone");
        await grow(appending, author, 1, 1000);
        assert.equal(reopened.rowsRead, 1 + events.length, "the active subjects, once");
        await grow(appending, author, 5, 1001);
        const twice = toChainEvent(author.sign({
          seq: events.length + 6,
          prev: (await reopened.readHead(primary))!.hash,
          created_at: "2026-01-01T00:00:00Z",
          op: "add",
          subject: subjectOf(7),
        }));
        assert.equal(await codeOf(appending.append(twice)), "invalid_op");
        assert.equal(reopened.rowsRead, 1 + events.length);
        await reopened.close();
      },
    );
  });
});

Deno.test("active subjects past their share of the cache are asked of the database", async (t) => {
  await withDir(async (dir) => {
    const path = `${dir}/subjects.db`;
    // 200 kB: lines over 25 kB are not kept, nor subjects over about 59 kB, some 100 of these.
    const options = { cacheBytes: 200_000 };
    const store = SqliteStore.open(path, options);
    const appender = new Appender(store);
    const author = new ChainAuthor();
    const primary = parsePrimary(author.primary);
    await grow(appender, author, 300);

    await t.step("the op check still follows §5 check 9", async () => {
      const read = store.rowsRead;
      const sign = (op: "add" | "revoke", subject: string) => {
        const head = store.readHead(primary);
        return head.then((h) =>
          toChainEvent(author.sign({
            seq: h!.seq + 1,
            prev: h!.hash,
            created_at: "2026-01-01T00:00:00Z",
            op,
            subject,
          }))
        );
      };
      assert.equal(await codeOf(appender.append(await sign("add", subjectOf(5)))), "invalid_op");
      assert.equal(
        await codeOf(appender.append(await sign("revoke", "github:never"))),
        "invalid_op",
      );
      assert.equal(await codeOf(appender.append(await sign("revoke", subjectOf(5)))), "stored");
      assert.equal(await codeOf(appender.append(await sign("revoke", subjectOf(5)))), "invalid_op");
      assert.equal(await codeOf(appender.append(await sign("add", subjectOf(5)))), "stored");
      assert.ok(store.rowsRead - read < 10, `${store.rowsRead - read} rows read`);
    });

    await t.step("events of one batch see each other", async () => {
      const head = (await store.readHead(primary))!;
      const replay = new ChainAuthor(author.alg, author.secret);
      const draft = (seq: number, prev: string, op: "add" | "revoke") => ({
        seq,
        prev,
        created_at: "2026-01-01T00:00:00Z",
        op,
        subject: "github:in-batch",
      });
      const add = toChainEvent(replay.sign(draft(head.seq + 1, head.hash, "add")));
      const revoke = toChainEvent(replay.sign(draft(head.seq + 2, add.hash, "revoke")));
      const twice = toChainEvent(replay.sign(draft(head.seq + 3, revoke.hash, "revoke")));
      const outcomes = await Promise.all(
        appender.appendInOrder([add, revoke, twice]).map((p) => codeOf(p)),
      );
      assert.deepEqual(outcomes, ["stored", "stored", "invalid_op"]);
    });
    await store.close();

    await t.step("reopened, the subjects are found too many again and asked again", async () => {
      const reopened = SqliteStore.open(path, options);
      const appending = new Appender(reopened);
      const head = (await reopened.readHead(primary))!;
      const draft = (op: "add" | "revoke", subject: string, seq: number, prev: string) =>
        toChainEvent(author.sign({ seq, prev, created_at: "2026-01-01T00:00:00Z", op, subject }));
      const revoke = draft("revoke", subjectOf(299), head.seq + 1, head.hash);
      assert.equal(await codeOf(appending.append(revoke)), "stored");
      const read = reopened.rowsRead;
      const again = draft("revoke", subjectOf(299), head.seq + 2, revoke.hash);
      assert.equal(await codeOf(appending.append(again)), "invalid_op");
      assert.equal(
        await codeOf(appending.append(draft("add", subjectOf(5), head.seq + 2, revoke.hash))),
        "invalid_op",
      );
      assert.equal(reopened.rowsRead, read, "the later checks read no rows");
      await reopened.close();
    });
  });
});

Deno.test("HTTP answers of a streamed chain", async (t) => {
  const store = SqliteStore.open(":memory:", { cachedChainBytes: 4096 });
  const app = createApp({ store, logger: createLogger("error") });
  const author = new ChainAuthor();
  const events = await grow(new Appender(store), author, 100);
  const url = `http://x/v1/sigchains/${author.path}`;
  const body = events.map((e) => e.line + "\n").join("");

  await t.step("GET: the lines, with their Content-Length and the head's ETag", async () => {
    const res = await app(new Request(url));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/jsonl");
    assert.equal(res.headers.get("etag"), `"${events[99]!.hash}"`);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.equal(res.headers.get("content-length"), String(new TextEncoder().encode(body).length));
    assert.equal(await res.text(), body);
  });

  await t.step("HEAD: the GET's headers, and no lines read", async () => {
    const get = await app(new Request(`${url}?after=10`));
    await get.body?.cancel();
    const read = store.rowsRead;
    const res = await app(new Request(`${url}?after=10`, { method: "HEAD" }));
    assert.equal(res.status, 200);
    assert.equal(res.body, null);
    for (const name of ["content-length", "content-type", "etag", "cache-control"]) {
      assert.equal(res.headers.get(name), get.headers.get(name), name);
    }
    assert.equal(store.rowsRead, read);
  });

  await t.step("If-None-Match: 304, and no lines read", async () => {
    const read = store.rowsRead;
    const res = await app(
      new Request(url, { headers: { "if-none-match": `"${events[99]!.hash}"` } }),
    );
    assert.equal(res.status, 304);
    assert.equal(res.body, null);
    assert.equal(store.rowsRead, read);
  });
  await store.close();
});
