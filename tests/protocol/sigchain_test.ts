import assert from "node:assert/strict";
import { KezError, reconcile, Sigchain } from "../../lib/protocol/mod.ts";
import { ChainAuthor, lineOf } from "../support/chain_author.ts";

const ALGS = ["ed25519-sha512-jcs", "nostr-secp256k1-schnorr-sha256-jcs"] as const;

function code(code: string) {
  return (e: unknown) => e instanceof KezError && e.code === code;
}

Deno.test("Sigchain.append() follows the rules of spec §5", async (t) => {
  for (const alg of ALGS) {
    await t.step(`${alg}: adds make subjects active`, () => {
      const a = new ChainAuthor(alg);
      const chain = new Sigchain(a.primary);
      chain.append(a.next("add", "github:jason"));
      chain.append(a.next("add", "dns:jason.example"));
      assert.deepEqual(chain.activeSubjects(), ["github:jason", "dns:jason.example"]);
      assert.equal(chain.length, 2);
    });
    await t.step(`${alg}: a revoke deactivates, and the subject may be added again`, () => {
      const a = new ChainAuthor(alg);
      const chain = new Sigchain(a.primary);
      chain.append(a.next("add", "github:jason"));
      chain.append(a.next("revoke", "github:jason"));
      assert.equal(chain.isActive("github:jason"), false);
      chain.append(a.next("add", "github:jason"));
      assert.equal(chain.isActive("github:jason"), true);
    });
  }
  await t.step("rejects an event for another primary", () => {
    const chain = new Sigchain(new ChainAuthor().primary);
    assert.throws(
      () => chain.append(new ChainAuthor().next("add", "github:a")),
      code("wrong_primary"),
    );
  });
  await t.step("rejects a skipped seq with the expected seq in the message", () => {
    const a = new ChainAuthor();
    const chain = new Sigchain(a.primary);
    chain.append(a.next("add", "github:a"));
    assert.throws(
      () => chain.append(a.next("add", "github:b", { seq: 5 })),
      (e) => code("conflict")(e) && /expected seq 1, got 5/.test((e as Error).message),
    );
  });
  await t.step("rejects a broken prev link", () => {
    const a = new ChainAuthor();
    const chain = new Sigchain(a.primary);
    chain.append(a.next("add", "github:a"));
    assert.throws(
      () => chain.append(a.next("add", "github:b", { prev: "sha256:" + "1".repeat(64) })),
      code("conflict"),
    );
    assert.equal(chain.length, 1);
  });
  await t.step("rejects a signature by another key", () => {
    const a = new ChainAuthor();
    const env = a.next("add", "github:a");
    const forged = {
      ...env,
      signature: { ...env.signature, sig: new ChainAuthor().next("add", "github:a").signature.sig },
    };
    assert.throws(() => new Sigchain(a.primary).append(forged), code("invalid_signature"));
  });
  await t.step("checks signatures with the verifier it is given", () => {
    const a = new ChainAuthor();
    const first = a.next("add", "github:a");
    const seen: Uint8Array[] = [];
    const refuse = new Sigchain(a.primary, (input) => (seen.push(input.sig), false));
    assert.throws(() => refuse.append(first), code("invalid_signature"));
    assert.equal(refuse.length, 0);
    assert.equal(seen.length, 1);
    const accept = new Sigchain(a.primary, () => true);
    const forged = { ...first, signature: { ...first.signature, sig: "00".repeat(64) } };
    assert.equal(accept.append(forged).envelope.payload.seq, 0, "the verifier's word is final");
  });
  await t.step("rejects adding an active subject and revoking an inactive one", () => {
    const a = new ChainAuthor();
    const chain = new Sigchain(a.primary);
    assert.throws(() => chain.append(a.next("revoke", "github:a")), code("invalid_op"));
    const b = new ChainAuthor(a.alg, a.secret);
    chain.append(b.next("add", "github:a"));
    assert.throws(() => chain.append(b.next("add", "github:a")), code("invalid_op"));
  });
  await t.step("compares subjects exactly: an NFD form is another subject", () => {
    const a = new ChainAuthor();
    const chain = new Sigchain(a.primary);
    chain.append(a.next("add", "web:caf\u00e9"));
    chain.append(a.next("add", "web:cafe\u0301"));
    assert.equal(chain.activeSubjects().length, 2);
  });
});

Deno.test("Sigchain JSONL round-trips and detects tampering", async (t) => {
  for (const alg of ALGS) {
    const a = new ChainAuthor(alg);
    const chain = new Sigchain(a.primary);
    for (
      const [op, s] of [["add", "github:a"], ["add", "dns:b"], ["revoke", "github:a"]] as const
    ) {
      chain.append(a.next(op, s));
    }
    const jsonl = chain.toJsonl();
    await t.step(`${alg}: toJsonl() then fromJsonl() gives the same chain`, () => {
      const back = Sigchain.fromJsonl(jsonl);
      assert.equal(back.toJsonl(), jsonl);
      assert.equal(back.head, chain.head);
      assert.deepEqual(back.activeSubjects(), ["dns:b"]);
    });
    await t.step(`${alg}: a changed subject is caught`, () => {
      const tampered = jsonl.replace("dns:b", "dns:c");
      assert.throws(() => Sigchain.fromJsonl(tampered), code("invalid_signature"));
    });
    await t.step(`${alg}: a dropped event is caught`, () => {
      const lines = jsonl.split("\n");
      const dropped = [lines[0], lines[2]].join("\n");
      assert.throws(
        () => Sigchain.fromJsonl(dropped),
        (e) => code("conflict")(e) && /^line 2: /.test((e as Error).message),
      );
    });
    await t.step(`${alg}: a chain for another primary is refused`, () => {
      assert.throws(
        () => Sigchain.fromJsonl(jsonl, new ChainAuthor(alg).primary),
        code("wrong_primary"),
      );
    });
  }
  await t.step("an empty text is an empty chain when the primary is known", () => {
    const p = new ChainAuthor().primary;
    assert.equal(Sigchain.fromJsonl("", p).length, 0);
    assert.throws(() => Sigchain.fromJsonl(""), code("invalid_event"));
  });
  await t.step("non-canonical lines are verified by value and served canonical", () => {
    const a = new ChainAuthor();
    const env = a.next("add", "github:a");
    const pretty = JSON.stringify(env, null, 2).replaceAll("\n", " ");
    const chain = Sigchain.fromJsonl(pretty + "\n");
    assert.equal(chain.toJsonl(), lineOf(env) + "\n");
  });
});

Deno.test("reconcile() picks the longest valid copy or reports a fork (§8)", async (t) => {
  const a = new ChainAuthor();
  const events = [a.next("add", "github:a"), a.next("add", "dns:a"), a.next("revoke", "github:a")];
  const jsonl = (n: number) => events.slice(0, n).map((e) => lineOf(e) + "\n").join("");
  await t.step("every copy a prefix: the longest wins", () => {
    const r = reconcile(a.primary, [
      { source: "short", text: jsonl(1) },
      { source: "long", text: jsonl(3) },
      { source: "empty", text: "" },
    ]);
    assert.equal(r.fork, null);
    assert.equal(r.chain?.length, 3);
    assert.deepEqual(r.verdicts.map((v) => v.valid), [true, true, true]);
  });
  await t.step("an invalid copy is dropped with its reason", () => {
    const r = reconcile(a.primary, [
      { source: "tampered", text: jsonl(3).replace("dns:a", "dns:z") },
      { source: "good", text: jsonl(2) },
    ]);
    assert.equal(r.chain?.length, 2);
    const bad = r.verdicts[0]!;
    assert.ok(!bad.valid && /line 2/.test(bad.reason));
  });
  await t.step("different events at one seq are a fork: seq and both hashes, no winner", () => {
    const b = new ChainAuthor(a.alg, a.secret);
    const other = [b.next("add", "github:a"), b.next("add", "dns:other")];
    const otherText = other.map((e) => lineOf(e) + "\n").join("");
    const r = reconcile(a.primary, [
      { source: "server", text: jsonl(3) },
      { source: "gist", text: otherText },
    ]);
    assert.equal(r.chain, null);
    assert.equal(r.fork?.seq, 1);
    assert.deepEqual(r.fork?.sources, ["server", "gist"]);
    assert.deepEqual(r.fork?.hashes, [
      Sigchain.fromJsonl(jsonl(3)).events[1]!.hash,
      Sigchain.fromJsonl(otherText).events[1]!.hash,
    ]);
  });
  await t.step("no valid copy: neither chain nor fork", () => {
    const r = reconcile(a.primary, [{ source: "x", text: "{}\n" }]);
    assert.equal(r.chain, null);
    assert.equal(r.fork, null);
  });
});
