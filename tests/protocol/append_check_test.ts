import assert from "node:assert/strict";
import {
  ActiveSubjects,
  type ChainTip,
  checkAppend,
  type Envelope,
  isActiveAfter,
  KezError,
  MAX_BODY_BYTES,
  parseEventBody,
  parsePrimary,
  Sigchain,
  signatureVerdict,
} from "../../lib/protocol/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";

function code(code: string, message?: RegExp) {
  return (e: unknown) =>
    e instanceof KezError && e.code === code && (message === undefined || message.test(e.message));
}

const FORGED = new KezError(
  "invalid_signature",
  "Invalid signature: the signature does not verify",
);
const encoder = new TextEncoder();

/** A chain of one active subject, `github:a`, and the author of its next event. */
function oneEvent(): { chain: Sigchain; author: ChainAuthor } {
  const author = new ChainAuthor();
  const chain = new Sigchain(author.primary);
  chain.append(author.next("add", "github:a"));
  return { chain, author };
}

Deno.test("checkAppend() orders §5 checks 6–9", async (t) => {
  await t.step("checkAppend() accepts the next event with a valid signature", () => {
    const { chain, author } = oneEvent();
    const next = author.next("add", "github:b");
    checkAppend(chain, next, signatureVerdict(next));
  });
  await t.step("checkAppend() refuses a wrong seq, naming both", () => {
    const { chain, author } = oneEvent();
    const skipped = author.next("add", "github:b", { seq: 5 });
    assert.throws(
      () => checkAppend(chain, skipped, null),
      code("conflict", /^Cannot append event: expected seq 1, got 5$/),
    );
  });
  await t.step("checkAppend() refuses a broken prev link", () => {
    const { chain, author } = oneEvent();
    const broken = author.next("add", "github:b", { prev: "sha256:" + "1".repeat(64) });
    assert.throws(
      () => checkAppend(chain, broken, null),
      code("conflict", /is not the hash of seq 0/),
    );
  });
  await t.step("checkAppend() refuses an event already stored as a conflict", () => {
    const author = new ChainAuthor();
    const first = author.next("add", "github:a");
    const chain = new Sigchain(author.primary);
    chain.append(first);
    assert.throws(() => checkAppend(chain, first, null), code("conflict"));
  });
  await t.step("checkAppend() refuses a bad signature after the links, before the op", () => {
    const { chain, author } = oneEvent();
    const again = author.next("add", "github:a");
    assert.throws(() => checkAppend(chain, again, FORGED), code("invalid_signature"));
    const late = author.next("add", "github:b", { seq: 9 });
    assert.throws(() => checkAppend(chain, late, FORGED), code("conflict"), "links come first");
  });
  await t.step("checkAppend() refuses adding an active subject", () => {
    const { chain, author } = oneEvent();
    const again = author.next("add", "github:a");
    assert.throws(
      () => checkAppend(chain, again, null),
      code("invalid_op", /^Cannot add github:a: it is already active$/),
    );
  });
  await t.step("checkAppend() refuses revoking a subject that is not active", () => {
    const { chain, author } = oneEvent();
    const never = author.next("revoke", "github:never");
    assert.throws(
      () => checkAppend(chain, never, null),
      code("invalid_op", /^Cannot revoke github:never: it is not active$/),
    );
  });
  await t.step("checkAppend() asks the tip, whatever keeps it", () => {
    const author = new ChainAuthor();
    const first = author.next("revoke", "github:kept-elsewhere");
    const asked: string[] = [];
    const tip: ChainTip = { length: 0, head: null, isActive: (s) => (asked.push(s), true) };
    checkAppend(tip, first, null);
    assert.deepEqual(asked, ["github:kept-elsewhere"]);
  });
});

Deno.test("signatureVerdict() gives check 8's verdict without throwing it", async (t) => {
  const author = new ChainAuthor("nostr-secp256k1-schnorr-sha256-jcs");
  const env = author.next("add", "github:a");
  await t.step("signatureVerdict() is null for a valid signature", () => {
    assert.equal(signatureVerdict(env), null);
  });
  await t.step("signatureVerdict() is invalid_signature for another key's", () => {
    const other = new ChainAuthor(author.alg).next("add", "github:a");
    const forged: Envelope = { ...env, signature: { ...env.signature, sig: other.signature.sig } };
    assert.equal(signatureVerdict(forged)?.code, "invalid_signature");
  });
  await t.step("signatureVerdict() takes the verifier it is given", () => {
    assert.equal(signatureVerdict(env, () => false)?.code, "invalid_signature");
  });
});

Deno.test("parseEventBody() orders §5 checks 3–5", async (t) => {
  const author = new ChainAuthor();
  const primary = parsePrimary(author.primary);
  const env = author.next("add", "github:a");
  await t.step("parseEventBody() gives the event as stored", () => {
    const event = parseEventBody(encoder.encode(JSON.stringify(env)), primary);
    assert.equal(event.envelope.payload.primary, primary.text);
    assert.match(event.hash, /^sha256:[0-9a-f]{64}$/);
  });
  await t.step("parseEventBody() refuses a body that is not I-JSON", () => {
    assert.throws(
      () => parseEventBody(encoder.encode('{"a":1,"a":2}'), primary),
      code("invalid_json"),
    );
    assert.throws(() => parseEventBody(encoder.encode("[]"), primary), code("invalid_json"));
  });
  await t.step("parseEventBody() refuses a structure before a primary", () => {
    const wrong = { ...env, payload: { ...env.payload, primary: new ChainAuthor().primary } };
    assert.throws(
      () => parseEventBody(encoder.encode(JSON.stringify(wrong)), primary),
      code("wrong_primary"),
    );
    const both = { ...wrong, kez: "other" };
    assert.throws(
      () => parseEventBody(encoder.encode(JSON.stringify(both)), primary),
      code("invalid_event"),
    );
  });
  await t.step("the body limit is the spec's", () => {
    assert.equal(MAX_BODY_BYTES, 65_536);
  });
});

Deno.test("the active-subject rule", async (t) => {
  await t.step("isActiveAfter() is true after an add only", () => {
    assert.equal(isActiveAfter("add"), true);
    assert.equal(isActiveAfter("revoke"), false);
    assert.equal(isActiveAfter(null), false);
  });
  await t.step("ActiveSubjects follows adds and revokes, and says what changed", () => {
    const subjects = new ActiveSubjects();
    assert.equal(subjects.apply("add", "github:a"), true);
    assert.equal(subjects.apply("add", "github:a"), false);
    assert.equal(subjects.apply("revoke", "github:never"), false);
    assert.equal(subjects.apply("add", "dns:b"), true);
    assert.equal(subjects.apply("revoke", "github:a"), true);
    assert.equal(subjects.isActive("github:a"), false);
    assert.equal(subjects.apply("add", "github:a"), true, "added again after a revoke");
    assert.deepEqual([...subjects], ["dns:b", "github:a"], "in the order last added");
    assert.equal(subjects.size, 2);
  });
  await t.step("ActiveSubjects compares exactly", () => {
    const subjects = new ActiveSubjects(["web:caf\u00e9"]);
    assert.equal(subjects.isActive("web:cafe\u0301"), false);
    assert.equal(subjects.isActive("WEB:caf\u00e9"), false);
  });
});
