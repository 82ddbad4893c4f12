import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { canonicalize, hashLine, type JsonValue } from "../../lib/protocol/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { runBinary, startServer } from "../support/binary.ts";
import { withDir } from "../support/temp_dir.ts";

/** Posts the next events of an author's chain; each must be stored. */
async function publish(base: string, author: ChainAuthor, events: ["add" | "revoke", string][]) {
  for (const [op, subject] of events) {
    const res = await fetch(`${base}/v1/sigchains/${author.path}/events`, {
      method: "POST",
      body: JSON.stringify(author.next(op, subject)),
    });
    assert.equal(res.status, 201, await res.text());
  }
}

Deno.test("backup, verify and stats on a live database", async (t) => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    await using server = await startServer(db);
    const a = new ChainAuthor();
    await publish(server.base, a, [["add", "github:a"], ["add", "dns:a.example"], [
      "revoke",
      "github:a",
    ]]);
    const b = new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs");
    await publish(server.base, b, [["add", "github:b"], ["add", "dns:b.example"]]);

    await t.step("stats counts chains, events by op and algorithm, and the size", async () => {
      const { code, stdout } = await runBinary(["stats", "--db", db]);
      assert.equal(code, 0);
      assert.match(stdout, /^Chains: 2$/m);
      assert.match(stdout, /^Events: 5$/m);
      assert.match(stdout, /^By op: add 4, revoke 1$/m);
      assert.match(
        stdout,
        /^By algorithm: ed25519-sha512-jcs 3, nostr-secp256k1-schnorr-sha256-jcs 2$/m,
      );
      assert.match(stdout, /^Database: .*chains\.db, \d+ bytes \(WAL \d+ bytes\)$/m);
    });
    await t.step("stats takes KEZ_DB", async () => {
      const { code, stdout } = await runBinary(["stats"], { KEZ_DB: db });
      assert.equal(code, 0);
      assert.match(stdout, /^Events: 5$/m);
    });
    await t.step("verify finds no problem", async () => {
      const { code, stdout } = await runBinary(["verify", "--db", db]);
      assert.equal(code, 0, stdout);
      assert.equal(stdout, "Verified 2 chains, 5 events, and the log's 5 leaves: no problems\n");
    });

    const backup = `${dir}/backup.db`;
    await t.step("backup copies while the server takes writes, then checks the copy", async () => {
      const writer = new ChainAuthor();
      const writes = (async () => {
        for (let i = 0; i < 30; i++) {
          await publish(server.base, writer, [["add", `github:w${i}`]]);
        }
      })();
      const { code, stdout, stderr } = await runBinary(["backup", "--db", db, backup]);
      await writes;
      assert.equal(code, 0, stderr);
      const events = Number(
        /Backed up (\d+) events to .*backup\.db \(\d+ bytes\), checked/.exec(
          stdout,
        )?.[1],
      );
      assert.ok(events >= 5 && events <= 35, stdout);
      const copy = await runBinary(["stats", "--db", backup]);
      assert.match(copy.stdout, new RegExp(`^Events: ${events}$`, "m"));
      assert.equal((await runBinary(["verify", "--db", backup])).code, 0);
      const names = [...Deno.readDirSync(dir)].map((e) => e.name);
      assert.ok(!names.some((n) => n.includes(".partial-")), names.join());
    });
    await t.step("backup never overwrites a file", async () => {
      const before = await Deno.readFile(backup);
      const { code, stderr } = await runBinary(["backup", "--db", db, backup]);
      assert.equal(code, 1);
      assert.match(stderr, /Cannot back up database: ".*backup\.db" exists/);
      assert.deepEqual(await Deno.readFile(backup), before);
    });
    await t.step("backup into a missing directory fails", async () => {
      const { code, stderr } = await runBinary(["backup", "--db", db, `${dir}/no/such/b.db`]);
      assert.equal(code, 1);
      assert.match(stderr, /Cannot back up database/);
    });
    await t.step("healthcheck: the --bind address, KEZ_BIND, or --url", async () => {
      const bind = `127.0.0.1:${server.port}`;
      const byFlag = await runBinary(["healthcheck", "--bind", bind]);
      assert.equal(byFlag.code, 0, byFlag.stdout);
      assert.match(byFlag.stdout, /^healthy: http:\/\/127\.0\.0\.1:\d+\/v1\/healthz: 200/);
      assert.equal(
        (await runBinary(["healthcheck"], { KEZ_BIND: `0.0.0.0:${server.port}` })).code,
        0,
      );
      const byUrl = await runBinary(["healthcheck", "--url", `${server.base}/v1/healthz`]);
      assert.equal(byUrl.code, 0);
    });
    await t.step("healthcheck fails without a healthy server", async () => {
      const notFound = await runBinary(["healthcheck", "--url", `${server.base}/v1/nothing`]);
      assert.equal(notFound.code, 1);
      assert.match(notFound.stdout, /^unhealthy: .* 404 /);
      await server.stop();
      const down = await runBinary(["healthcheck", "--bind", `127.0.0.1:${server.port}`]);
      assert.equal(down.code, 1);
      assert.match(
        down.stdout,
        new RegExp(
          `^unhealthy: http://127\\.0\\.0\\.1:${server.port}/v1/healthz: GET failed: connection refused by 127\\.0\\.0\\.1:${server.port}: nothing listens there`,
        ),
      );
      const unknown = await runBinary([
        "healthcheck",
        "--url",
        "http://no-such-host.invalid/v1/healthz",
      ]);
      assert.equal(unknown.code, 1);
      // A resolver that cannot be reached at all may time out instead: either names the cause.
      assert.match(
        unknown.stdout,
        /GET failed: (cannot resolve the host name no-such-host\.invalid|no answer from no-such-host\.invalid within 5 s)/,
      );
    });
    await t.step(
      "healthcheck names a server that never answers, and how long it waited",
      async () => {
        // Accepts the connection and says nothing.
        using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const { port } = listener.addr as Deno.NetAddr;
        const held: Deno.Conn[] = [];
        const accepting = (async () => {
          for await (const conn of listener) held.push(conn);
        })().catch(() => {});
        const { code, stdout } = await runBinary(["healthcheck", "--bind", `127.0.0.1:${port}`]);
        assert.equal(code, 1);
        assert.match(
          stdout,
          new RegExp(`GET failed: no answer from 127\\.0\\.0\\.1:${port} within 5 s`),
        );
        for (const conn of held) conn.close();
        listener.close();
        await accepting;
      },
    );
  });
});

Deno.test("verify names the chain and seq of every problem", async () => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    const authors = Array.from({ length: 5 }, () => new ChainAuthor());
    {
      await using server = await startServer(db);
      for (const author of authors) {
        await publish(server.base, author, [["add", "github:x"], ["add", "dns:x.example"], [
          "revoke",
          "github:x",
        ]]);
      }
    }
    const [hash, canonical, signature, gap] = authors.map((a) => a.primary.split(":")[1]!);
    const conn = new DatabaseSync(db);
    const set = (column: string, value: string, id: string, seq: number) =>
      conn.prepare(`UPDATE sigchain_events SET ${column} = ? WHERE primary_id = ? AND seq = ?`)
        .run(value, id, seq);
    const json = (id: string, seq: number) =>
      JSON.parse(
        (conn.prepare("SELECT envelope_json FROM sigchain_events WHERE primary_id = ? AND seq = ?")
          .get(id, seq) as { envelope_json: string }).envelope_json,
      );
    set("envelope_hash", "sha256:" + "0".repeat(64), hash!, 1);
    set("envelope_json", JSON.stringify(json(canonical!, 0), null, 1), canonical!, 0);
    const forged = json(signature!, 2);
    forged.payload.payload.subject = "github:y";
    const line = canonicalize(forged as JsonValue);
    set("envelope_json", line, signature!, 2);
    set("envelope_hash", hashLine(line), signature!, 2);
    conn.prepare("DELETE FROM sigchain_events WHERE primary_id = ? AND seq = 1").run(gap!);
    conn.close();

    const { code, stdout } = await runBinary(["verify", "--db", db]);
    assert.equal(code, 1, stdout);
    const lines = stdout.trimEnd().split("\n");
    const expected: [string, number, RegExp][] = [
      [hash!, 1, /stored hash sha256:0+ is not the event's hash sha256:[0-9a-f]{64}/],
      [canonical!, 0, /stored JSON is not the canonical form/],
      [signature!, 2, /invalid_signature: /],
      [gap!, 2, /expected seq 1 next, found seq 2/],
    ];
    for (const [id, seq, message] of expected) {
      const found = lines.find((l) => l.startsWith(`ed25519:${id} seq ${seq}: `));
      assert.ok(found, `a problem at ${id} seq ${seq}:\n${stdout}`);
      assert.match(found, message);
    }
    // The log kept what was stored: the changed and the deleted rows differ from it.
    const logged: [number, RegExp][] = [
      [3, new RegExp(`^log index 3: ed25519:${canonical} seq 0 is stored unlike the log$`)],
      [8, new RegExp(`^log index 8: ed25519:${signature} seq 2 is stored unlike the log$`)],
      [10, new RegExp(`^log index 10: ed25519:${gap} seq 1 is in the log, not stored$`)],
    ];
    for (const [index, message] of logged) {
      const found = lines.find((l) => l.startsWith(`log index ${index}: `));
      assert.ok(found, `a log problem at ${index}:\n${stdout}`);
      assert.match(found, message);
    }
    assert.equal(
      lines.at(-1),
      "Verified 5 chains, 14 events, and the log's 15 leaves: 7 problems; " +
        "3 later events of those chains not checked",
    );
  });
});

Deno.test("verify recomputes the log's root and checks its stored hashes", async () => {
  await withDir(async (dir) => {
    const db = `${dir}/chains.db`;
    {
      await using server = await startServer(db);
      await publish(server.base, new ChainAuthor(), [["add", "github:a"], [
        "add",
        "dns:a.example",
      ]]);
      await publish(server.base, new ChainAuthor(), [["add", "github:b"]]);
    }
    const conn = new DatabaseSync(db);
    // The subtree of leaves 0 and 1 is kept in the row of leaf 1, which completed it.
    conn.exec("UPDATE kez_log_entries SET nodes = zeroblob(32) WHERE idx = 1");
    conn.exec(`UPDATE kez_log_entries SET entry = entry || ' ' WHERE idx = 2`);
    conn.close();
    const { code, stdout } = await runBinary(["verify", "--db", db]);
    assert.equal(code, 1, stdout);
    assert.deepEqual(stdout.trimEnd().split("\n"), [
      "log index 1: stored subtree hash at level 1, index 0 is wrong",
      // The changed leaf no longer hashes to its stored leaf hash, nor equals its event.
      "log index 2: stored subtree hash at level 0, index 2 is wrong",
      /^log index 2: ed25519:[0-9a-f]{64} seq 0 is stored unlike the log$/m.exec(stdout)?.[0],
      "log: the leaves give another root than the last checkpoint's (size 3)",
      "log: the last signed checkpoint is not of the log's size and root",
      "Verified 2 chains, 3 events, and the log's 3 leaves: 5 problems",
    ]);
  });
});

Deno.test("maintenance commands: usage errors exit 2, unusable databases 1", async (t) => {
  await withDir(async (dir) => {
    const text = `${dir}/notes.txt`;
    await Deno.writeTextFile(text, "not a database");
    const cases: [string, string[], number, RegExp][] = [
      ["an unknown command", ["restore"], 2, /Unknown command 'restore'/],
      ["backup without a file", ["backup"], 2, /Missing argument <file>/],
      ["an argument verify does not take", ["verify", "x"], 2, /Unexpected argument 'x'/],
      ["a flag stats does not take", ["stats", "--url", "x"], 2, /Unknown option '--url'/],
      ["a bad healthcheck URL", ["healthcheck", "--url", "::"], 2, /Cannot parse URL/],
      ["verify of a missing file", ["verify", "--db", `${dir}/none.db`], 1, /Cannot open/],
      ["stats of a file that is not SQLite", ["stats", "--db", text], 1, /not a database/],
      ["backup of a file that is not SQLite", ["backup", "--db", text, `${dir}/b.db`], 1, /not a/],
    ];
    for (const [name, args, status, message] of cases) {
      await t.step(name, async () => {
        const { code, stderr } = await runBinary(args);
        assert.equal(code, status, stderr);
        assert.match(stderr, message);
      });
    }
    await t.step("each command has its --help", async () => {
      for (const command of ["backup", "verify", "stats", "healthcheck"]) {
        const { code, stdout } = await runBinary([command, "--help"]);
        assert.equal(code, 0);
        assert.match(stdout, new RegExp(`^Usage: kez-sig-server ${command}`));
      }
    });
  });
});
