import assert from "node:assert/strict";
import {
  ChainCache,
  ChainJsonl,
  ChainState,
  type StateEvent,
  SubjectLookup,
  SubjectSet,
} from "../../lib/store/mod.ts";

const decoder = new TextDecoder();

function event(seq: number, op: "add" | "revoke" = "add", subject = `github:user-${seq}`) {
  return { line: `{"seq":${seq}}`, hash: `sha256:${seq}`, op, subject } satisfies StateEvent;
}

Deno.test("ChainState keeps the tip apart from the JSONL", async (t) => {
  await t.step("a light chain keeps its lines, each slice still valid after more appends", () => {
    const state = new ChainState(1024);
    state.push(event(0));
    const first = state.jsonl!.after(-1);
    state.push(event(1, "revoke", "github:user-0"));
    assert.equal(decoder.decode(first), '{"seq":0}\n');
    assert.equal(decoder.decode(state.jsonl!.after(0)), '{"seq":1}\n');
    assert.equal(decoder.decode(state.jsonl!.after(1)), "");
    assert.equal(state.byteLength, 20);
    assert.equal(decoder.decode(state.headBytes()), '{"seq":1}');
    assert.equal(state.head, "sha256:1");
    assert.ok(!state.isActive("github:user-0"));
  });

  await t.step("past the threshold the lines go for good; the tip keeps up", () => {
    const state = new ChainState(100);
    for (let seq = 0; seq < 10; seq++) state.push(event(seq));
    assert.ok(state.jsonl !== undefined, "100 bytes are at most 100");
    state.push(event(10));
    assert.equal(state.jsonl, undefined);
    for (let seq = 11; seq < 1000; seq++) {
      state.push(event(seq, "revoke", `github:user-${seq - 11}`));
    }
    assert.equal(state.jsonl, undefined, "and do not come back");
    assert.equal(state.length, 1000);
    assert.equal(state.head, "sha256:999");
    assert.equal(decoder.decode(state.headBytes()), '{"seq":999}');
    assert.equal(state.byteLength, 10 * 10 + 90 * 11 + 900 * 12);
    assert.ok(!state.isActive("github:user-0"), "revoked at seq 11");
    assert.equal((state.subjects as SubjectSet).size, 0, "every add was revoked");
  });

  await t.step("its weight is its active subjects, not its events", () => {
    const churned = new ChainState(100);
    const grown = new ChainState(100);
    for (let seq = 0; seq < 10_000; seq++) {
      churned.push(
        seq % 2 === 0 ? event(seq, "add", "github:a") : event(seq, "revoke", "github:a"),
      );
      grown.push(event(seq));
    }
    assert.ok(churned.weight < 2048, `${churned.weight} bytes for 10,000 events`);
    assert.ok(grown.weight > 10_000 * 64, "10,000 active subjects weigh what they hold");
  });

  await t.step("a state from the head row knows its tip, then what the store tells it", () => {
    const state = ChainState.fromHead(41, "sha256:h", '{"seq":41}');
    assert.equal(state.length, 42);
    assert.equal(state.head, "sha256:h");
    assert.equal(decoder.decode(state.headBytes()), '{"seq":41}');
    assert.equal(state.jsonl, undefined);
    assert.equal(state.byteLength, undefined);
    assert.throws(() => state.isActive("github:a"), /not loaded/);
    state.knowByteLength(41, 500);
    assert.equal(state.byteLength, undefined, "a measure of fewer events is not this chain's");
    state.knowByteLength(42, 500);
    state.push(event(42));
    assert.equal(state.byteLength, 511);
    state.subjects = new SubjectSet();
    state.push(event(43));
    assert.ok(state.isActive("github:user-43"));
  });

  await t.step("the cache keeps a long chain's tip, evicting by weight", () => {
    const cache = new ChainCache(64 * 1024);
    const long = new ChainState(1024);
    for (let seq = 0; seq < 50_000; seq++) long.push(event(seq, seq % 2 ? "revoke" : "add", "a:b"));
    cache.put("long", long);
    assert.equal(cache.get("long"), long, "50,000 events, one active subject: kept");
  });
});

Deno.test("SubjectSet and SubjectLookup answer alike", async (t) => {
  const ops: [op: "add" | "revoke", subject: string][] = [
    ["add", "github:a"],
    ["add", "dns:é.example"],
    ["revoke", "github:a"],
    ["revoke", "github:never"],
    ["add", "github:a"],
    ["revoke", "dns:é.example"],
  ];
  await t.step("the set, weighed as subjects come and go", () => {
    const set = new SubjectSet();
    for (const [op, subject] of ops) set.apply(op, subject);
    assert.ok(set.isActive("github:a"));
    assert.ok(!set.isActive("dns:é.example"));
    assert.equal(set.size, 1);
    assert.equal(set.weight, 64 + "github:a".length);
    set.apply("add", "dns:ü.example");
    assert.equal(set.weight, 2 * 64 + 8 + 13, "Latin-1 is a byte a character");
    set.apply("add", "dns:日本.example");
    assert.equal(set.weight, 3 * 64 + 8 + 13 + 2 * 14, "anything else two");
  });
  await t.step("the lookup, from the latest op naming each subject", () => {
    const latest = new Map<string, "add" | "revoke">();
    for (const [op, subject] of ops) latest.set(subject, op);
    const lookup = new SubjectLookup((subject) => latest.get(subject) ?? null);
    lookup.apply("add", "github:ignored");
    assert.ok(lookup.isActive("github:a"));
    assert.ok(!lookup.isActive("dns:é.example"));
    assert.ok(!lookup.isActive("github:ignored"), "the database is asked, not the calls");
    assert.equal(lookup.weight, 0);
  });
});

Deno.test("ChainJsonl slices by seq", () => {
  const jsonl = new ChainJsonl();
  const heads = ["{}", '{"é":1}', "[]"].map((line) => jsonl.push(line));
  assert.deepEqual(heads.map((bytes) => decoder.decode(bytes)), ["{}", '{"é":1}', "[]"]);
  assert.equal(jsonl.length, 3);
  assert.equal(jsonl.byteLength, 3 + 9 + 3);
  assert.equal(decoder.decode(jsonl.after(-1)), '{}\n{"é":1}\n[]\n');
  assert.equal(decoder.decode(jsonl.after(1)), "[]\n");
  assert.equal(jsonl.after(2).byteLength, 0);
  assert.equal(jsonl.after(99).byteLength, 0);
  assert.equal(decoder.decode(heads[0]), "{}", "a line handed out stays valid as the buffer grows");
});
