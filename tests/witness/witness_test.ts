import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { WitnessDb } from "../../lib/store/mod.ts";
import { cosignerKey, leafHash, parseNote, verifyCosignature } from "../../lib/tlog/mod.ts";
import { Witness } from "../../lib/witness/mod.ts";
import { body, checkpoint, leaves, logKey, logSeed, ORIGIN, tree } from "./test_log.ts";

const seed = new Uint8Array(32).fill(2);
const key = cosignerKey("w.example/w1", ed25519.getPublicKey(seed));

function witness(db = WitnessDb.open(":memory:")) {
  return new Witness({
    key,
    sign: (m) => ed25519.sign(m, seed),
    logs: [logKey],
    db,
    now: () => 1_700_000_000,
  });
}

Deno.test("Witness.addCheckpoint()", async (t) => {
  await t.step("cosigns a first checkpoint, then consistent ones", () => {
    const w = witness();
    for (const [old, size] of [[0, 3], [3, 8], [8, 8], [8, 13]] as const) {
      const answer = w.addCheckpoint(body(old, size));
      assert.equal(answer.status, 200, `${old} → ${size}`);
      if (answer.status !== 200) continue;
      const text = parseNote(checkpoint(size)).text;
      const [sig] = parseNote(`${text}\n${answer.body}`).signatures;
      assert.deepEqual(verifyCosignature(sig!, text, key), { key, timestamp: 1_700_000_000 });
    }
  });

  await t.step("bad requests get the specification's codes and change nothing", () => {
    const db = WitnessDb.open(":memory:");
    const w = witness(db);
    assert.equal(w.addCheckpoint(body(0, 5)).status, 200);
    const forked = leaves.map((h, i) => i < 3 ? h : leafHash(new Uint8Array([100 + i])));
    const cases: [string, string, number][] = [
      ["no empty line", "old 5\n", 400],
      ["a bad old line", `old 05\n\n${checkpoint(6)}`, 400],
      ["a checkpoint that is no note", "old 5\n\nexample.com/log\n6\n", 400],
      ["an unknown origin", `old 0\n\n${checkpoint(1, leaves, logSeed, "other.example/log")}`, 404],
      ["the wrong key", `old 5\n\n${checkpoint(6, leaves, new Uint8Array(32).fill(9))}`, 403],
      ["a stale old size", body(3, 8), 409],
      ["an old size larger than the checkpoint's", `old 7\n\n${checkpoint(6)}`, 400],
      ["a proof of the wrong length", body(5, 9).replace(/\n[^\n]+=\n\n/, "\n\n"), 422],
      ["a fork from the old size", body(5, 9, forked), 422],
      ["another root at the same size", `old 5\n\n${checkpoint(5, forked)}`, 409],
      ["old size 0 once a tree is held", body(0, 9), 409],
    ];
    for (const [what, request, status] of cases) {
      const answer = w.addCheckpoint(request);
      assert.equal(answer.status, status, what);
      if (answer.status === 409) assert.equal(answer.size, 5, what);
      assert.equal(db.latest(ORIGIN)?.size, 5, what);
    }
  });

  await t.step("a fresh witness refuses a non-empty proof from size 0 with 422", () => {
    const w = witness();
    const request = body(0, 9).replace("old 0\n", "old 0\n" + "A".repeat(43) + "=\n");
    assert.equal(w.addCheckpoint(request).status, 422);
  });

  await t.step("a state that moved between check and update is not rolled back", () => {
    const db = WitnessDb.open(":memory:");
    const w = witness(db);
    assert.equal(w.addCheckpoint(body(0, 4)).status, 200);
    // Another process on the same state advances it first; the stale expectation fails.
    assert.ok(db.advance(ORIGIN, db.latest(ORIGIN), { size: 10, root: tree(10).root() }));
    assert.ok(
      !db.advance(ORIGIN, { size: 4, root: tree(4).root() }, { size: 6, root: tree(6).root() }),
    );
    const answer = w.addCheckpoint(body(4, 6));
    assert.deepEqual(answer.status === 409 && answer.size, 10);
    assert.equal(db.latest(ORIGIN)?.size, 10);
  });
});
