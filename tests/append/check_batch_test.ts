import assert from "node:assert/strict";
import { BatchTip, checkBatch, type Run } from "../../lib/append/mod.ts";
import { KezError, Sigchain, signatureVerdict, toChainEvent } from "../../lib/protocol/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";

function entry(author: ChainAuthor, op: "add" | "revoke", subject: string, run?: Run) {
  const envelope = author.next(op, subject);
  const event = toChainEvent(envelope);
  return { event, signature: signatureVerdict(envelope), ...(run === undefined ? {} : { run }) };
}

Deno.test("checkBatch() checks a batch in queue order", async (t) => {
  await t.step("checkBatch() lets a chain's later events see its earlier ones", () => {
    const author = new ChainAuthor();
    const chain = new Sigchain(author.primary);
    const batch = [
      entry(author, "add", "github:a"),
      entry(author, "revoke", "github:a"),
      entry(author, "add", "github:a"),
    ];
    const accepted = checkBatch(batch, () => chain, () => assert.fail("refused"));
    assert.deepEqual(accepted, batch);
    assert.equal(chain.length, 0, "the committed tip is left as it was");
  });
  await t.step("checkBatch() refuses each failing entry at once, in order, and goes on", () => {
    const [a, b] = [new ChainAuthor(), new ChainAuthor()];
    const first = entry(a, "add", "github:a");
    const twice = entry(a, "add", "github:a");
    const other = entry(b, "revoke", "github:never");
    const refused: [unknown, string][] = [];
    const accepted = checkBatch(
      [first, twice, other],
      (primary) => new Sigchain(primary),
      (e, error) => refused.push([e, (error as KezError).code]),
    );
    assert.deepEqual(accepted, [first]);
    assert.deepEqual(refused, [[twice, "invalid_op"], [other, "invalid_op"]]);
  });
  await t.step("checkBatch() asks each chain's tip once", () => {
    const [a, b] = [new ChainAuthor(), new ChainAuthor()];
    const asked: string[] = [];
    const batch = [entry(a, "add", "x:1"), entry(b, "add", "x:1"), entry(a, "add", "x:2")];
    checkBatch(batch, (primary) => (asked.push(primary), new Sigchain(primary)), () => {});
    assert.deepEqual(asked, [a.primary, b.primary]);
  });
  await t.step("checkBatch() refuses the rest of a run after its first refusal", () => {
    const [a, b] = [new ChainAuthor(), new ChainAuthor()];
    const run = { refused: false };
    const batch = [
      entry(a, "add", "x:1", run),
      entry(b, "revoke", "x:never", run),
      entry(a, "add", "x:2", run),
      entry(new ChainAuthor(), "add", "x:3"),
    ];
    const refused: string[] = [];
    const accepted = checkBatch(
      batch,
      (primary) => new Sigchain(primary),
      (_, error) => refused.push((error as KezError).message),
    );
    assert.deepEqual(accepted, [batch[0], batch[3]], "an entry outside the run goes on");
    assert.deepEqual(refused, [
      "Cannot revoke x:never: it is not active",
      "Cannot append event: an earlier event of its run was refused",
    ]);
    assert.equal(run.refused, true);
  });
  await t.step("checkBatch() counts a signature's verdict in its place", () => {
    const author = new ChainAuthor();
    const forged = new KezError("invalid_signature", "Invalid signature: forged");
    const bad = { ...entry(author, "add", "x:1"), signature: forged };
    const codes: string[] = [];
    checkBatch([bad], (p) => new Sigchain(p), (_, e) => codes.push((e as KezError).code));
    const late = { ...entry(new ChainAuthor(), "add", "x:1"), signature: forged };
    const skipped = {
      ...late,
      event: toChainEvent(new ChainAuthor().next("add", "x", { seq: 3 })),
    };
    checkBatch([skipped], (p) => new Sigchain(p), (_, e) => codes.push((e as KezError).code));
    assert.deepEqual(codes, ["invalid_signature", "conflict"]);
  });
  await t.step("checkBatch() fails whole when a tip cannot be read", () => {
    const failure = new Error("disk gone");
    assert.throws(
      () =>
        checkBatch([entry(new ChainAuthor(), "add", "x:1")], () => {
          throw failure;
        }, () => {}),
      (e) => e === failure,
    );
  });
});

Deno.test("BatchTip puts a batch's events over the committed tip", () => {
  const author = new ChainAuthor();
  const chain = new Sigchain(author.primary);
  chain.append(author.next("add", "github:a"));
  const tip = new BatchTip(chain);
  const revoke = toChainEvent(author.next("revoke", "github:a"));
  tip.push(revoke);
  assert.equal(tip.length, 2);
  assert.equal(tip.head, revoke.hash);
  assert.equal(tip.isActive("github:a"), false, "the pending revoke decides");
  assert.equal(chain.isActive("github:a"), true, "the committed tip is unchanged");
  assert.equal(tip.isActive("github:b"), false);
});
