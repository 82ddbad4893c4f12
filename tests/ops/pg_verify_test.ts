import assert from "node:assert/strict";
import postgres from "postgres";
import { Appender } from "../../lib/append/mod.ts";
import { type AppendResult, PgStore } from "../../lib/store/mod.ts";
import { verifyPostgres, type VerifyProblem } from "../../lib/ops/mod.ts";
import { toChainEvent } from "../../lib/protocol/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { postgresTest } from "../support/postgres.ts";

const SIGNER = { origin: "example.com/log", seed: new Uint8Array(32).fill(5) };

async function audit(url: string) {
  const problems: VerifyProblem[] = [];
  const report = await verifyPostgres(url, (p) => problems.push(p));
  return { report, problems };
}

postgresTest(
  "verifyPostgres: every chain and the log of a PostgreSQL database",
  async (t, cluster) => {
    const url = await cluster.createDatabase("kez");
    const store = await PgStore.open(url, { log: SIGNER });
    const appender = new Appender(store);
    const authors = [
      ...Array.from({ length: 5 }, () => new ChainAuthor()),
      new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs"),
    ];
    // Where each author's events went in the log, by seq.
    const indices = new Map<ChainAuthor, number[]>(authors.map((a) => [a, []]));
    for (let seq = 0; seq < 5; seq++) {
      const results: AppendResult[] = await Promise.all(
        authors.map((a) =>
          appender.append(toChainEvent(a.next(seq === 4 ? "revoke" : "add", `github:s${seq % 4}`)))
        ),
      );
      results.forEach((r, n) => indices.get(authors[n]!)!.push(r.index!));
    }
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const [a, b] = authors as [ChainAuthor, ChainAuthor];
    const [aScheme, aId] = a.primary.split(":") as [string, string];
    const [bScheme, bId] = b.primary.split(":") as [string, string];
    try {
      await t.step("a database PgStore wrote has no problem", async () => {
        const { report, problems } = await audit(url);
        assert.deepEqual(problems, []);
        assert.deepEqual(report, { chains: 6, events: 30, problems: 0, skipped: 0, logSize: 30 });
      });

      await t.step("servers go on writing while it reads one snapshot", async () => {
        const writer = new ChainAuthor();
        const writes = (async () => {
          for (let i = 0; i < 40; i++) {
            await appender.append(toChainEvent(writer.next("add", `github:w${i}`)));
          }
        })();
        const { report, problems } = await audit(url);
        await writes;
        assert.deepEqual(problems, []);
        assert.ok(report.events >= 30 && report.events <= 70, String(report.events));
        assert.equal(report.logSize, report.events);
      });

      await t.step("a changed envelope_json: its chain at its seq, and its leaf", async () => {
        await sql`UPDATE sigchain_events SET envelope_json = envelope_json || ' '
                WHERE primary_scheme = ${aScheme} AND primary_id = ${aId} AND seq = 2`;
        try {
          const { report, problems } = await audit(url);
          assert.deepEqual(problems, [
            {
              primary: a.primary,
              seq: 2,
              message: "stored JSON is not the canonical form (JCS) of the event",
            },
            {
              log: true,
              index: indices.get(a)![2],
              message: `${a.primary} seq 2 is stored unlike the log`,
            },
          ]);
          assert.deepEqual([report.problems, report.skipped], [2, 2]);
        } finally {
          await sql`UPDATE sigchain_events SET envelope_json = rtrim(envelope_json)
                  WHERE primary_scheme = ${aScheme} AND primary_id = ${aId} AND seq = 2`;
        }
      });

      await t.step("a changed hash: its chain at its seq", async () => {
        const [{ envelope_hash: hash }] = await sql<[{ envelope_hash: string }]>`
        SELECT envelope_hash FROM sigchain_events
        WHERE primary_scheme = ${bScheme} AND primary_id = ${bId} AND seq = 3`;
        await sql`UPDATE sigchain_events SET envelope_hash = 'sha256:' || repeat('0', 64)
                WHERE primary_scheme = ${bScheme} AND primary_id = ${bId} AND seq = 3`;
        try {
          const { problems } = await audit(url);
          assert.equal(problems.length, 1, JSON.stringify(problems));
          assert.deepEqual(problems[0], {
            primary: b.primary,
            seq: 3,
            message: `stored hash sha256:${"0".repeat(64)} is not the event's hash ${hash}`,
          });
        } finally {
          await sql`UPDATE sigchain_events SET envelope_hash = ${hash}
                  WHERE primary_scheme = ${bScheme} AND primary_id = ${bId} AND seq = 3`;
        }
      });

      await t.step("a deleted event: the next seq of its chain, and its leaf", async () => {
        const [row] = await sql`
        DELETE FROM sigchain_events
        WHERE primary_scheme = ${bScheme} AND primary_id = ${bId} AND seq = 1 RETURNING *`;
        try {
          const { report, problems } = await audit(url);
          assert.deepEqual(problems, [
            { primary: b.primary, seq: 2, message: "expected seq 1 next, found seq 2" },
            {
              log: true,
              index: indices.get(b)![1],
              message: `${b.primary} seq 1 is in the log, not stored`,
            },
          ]);
          assert.equal(report.skipped, 2);
        } finally {
          await sql`INSERT INTO sigchain_events ${sql(row!)}`;
        }
      });

      await t.step("a changed log leaf: its index, and the root", async () => {
        const index = indices.get(a)![1]!;
        await sql`UPDATE kez_log_entries SET entry = entry || ' ' WHERE idx = ${index}`;
        try {
          const { problems } = await audit(url);
          assert.ok(problems.every((p) => "log" in p), JSON.stringify(problems));
          // The subtree hashes the leaf completes are recomputed from it, so they are wrong too.
          const atLeaf = problems.filter((p) => "index" in p && p.index === index);
          assert.deepEqual(atLeaf.map((p) => p.message).filter((m) => !/level [1-9]/.test(m)), [
            `stored subtree hash at level 0, index ${index} is wrong`,
            `${a.primary} seq 1 is stored unlike the log`,
          ]);
          assert.ok(
            problems.some((p) => p.message.startsWith("the leaves give another root")),
            JSON.stringify(problems),
          );
        } finally {
          await sql`UPDATE kez_log_entries SET entry = rtrim(entry) WHERE idx = ${index}`;
        }
        assert.deepEqual((await audit(url)).problems, []);
      });

      await t.step("a missing leaf: the log at its index", async () => {
        const index = indices.get(b)![2]!;
        const [leaf] = await sql`DELETE FROM kez_log_entries WHERE idx = ${index} RETURNING *`;
        try {
          const { problems } = await audit(url);
          assert.deepEqual(problems, [
            { log: true, index, message: "the log has no leaf at this index" },
          ]);
        } finally {
          await sql`INSERT INTO kez_log_entries ${sql(leaf!)}`;
        }
      });

      await t.step("a database without the table, or out of reach, is named", async () => {
        const empty = await cluster.createDatabase("empty");
        await assert.rejects(
          verifyPostgres(empty, () => {}),
          new RegExp(`^Error: Cannot use database "${empty}": it has no sigchain_events table$`),
        );
        const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const port = listener.addr.port;
        listener.close();
        await assert.rejects(
          verifyPostgres(`postgres://kez:secret@127.0.0.1:${port}/kez`, () => {}),
          new RegExp(`Cannot use database "postgres://kez:\\*\\*\\*@127\\.0\\.0\\.1:${port}/kez"`),
        );
      });
    } finally {
      await sql.end({ timeout: 1 });
      await appender.close();
      await store.close();
    }
  },
);
