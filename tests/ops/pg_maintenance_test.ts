import assert from "node:assert/strict";
import postgres from "postgres";
import { Appender } from "../../lib/append/mod.ts";
import { createLogKey, PgStore } from "../../lib/store/mod.ts";
import { toChainEvent } from "../../lib/protocol/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { runBinary } from "../support/binary.ts";
import { postgresTest } from "../support/postgres.ts";
import { withDir } from "../support/temp_dir.ts";

const SEED = new Uint8Array(32).fill(7);

postgresTest(
  "maintenance commands: backup, verify and stats take a PostgreSQL URL",
  async (t, cluster) => {
    const url = await cluster.createDatabase("kez");
    const store = await PgStore.open(url, {
      log: { origin: "localhost/kez-sig-server", seed: SEED },
    });
    const authors = [new ChainAuthor(), new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs")];
    try {
      const appender = new Appender(store);
      for (const author of authors) {
        await appender.append(toChainEvent(author.next("add", "github:a")));
        await appender.append(toChainEvent(author.next("add", "dns:a.example")));
      }
    } finally {
      await store.close();
    }
    await withDir(async (dir) => {
      const keyFile = `${dir}/log.key`;
      await createLogKey(keyFile, SEED);

      await t.step("stats counts the database's chains and events", async () => {
        const { code, stdout, stderr } = await runBinary(["stats", "--db", url]);
        assert.equal(code, 0, stderr);
        assert.match(
          stdout,
          /^Database: postgres:\/\/.*, \d+ bytes \(events \d+ bytes, log \d+ bytes\)$/m,
        );
        assert.match(stdout, /^Chains: 2$/m);
        assert.match(stdout, /^Events: 4$/m);
        assert.match(stdout, /^By op: add 4$/m);
      });

      await t.step("verify finds no problem in a clean database", async () => {
        const clean = await runBinary(["verify", "--db", url]);
        assert.equal(clean.code, 0, clean.stderr);
        assert.equal(
          clean.stdout,
          "Verified 2 chains, 4 events, and the log's 4 leaves: no problems\n",
        );
      });

      await t.step("backup writes a checked SQLite file and copies the key", async () => {
        const file = `${dir}/backup.db`;
        const { code, stdout, stderr } = await runBinary([
          "backup",
          "--db",
          url,
          "--log-key",
          keyFile,
          file,
        ]);
        assert.equal(code, 0, stderr);
        assert.match(
          stdout,
          /^Backed up 4 events from postgres:\/\/.* to .*backup\.db \(\d+ bytes\), checked: log size 4, root [0-9a-f]{64}; log key copied to .*backup\.db-log\.key$/m,
        );
        const copy = await runBinary(["verify", "--db", file]);
        assert.equal(copy.code, 0, copy.stderr);
        assert.equal(
          copy.stdout,
          "Verified 2 chains, 4 events, and the log's 4 leaves: no problems\n",
        );
      });

      await t.step(
        "backup of a PostgreSQL database without --log-key is a usage error",
        async () => {
          const { code, stderr } = await runBinary(["backup", "--db", url, `${dir}/none.db`]);
          assert.equal(code, 2);
          assert.match(stderr, /--log-key <path> \(the servers' key file\) is required/);
        },
      );

      await t.step("verify names a changed event and exits 1", async () => {
        const sql = postgres(url, { max: 1, onnotice: () => {} });
        try {
          await sql`UPDATE sigchain_events SET envelope_hash = ${"sha256:" + "0".repeat(64)}
                    WHERE seq = 1 AND primary_scheme = 'ed25519'`;
        } finally {
          await sql.end();
        }
        const { code, stdout } = await runBinary(["verify", "--db", url]);
        assert.equal(code, 1);
        assert.match(stdout, /^ed25519:[0-9a-f]{64} seq 1: stored hash sha256:0{64} is not/m);
        assert.match(stdout, /: [1-9]\d* problems?/);
      });
    });
  },
);
