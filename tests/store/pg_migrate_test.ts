import assert from "node:assert/strict";
import { Appender } from "../../lib/append/mod.ts";
import { parsePrimary, toChainEvent, toHex } from "../../lib/protocol/mod.ts";
import { PgStore, SqliteStore } from "../../lib/store/mod.ts";
import { main } from "../../main.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { postgresTest } from "../support/postgres.ts";
import { withDir } from "../support/temp_dir.ts";

const SIGNER = { origin: "example.com/log", seed: new Uint8Array(32).fill(3) };

/** A SQLite file with a log: `chains` chains of `length` events, appended interleaved. */
async function filled(path: string, chains: number, length: number): Promise<ChainAuthor[]> {
  const store = SqliteStore.open(path, { log: SIGNER });
  const appender = new Appender(store);
  const authors = Array.from({ length: chains }, () => new ChainAuthor());
  for (let seq = 0; seq < length; seq++) {
    await Promise.all(
      authors.map((a) => appender.append(toChainEvent(a.next("add", `github:s${seq}`)))),
    );
  }
  await appender.close();
  await store.close();
  return authors;
}

postgresTest(
  "migrate: a SQLite file into an empty PostgreSQL, the same chains and log root",
  async (t, cluster) => {
    await withDir(async (dir) => {
      const path = `${dir}/kez.db`;
      const authors = await filled(path, 20, 50);
      const sqlite = SqliteStore.open(path, { log: SIGNER });
      const checkpoint = sqlite.log!.checkpoint();
      const url = await cluster.createDatabase("migrated");

      await t.step("kez-sig-server migrate copies and checks", async () => {
        const lines: string[] = [];
        const log = console.log;
        console.log = (line: string) => lines.push(line);
        let status: number;
        try {
          status = await main(["migrate", "--from", path, "--to", url]);
        } finally {
          console.log = log;
        }
        assert.equal(status, 0, lines.join("\n"));
        assert.match(lines.join("\n"), new RegExp(`1000 events .* root ${toHex(checkpoint.root)}`));
      });

      await t.step(
        "a store on the copy serves the same chains, checkpoint and proofs",
        async () => {
          const store = await PgStore.open(url, { log: SIGNER });
          const appender = new Appender(store);
          try {
            assert.equal(store.log.checkpoint().note, checkpoint.note);
            for (const author of authors) {
              const primary = parsePrimary(author.primary);
              const [a, b] = await Promise.all([
                sqlite.readChain(primary),
                store.readChain(primary),
              ]);
              assert.equal(b?.head.hash, a?.head.hash);
              assert.deepEqual(
                await new Response(b!.jsonl).text(),
                await new Response(a!.jsonl).text(),
              );
            }
            assert.deepEqual(
              (await store.log.consistencyProof(500, 1000)).map(toHex),
              (await sqlite.log!.consistencyProof(500, 1000)).map(toHex),
            );
            // And the log goes on from there.
            const next = await appender.append(
              toChainEvent(authors[0]!.next("add", "github:after")),
            );
            assert.deepEqual([next.seq, next.index], [50, 1000]);
          } finally {
            await appender.close();
            await store.close();
          }
        },
      );

      await t.step("a database that holds events already is refused", async () => {
        const status = await main(["migrate", "--from", path, "--to", url]);
        assert.equal(status, 1);
      });
      await t.step("a file whose log is incomplete is refused, naming the fix", async () => {
        const bare = `${dir}/bare.db`;
        const store = SqliteStore.open(bare);
        await new Appender(store).append(toChainEvent(new ChainAuthor().next("add", "github:a")));
        await store.close();
        const errors: string[] = [];
        const error = console.error;
        console.error = (line: string) => errors.push(line);
        try {
          const to = await cluster.createDatabase("bare");
          assert.equal(await main(["migrate", "--from", bare, "--to", to]), 1);
        } finally {
          console.error = error;
        }
        assert.match(errors.join("\n"), /holds 0 of its 1 events; start a server on it once/);
      });
      await sqlite.close();
    });
  },
);
