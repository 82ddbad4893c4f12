import assert from "node:assert/strict";
import type { LogAlarm } from "../../lib/client/mod.ts";
import type { Envelope } from "../../lib/protocol/mod.ts";
import { ChainAuthor, lineOf } from "../support/chain_author.ts";
import {
  caughtUp,
  newSeed,
  post,
  type Running,
  type RunningMirror,
  startMirror,
  startUpstream,
  tamper,
} from "./mirror_support.ts";
import { waitFor } from "../support/wait_for.ts";
import { withDir } from "../support/temp_dir.ts";

/** Posts events in this order, each expected to be stored. */
async function postAll(upstream: Running, events: [ChainAuthor, Envelope][]): Promise<void> {
  for (const [author, env] of events) {
    assert.equal((await post(upstream.base, author, env)).status, 201);
  }
}

/** Replaces the upstream's log entry at an index, behind its back. */
function rewrite(db: string, index: number, line: string): void {
  tamper(db, (conn) => {
    conn.prepare("UPDATE kez_log_entries SET entry = ? WHERE idx = ?").run(line, index);
  });
}

/** Waits for the mirror to halt; its alarm, logged at ERROR with the evidence verbatim. */
async function halted(mirror: RunningMirror) {
  await waitFor(() => mirror.follower.halted !== null, { what: "the mirror to stop following" });
  await mirror.follower.finished;
  const alarm = mirror.follower.halted!;
  assert.ok(
    mirror.logs.some((l) =>
      l.includes("ERROR") && l.includes(alarm.message) && l.endsWith(alarm.report())
    ),
  );
  return alarm;
}

/** The text of the alarm's evidence item whose name starts so. */
function item(alarm: LogAlarm, name: string): string | undefined {
  return alarm.evidence.find((e) => e.name.startsWith(name))?.text;
}

Deno.test("mirror: catches an upstream that lies", async (t) => {
  await withDir(async (dir) => {
    let n = 0;
    /** A fresh upstream with three events: a0, b0, a1 at indices 0, 1, 2. */
    const scenario = async () => {
      const db = `${dir}/${++n}-upstream.db`;
      const seed = newSeed();
      const upstream = startUpstream(db, seed);
      const [a, b] = [new ChainAuthor(), new ChainAuthor()];
      const events: [ChainAuthor, Envelope][] = [
        [a, a.next("add", "github:a0")],
        [b, b.next("add", "github:b0")],
        [a, a.next("add", "github:a1")],
      ];
      await postAll(upstream, events);
      return { db, seed, upstream, a, b, events, mirrorDb: `${dir}/${n}-mirror.db` };
    };

    await t.step("an entry rewritten behind the upstream's back: the root differs", async () => {
      const { db, upstream, a, events, mirrorDb } = await scenario();
      const a1 = events[2]![1];
      const forged = a.sign({ ...a1.payload, subject: "github:forged" });
      rewrite(db, 2, lineOf(forged));
      const mirror = await startMirror(mirrorDb, upstream.base, newSeed());
      try {
        const alarm = await halted(mirror);
        assert.match(
          alarm.message,
          /^Cannot follow upstream \S+: root at size 3 differs: it signed \S+, the mirror's tree/,
        );
        const report = alarm.report();
        assert.ok(report.includes(upstream.store.log!.checkpoint().note), "upstream checkpoint");
        assert.ok(report.includes(mirror.store.log!.checkpoint().note), "mirror checkpoint");
        assert.equal(item(alarm, "served checkpoint"), upstream.store.log!.checkpoint().note);
        assert.equal(item(alarm, "pinned log key"), upstream.store.log!.verifierKey);
        assert.equal(mirror.store.log!.checkpoint().size, 3, "every entry was valid");
        const served = await fetch(`${mirror.base}/v1/sigchains/${a.path}/head`);
        assert.equal(await served.text(), lineOf(forged), "it keeps serving what it has");
      } finally {
        await mirror.close();
        await upstream.close();
      }
    });

    await t.step("an entry with a bad signature: stops at its index", async () => {
      const { db, upstream, events, mirrorDb } = await scenario();
      const b0 = events[1]![1];
      const sig = b0.signature.sig;
      const bad = lineOf({
        ...b0,
        signature: { ...b0.signature, sig: (sig[0] === "0" ? "1" : "0") + sig.slice(1) },
      });
      rewrite(db, 1, bad);
      const mirror = await startMirror(mirrorDb, upstream.base, newSeed());
      try {
        const alarm = await halted(mirror);
        assert.match(
          alarm.message,
          /^Cannot follow upstream \S+: its entry at index 1 is invalid: invalid_signature: /,
        );
        assert.equal(item(alarm, "served entry"), bad);
        assert.match(alarm.evidence.find((e) => e.text === bad)!.name, /, index 1\)$/);
        assert.ok(alarm.report().includes(`\n${bad}\n`), "the line verbatim");
      } finally {
        await mirror.close();
        await upstream.close();
      }
    });

    await t.step("an entry that is not canonical JSON: nothing of its page is stored", async () => {
      const { db, upstream, events, mirrorDb } = await scenario();
      rewrite(db, 2, lineOf(events[2]![1]).replace('{"kez"', '{ "kez"'));
      const mirror = await startMirror(mirrorDb, upstream.base, newSeed());
      try {
        const alarm = await halted(mirror);
        assert.match(alarm.message, /: its entry at index 2 is invalid: invalid_event: .*JCS/);
        assert.equal(mirror.store.log!.checkpoint().size, 0);
      } finally {
        await mirror.close();
        await upstream.close();
      }
    });

    await t.step("another history under the same key: checkpoints inconsistent", async () => {
      const { seed, upstream, events, mirrorDb } = await scenario();
      const mirror = await startMirror(mirrorDb, upstream.base, newSeed());
      let other: Running | undefined;
      try {
        await caughtUp(mirror, upstream);
        const kept = upstream.store.log!.checkpoint().note;
        const otherDb = `${dir}/${n}-other.db`;
        const building = startUpstream(otherDb, seed);
        const c = new ChainAuthor();
        await postAll(building, [events[0]!, [c, c.next("add", "github:c0")], ...events.slice(1)]);
        await building.close();
        const port = upstream.port;
        await upstream.close();
        other = startUpstream(otherDb, seed, port);
        const alarm = await halted(mirror);
        assert.equal(
          alarm.message,
          `Cannot verify checkpoint of ${other.base}: the tree of size 3 is not a prefix of the ` +
            "tree of size 4: the consistency proof does not hold",
        );
        assert.equal(item(alarm, "kept checkpoint"), kept);
        assert.equal(item(alarm, "served checkpoint"), other.store.log!.checkpoint().note);
        assert.equal(mirror.store.log!.checkpoint().size, 3, "nothing of the new history");
      } finally {
        await mirror.close();
        await (other ?? upstream).close();
      }
    });

    await t.step(
      "an upstream rolled back to a shorter log: its smaller checkpoint is refused",
      async () => {
        const { seed, upstream, events, mirrorDb } = await scenario();
        const mirror = await startMirror(mirrorDb, upstream.base, newSeed());
        let older: Running | undefined;
        try {
          await caughtUp(mirror, upstream);
          const kept = upstream.store.log!.checkpoint().note;
          const olderDb = `${dir}/${n}-older.db`;
          const building = startUpstream(olderDb, seed);
          await postAll(building, events.slice(0, 2));
          await building.close();
          const port = upstream.port;
          await upstream.close();
          older = startUpstream(olderDb, seed, port);
          const alarm = await halted(mirror);
          assert.equal(
            alarm.message,
            `Cannot verify checkpoint of ${older.base}: the served checkpoint of size 2 is smaller ` +
              "than the kept one of size 3",
          );
          assert.equal(item(alarm, "kept checkpoint"), kept);
          assert.equal(item(alarm, "served checkpoint"), older.store.log!.checkpoint().note);
          assert.equal(mirror.store.log!.checkpoint().size, 3, "it keeps what it has");
        } finally {
          await mirror.close();
          await (older ?? upstream).close();
        }
      },
    );

    await t.step("a new upstream key: refused, while following and after a restart", async () => {
      const { db, upstream, mirrorDb } = await scenario();
      let mirror = await startMirror(mirrorDb, upstream.base, newSeed());
      const port = upstream.port;
      let rekeyed: Running | undefined;
      try {
        await caughtUp(mirror, upstream);
        const pinned = upstream.store.log!.verifierKey;
        await upstream.close();
        rekeyed = startUpstream(db, newSeed(), port);
        const running = await halted(mirror);
        assert.match(
          running.message,
          /^Cannot verify checkpoint of \S+: it does not verify with the trusted \(on first use\) log key /,
        );
        assert.equal(item(running, "served checkpoint"), rekeyed.store.log!.checkpoint().note);
        await mirror.close();
        mirror = await startMirror(mirrorDb, rekeyed.base, newSeed());
        const restarted = await halted(mirror);
        assert.equal(
          restarted.message,
          `Cannot follow upstream ${rekeyed.base}: its log key ${rekeyed.store.log!.verifierKey} ` +
            `is not the pinned key ${pinned}`,
        );
        assert.equal(item(restarted, "pinned log key"), pinned);
      } finally {
        await mirror.close();
        await (rekeyed ?? upstream).close();
      }
    });
  });
});
