import assert from "node:assert/strict";
import postgres from "postgres";
import { Appender } from "../../lib/append/mod.ts";
import { verifyDatabase, type VerifyProblem } from "../../lib/ops/mod.ts";
import { parsePrimary, toChainEvent, toHex } from "../../lib/protocol/mod.ts";
import {
  backupPostgres,
  createLogKey,
  databaseStats,
  migrateToPostgres,
  pgDatabaseStats,
  PgStore,
  SqliteStore,
} from "../../lib/store/mod.ts";
import { parseCheckpoint, parseNote } from "../../lib/tlog/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { postgresTest } from "../support/postgres.ts";
import { ServerProcess } from "../support/server_process.ts";
import { withDir } from "../support/temp_dir.ts";

const SIGNER = { origin: "example.com/log", seed: new Uint8Array(32).fill(9) };

/** Appends `length` events to each author's chain, interleaved: adds, then a revoke of the first. */
async function append(
  appender: Appender,
  authors: ChainAuthor[],
  length: number,
  prefix: string,
): Promise<void> {
  for (let n = 0; n < length; n++) {
    const [op, subject] = n === length - 1 ? ["revoke", 0] as const : ["add", n] as const;
    await Promise.all(
      authors.map((a) => appender.append(toChainEvent(a.next(op, `github:${prefix}${subject}`)))),
    );
  }
}

function countsOf(stats: { chains: number; events: number; byOp: object; byAlg: object }) {
  const { chains, events, byOp, byAlg } = stats;
  return { chains, events, byOp, byAlg };
}

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

postgresTest(
  "backupPostgres and pgDatabaseStats: a PostgreSQL database to a SQLite file a server goes on with",
  async (t, cluster) => {
    await withDir(async (dir) => {
      const source = `${dir}/source.db`;
      const authors = [
        ...Array.from({ length: 8 }, () => new ChainAuthor()),
        new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs"),
      ];
      {
        const store = SqliteStore.open(source, { log: SIGNER });
        const appender = new Appender(store);
        await append(appender, authors, 6, "a");
        await appender.close();
        await store.close();
      }
      const url = await cluster.createDatabase("kez");
      await migrateToPostgres(source, url);

      await t.step("stats of the migrated database count what the SQLite file does", async () => {
        const [sqlite, pg] = [databaseStats(source), await pgDatabaseStats(url)];
        assert.deepEqual(countsOf(pg), countsOf(sqlite));
        assert.deepEqual(countsOf(pg), {
          chains: 9,
          events: 54,
          byOp: { add: 45, revoke: 9 },
          byAlg: { "ed25519-sha512-jcs": 48, "nostr-secp256k1-schnorr-sha256-jcs": 6 },
        });
        assert.ok(pg.eventsBytes > 0 && pg.logBytes > 0, JSON.stringify(pg));
        assert.ok(pg.databaseBytes > pg.eventsBytes + pg.logBytes, JSON.stringify(pg));
      });

      // Then PgStore appends: the backup holds rows of both writers.
      const store = await PgStore.open(url, { log: SIGNER });
      const appender = new Appender(store);
      const later = [new ChainAuthor(), authors[0]!];
      await append(appender, later, 3, "b");
      const keyFile = `${dir}/log.key`;
      await createLogKey(keyFile, SIGNER.seed);
      const backup = `${dir}/backup.db`;

      try {
        await t.step(
          "backup writes a file that verifies, with the log's key beside it",
          async () => {
            const report = await backupPostgres(url, backup, { keyFile });
            const checkpoint = store.log.checkpoint();
            assert.deepEqual(report, {
              events: 60,
              bytes: (await Deno.stat(backup)).size,
              keyCopy: `${backup}-log.key`,
              keyMissing: null,
              size: 60,
              root: toHex(checkpoint.root),
            });
            assert.deepEqual(await Deno.readFile(report.keyCopy!), await Deno.readFile(keyFile));
            assert.equal((await Deno.stat(report.keyCopy!)).mode! & 0o777, 0o600);
            const problems: VerifyProblem[] = [];
            assert.deepEqual(verifyDatabase(backup, (p) => problems.push(p)), {
              chains: 10,
              events: 60,
              problems: 0,
              skipped: 0,
              logSize: 60,
            });
            assert.deepEqual(problems, []);
            assert.deepEqual(countsOf(databaseStats(backup)), countsOf(await pgDatabaseStats(url)));
            assert.deepEqual(names(dir), [
              "backup.db",
              "backup.db-log.key",
              "log.key",
              "source.db",
            ]);
          },
        );

        await t.step("a SQLite store on the copy serves the same chains and log", async () => {
          const copy = SqliteStore.open(backup, { log: SIGNER });
          try {
            assert.equal(copy.log!.checkpoint().note, store.log.checkpoint().note);
            for (const author of [...authors, later[0]!]) {
              const primary = parsePrimary(author.primary);
              const [a, b] = await Promise.all([store.readChain(primary), copy.readChain(primary)]);
              assert.equal(b?.head.hash, a?.head.hash);
              assert.equal(
                await new Response(b!.jsonl).text(),
                await new Response(a!.jsonl).text(),
              );
            }
            assert.deepEqual(
              (await copy.log!.consistencyProof(20, 60)).map(toHex),
              (await store.log.consistencyProof(20, 60)).map(toHex),
            );
          } finally {
            await copy.close();
          }
        });

        await t.step(
          "a server on the copy, with the copied key, answers the same checkpoint and goes on",
          async () => {
            await using server = await ServerProcess.start({
              db: backup,
              args: ["--log-key", `${backup}-log.key`, "--log-origin", SIGNER.origin],
            });
            const res = await fetch(`${server.base}/v1/log/checkpoint`);
            assert.equal(res.status, 200);
            const served = parseCheckpoint(parseNote(await res.text()).text);
            const ours = store.log.checkpoint();
            assert.deepEqual([served.size, toHex(served.root)], [ours.size, toHex(ours.root)]);
            const next = later[0]!.next("add", "github:after");
            const posted = await fetch(`${server.base}/v1/sigchains/${later[0]!.path}/events`, {
              method: "POST",
              body: JSON.stringify(next),
            });
            assert.equal(posted.status, 201, await posted.text());
          },
        );

        await t.step("an existing file is never overwritten", async () => {
          const before = await Deno.readFile(backup);
          await assert.rejects(backupPostgres(url, backup, { keyFile }), /backup\.db" exists/);
          assert.deepEqual(await Deno.readFile(backup), before);
        });

        await t.step(
          "a key that does not sign the log is refused before anything is written",
          async () => {
            const other = `${dir}/other.key`;
            await createLogKey(other, new Uint8Array(32).fill(1));
            await assert.rejects(
              backupPostgres(url, `${dir}/b2.db`, { keyFile: other }),
              /the log key ".*other\.key" does not sign the database's last checkpoint/,
            );
            await Deno.remove(other);
            assert.ok(!names(dir).some((n) => n.startsWith("b2.db")), names(dir).join());
          },
        );

        await t.step(
          "a missing key file: the copy is written, the key reported missing",
          async () => {
            const report = await backupPostgres(url, `${dir}/b3.db`, {
              keyFile: `${dir}/none.key`,
            });
            assert.deepEqual([report.keyCopy, report.keyMissing], [null, `${dir}/none.key`]);
            assert.equal(verifyDatabase(`${dir}/b3.db`, () => {}).problems, 0);
          },
        );

        await t.step("the copy is of one snapshot while a server writes", async () => {
          const writer = new ChainAuthor();
          const writes = (async () => {
            for (let i = 0; i < 30; i++) {
              await appender.append(toChainEvent(writer.next("add", `github:w${i}`)));
            }
          })();
          const report = await backupPostgres(url, `${dir}/b4.db`, { keyFile });
          await writes;
          assert.ok(report.events >= 60 && report.events <= 90, String(report.events));
          assert.equal(report.size, report.events);
          const problems: VerifyProblem[] = [];
          verifyDatabase(`${dir}/b4.db`, (p) => problems.push(p));
          assert.deepEqual(problems, []);
        });

        await t.step("rows and log that disagree are refused, nothing left behind", async () => {
          const sql = postgres(url, { max: 1, onnotice: () => {} });
          const [scheme, id] = authors[1]!.primary.split(":") as [string, string];
          const chain = sql`primary_scheme = ${scheme} AND primary_id = ${id}`;
          try {
            const [row] = await sql`SELECT * FROM sigchain_events WHERE ${chain} AND seq = 5`;
            const [leaf] = await sql`SELECT * FROM kez_log_entries WHERE ${chain} AND seq = 5`;
            await sql`DELETE FROM kez_log_entries WHERE idx = ${leaf!.idx}`;
            await assert.rejects(
              backupPostgres(url, `${dir}/b5.db`, { keyFile }),
              new RegExp(`its log has no leaf ${leaf!.idx}; verify names it`),
            );
            await sql`INSERT INTO kez_log_entries ${sql(leaf!)}`;
            await sql`UPDATE sigchain_events SET seq = 6 WHERE ${chain} AND seq = 5`;
            await assert.rejects(
              backupPostgres(url, `${dir}/b5.db`, { keyFile }),
              new RegExp(
                `its log's leaf ${leaf!.idx} is ${authors[1]!.primary} seq 5, which is not stored`,
              ),
            );
            await sql`DELETE FROM sigchain_events WHERE ${chain} AND seq = 6`;
            await assert.rejects(
              backupPostgres(url, `${dir}/b5.db`, { keyFile }),
              /its log's size is (\d+), its events (?!\1)\d+; verify names what differs/,
            );
            await sql`INSERT INTO sigchain_events ${sql(row!)}`;
            assert.ok((await backupPostgres(url, `${dir}/b6.db`, { keyFile })).events > 0);
          } finally {
            await sql.end({ timeout: 1 });
          }
          assert.ok(!names(dir).some((n) => n.startsWith("b5.db")), names(dir).join());
        });

        await t.step("stats of a row that is not JSON says so and where to look", async () => {
          const sql = postgres(url, { max: 1, onnotice: () => {} });
          try {
            await sql`UPDATE sigchain_events SET envelope_json = 'not json'
                      WHERE envelope_json = (SELECT min(envelope_json) FROM sigchain_events)`;
            await assert.rejects(
              pgDatabaseStats(url),
              new RegExp(
                `^Error: Cannot count the events of "${url}": a stored envelope_json is not JSON; verify names it$`,
              ),
            );
          } finally {
            await sql.end({ timeout: 1 });
          }
        });
      } finally {
        await appender.close();
        await store.close();
      }
    });
  },
);
