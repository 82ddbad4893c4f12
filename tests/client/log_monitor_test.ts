import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { monitorPath } from "../../lib/cli/mod.ts";
import { hashLine } from "../../lib/protocol/mod.ts";
import { type TestServer, withServer } from "../support/test_server.ts";
import { waitFor } from "../support/wait_for.ts";
import { addAndPublish, kezIn, newIdentity, withDirs, withLog } from "./kez_support.ts";

/**
 * Changes one chain in the server's database through another connection, as
 * another process would, and waits until the server serves the chain the
 * database now holds (it notices other writers by polling PRAGMA data_version).
 */
async function behindTheServer(
  server: TestServer,
  primary: string,
  sql: string,
  ...params: (string | number)[]
) {
  const [scheme, id] = primary.split(":") as [string, string];
  const db = new DatabaseSync(server.dbPath);
  let held: string;
  try {
    db.prepare(sql).run(...params);
    const rows = db.prepare(
      `SELECT envelope_json FROM sigchain_events
       WHERE primary_scheme = ? AND primary_id = ? ORDER BY seq`,
    ).all(scheme, id) as { envelope_json: string }[];
    held = rows.map((row) => `${row.envelope_json}\n`).join("");
  } finally {
    db.close();
  }
  await waitFor(
    async () => (await server.request("GET", `/v1/sigchains/${scheme}/${id}`)).text === held,
    { what: `the server to serve the changed chain of ${primary}` },
  );
}

/** The log index of an event line, from the server's entries feed. */
async function indexOf(server: TestServer, line: string): Promise<number> {
  const feed = await server.request("GET", "/v1/log/entries?start=0");
  return feed.text.split("\n").indexOf(line);
}

async function monitor(server: TestServer, home: string) {
  const run = await kezIn(["log", "monitor", "--server", server.base, "--json"], {
    KEZ_HOME: home,
  });
  assert.equal(run.stdout === "", false, run.stderr);
  return { code: run.code, report: JSON.parse(run.stdout) };
}

Deno.test("kez log monitor replays the log and resumes where it stopped", async (t) => {
  await withServer(async (server) => {
    await withDirs(3, async (monitorHome, one, two) => {
      const a = await newIdentity(one);
      const b = await newIdentity(two, "ed25519");
      const envA = { KEZ_HOME: one, KEZ_SECRET: a.secret };
      const envB = { KEZ_HOME: two, KEZ_SECRET: b.secret };
      assert.equal((await addAndPublish(envA, server.base, ["github:a", "dns:a.example"])).code, 0);
      assert.equal((await addAndPublish(envB, server.base, ["github:b"])).code, 0);
      const key = (await server.request("GET", "/v1/log/key")).text.trimEnd();
      const args = ["log", "monitor", "--server", server.base];

      await t.step("monitor() finds no problem in an honest log", async () => {
        const run = await kezIn(args, { KEZ_HOME: monitorHome });
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(run.lines, [
          `Log: ${key}`,
          "Entries: replayed 0…2 (3 new); their root is the checkpoint's (size 3)",
          "Chains: 2 compared with the chains the server serves",
          "Result: no problems",
        ]);
      });
      await t.step("monitor() resumes where it stopped", async () => {
        const progress = JSON.parse(
          await Deno.readTextFile(monitorPath(monitorHome, server.base)),
        );
        assert.equal(progress.size, 3);
        assert.deepEqual(Object.keys(progress.chains).sort(), [a.primary, b.primary].sort());
        assert.equal((await addAndPublish(envA, server.base, ["web:https://a.example/"])).code, 0);
        assert.equal((await addAndPublish(envB, server.base, ["dns:b.example"])).code, 0);
        const run = await kezIn(args, { KEZ_HOME: monitorHome });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(
          run.lines[1],
          "Entries: replayed 3…4 (2 new); their root is the checkpoint's (size 5)",
        );
        const again = await monitor(server, monitorHome);
        assert.equal(again.code, 0);
        assert.deepEqual(
          { from: again.report.from, size: again.report.size, findings: again.report.findings },
          { from: 5, size: 5, findings: [] },
        );
      });
    });
  }, withLog());
});

Deno.test("monitor() reports a withheld event", async () => {
  await withServer(async (server) => {
    await withDirs(3, async (author, reader, monitorHome) => {
      const { primary, secret } = await newIdentity(author);
      const env = { KEZ_HOME: author, KEZ_SECRET: secret };
      assert.equal(
        (await addAndPublish(env, server.base, ["github:jason", "dns:j.example"])).code,
        0,
      );
      assert.equal((await kezIn(["sigchain", "revoke", "github:jason"], env)).code, 0);
      assert.equal((await kezIn(["sigchain", "publish", "--server", server.base], env)).code, 0);
      const check = ["sigchain", "check", "github:jason", "--primary", primary];
      const revoked = await kezIn([...check, "--server", server.base], { KEZ_HOME: reader });
      assert.equal(revoked.code, 1, revoked.stderr);
      assert.equal((await monitor(server, monitorHome)).code, 0);

      const revoke = (await kezIn(["sigchain", "export"], env)).lines[2]!;
      const [scheme, id] = primary.split(":") as [string, string];
      await behindTheServer(
        server,
        primary,
        "DELETE FROM sigchain_events WHERE primary_scheme = ? AND primary_id = ? AND seq = 2",
        scheme,
        id,
      );
      // What the server serves is a valid chain whose head is in the log: a
      // client alone cannot tell that the revoke is withheld.
      const fooled = await kezIn([...check, "--server", server.base], { KEZ_HOME: reader });
      assert.equal(fooled.code, 0, fooled.stderr);
      assert.deepEqual(fooled.lines, [`github:jason is active for ${primary}`]);

      const { code, report } = await monitor(server, monitorHome);
      assert.equal(code, 1);
      const index = await indexOf(server, revoke);
      assert.equal(index, 2);
      assert.deepEqual(report.findings, [{
        kind: "withheld",
        primary,
        seq: 2,
        index,
        message: `${primary} seq 2 (log index 2) is in the log but not in the chain the server ` +
          "serves",
      }]);
      const text = await kezIn(["log", "monitor", "--server", server.base], {
        KEZ_HOME: monitorHome,
      });
      assert.equal(text.code, 1);
      assert.deepEqual(text.lines.slice(-2), [
        `withheld: ${report.findings[0].message}`,
        "Result: 1 problem(s)",
      ]);
    });
  }, withLog());
});

Deno.test("an event inserted behind the server's back: the fetch alarm and the monitor catch it", async (t) => {
  await withServer(async (server) => {
    await withDirs(3, async (author, reader, monitorHome) => {
      const { primary, secret } = await newIdentity(author, "ed25519");
      const env = { KEZ_HOME: author, KEZ_SECRET: secret };
      assert.equal(
        (await addAndPublish(env, server.base, ["github:jason", "dns:j.example"])).code,
        0,
      );
      const fetch = ["sigchain", "fetch", primary, "--server", server.base];
      assert.equal((await kezIn(fetch, { KEZ_HOME: reader })).code, 0);
      assert.equal((await monitor(server, monitorHome)).code, 0);

      // A valid next event, signed by the chain's key, stored without the
      // server: it never enters the log (nothing is posted after it, so the
      // server's next batch does not pick it up either).
      assert.equal((await kezIn(["sigchain", "revoke", "github:jason"], env)).code, 0);
      const line = (await kezIn(["sigchain", "export"], env)).lines[2]!;
      const [scheme, id] = primary.split(":") as [string, string];
      await behindTheServer(
        server,
        primary,
        `INSERT INTO sigchain_events
           (primary_scheme, primary_id, seq, envelope_json, envelope_hash, created_at)
         VALUES (?, ?, 2, ?, ?, ?)`,
        scheme,
        id,
        line,
        hashLine(line),
        new Date().toISOString(),
      );
      const served = await server.request("GET", `/v1/sigchains/${scheme}/${id}`);
      assert.equal(served.text.split("\n")[2], line, "the server serves the inserted event");

      await t.step("a fetch stops with an alarm: the head has no inclusion proof", async () => {
        const run = await kezIn(fetch, { KEZ_HOME: reader });
        assert.equal(run.code, 1);
        assert.equal(run.stdout, "");
        const lines = run.stderr.split("\n");
        assert.equal(
          lines[0],
          `kez: ALARM: Cannot verify inclusion of ${primary} seq 2 in the log of ${server.base}: ` +
            "the server serves the event but has no inclusion proof for it",
        );
        const checkpoint = (await server.request("GET", "/v1/log/checkpoint")).text;
        assert.ok(run.stderr.includes(`\n${checkpoint.trimEnd()}\n-----END served checkpoint`));
        assert.ok(run.stderr.includes(`-----\n${line}\n-----END served event (${primary} seq 2)`));
      });
      await t.step("monitor() reports it as served but not logged", async () => {
        const { code, report } = await monitor(server, monitorHome);
        assert.equal(code, 1);
        assert.deepEqual(report.findings, [{
          kind: "unlogged",
          primary,
          seq: 2,
          index: null,
          message: `${primary} seq 2: the server serves it but its log does not hold it ` +
            "(no inclusion proof)",
        }]);
      });
    });
  }, withLog());
});

Deno.test("an event replaced behind the server's back: the fetch alarm and the monitor catch it", async () => {
  await withServer(async (server) => {
    await withDirs(4, async (author, device, reader, monitorHome) => {
      const { primary, secret } = await newIdentity(author);
      const env = { KEZ_HOME: author, KEZ_SECRET: secret };
      const other = { KEZ_HOME: device, KEZ_SECRET: secret };
      assert.equal(
        (await addAndPublish(env, server.base, ["github:jason", "dns:j.example"])).code,
        0,
      );
      assert.equal((await kezIn(["sigchain", "pull", "--server", server.base], other)).code, 0);
      assert.equal((await kezIn(["sigchain", "revoke", "github:jason"], env)).code, 0);
      assert.equal((await kezIn(["sigchain", "publish", "--server", server.base], env)).code, 0);
      const fetch = ["sigchain", "fetch", primary, "--server", server.base];
      assert.equal((await kezIn(fetch, { KEZ_HOME: reader })).code, 0);
      assert.equal((await monitor(server, monitorHome)).code, 0);

      // Another valid seq 2 of the same key, in place of the logged revoke.
      assert.equal((await kezIn(["sigchain", "add", "web:https://j.example/"], other)).code, 0);
      const logged = (await kezIn(["sigchain", "export"], env)).lines[2]!;
      const swapped = (await kezIn(["sigchain", "export"], other)).lines[2]!;
      const [scheme, id] = primary.split(":") as [string, string];
      await behindTheServer(
        server,
        primary,
        `UPDATE sigchain_events SET envelope_json = ?, envelope_hash = ?
         WHERE primary_scheme = ? AND primary_id = ? AND seq = 2`,
        swapped,
        hashLine(swapped),
        scheme,
        id,
      );

      const run = await kezIn(fetch, { KEZ_HOME: reader });
      assert.equal(run.code, 1);
      assert.equal(
        run.stderr.split("\n", 1)[0],
        `kez: ALARM: Cannot verify inclusion of ${primary} seq 2 in the log of ${server.base}: ` +
          "The audit path does not lead from leaf 2 to the checkpoint's root",
      );
      const { code, report } = await monitor(server, monitorHome);
      assert.equal(code, 1);
      assert.deepEqual(report.findings, [{
        kind: "altered",
        primary,
        seq: 2,
        index: 2,
        message: `${primary} seq 2 (log index 2): the server serves ${hashLine(swapped)} but ` +
          `the log holds ${hashLine(logged)}`,
      }]);
    });
  }, withLog());
});
