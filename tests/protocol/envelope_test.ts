import assert from "node:assert/strict";
import { isTimestamp, type JsonValue, KezError, parseEnvelope } from "../../lib/protocol/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";

Deno.test("isTimestamp() accepts exactly the created_at form of §3", async (t) => {
  const valid = [
    "2026-05-24T19:00:00Z",
    "2026-05-24T19:00:00.1Z",
    "2026-05-24T19:00:00.123456789Z",
    "0000-02-29T00:00:00Z",
    "2000-02-29T23:59:59Z",
    "9999-12-31T23:59:59Z",
  ];
  const invalid = [
    "2026-05-24t19:00:00Z",
    "2026-05-24T19:00:00z",
    "2026-05-24T19:00:00+00:00",
    "2026-05-24T19:00:00.Z",
    "2026-05-24T19:00:00.1234567890Z",
    "2026-02-30T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-00-01T00:00:00Z",
    "2026-01-00T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:60:00Z",
    "2026-12-31T23:59:60Z",
    "26-01-01T00:00:00Z",
    "2026-01-01 00:00:00Z",
    "+2026-01-01T00:00:00Z",
    "２026-01-01T00:00:00Z",
  ];
  for (const s of valid) await t.step(`accepts ${s}`, () => assert.equal(isTimestamp(s), true));
  for (const s of invalid) await t.step(`rejects ${s}`, () => assert.equal(isTimestamp(s), false));
});

Deno.test("parseEnvelope() names the offending member", async (t) => {
  const a = new ChainAuthor();
  /** The envelope as loose JSON, so that each case can break it its own way. */
  interface Loose {
    extra?: number;
    signature?: { sig: string };
    payload: { seq: unknown; prev?: string; op: string; payload: { subject: string } };
  }
  const env: Loose = JSON.parse(JSON.stringify(a.next("add", "github:a")));
  const cases: [string, (e: Loose) => void, RegExp][] = [
    ["an extra top-level member", (e) => (e.extra = 1), /unknown member "extra"/],
    ["a missing signature", (e) => delete e.signature, /missing member signature$/],
    ["a string seq", (e) => (e.payload.seq = "0"), /payload\.seq/],
    [
      "prev at seq 0",
      (e) => (e.payload.prev = "sha256:" + "0".repeat(64)),
      /payload\.prev must be absent/,
    ],
    ["an unknown op", (e) => (e.payload.op = "rotate"), /payload\.op/],
    [
      "an uppercase sig",
      (e) => (e.signature!.sig = e.signature!.sig.toUpperCase()),
      /signature\.sig/,
    ],
    ["a bad subject", (e) => (e.payload.payload.subject = "GitHub:a"), /subject/i],
  ];
  for (const [name, mutate, message] of cases) {
    await t.step(name, () => {
      const copy = structuredClone(env);
      mutate(copy);
      assert.throws(
        () => parseEnvelope(copy as unknown as JsonValue),
        (e) => e instanceof KezError && e.code === "invalid_event" && message.test(e.message),
      );
    });
  }
  await t.step("numbers count by value: seq 0 written -0 and version 1.0", () => {
    const copy = structuredClone(env);
    copy.payload.seq = -0;
    const parsed = parseEnvelope(copy as unknown as JsonValue);
    assert.ok(Object.is(parsed.payload.seq, 0));
  });
});
