import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64 } from "@scure/base";
import { openNote, parseNote, signNote, verifyNote } from "../../lib/tlog/note.ts";
import { TlogError } from "../../lib/tlog/tlog_error.ts";
import { parseVerifierKey, verifierKey } from "../../lib/tlog/verifier_key.ts";

// The example of c2sp.org/signed-note.
const SPEC_KEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const SPEC_TEXT = "This is an example message.\n";
const SPEC_SIGNATURE =
  "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
const SPEC_NOTE = `${SPEC_TEXT}\n${SPEC_SIGNATURE}`;

// The package example of golang.org/x/mod/sumdb/note: two keys, one note signed by both.
const PETER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SECRET =
  "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_KEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const GO_TEXT = "If you think cryptography is the answer to your problem,\n" +
  "then you don't know what your problem is.\n";
const PETER_SIGNATURE =
  "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIGNATURE =
  "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

const seed = new Uint8Array(32).fill(42);
const other = new Uint8Array(32).fill(43);

function assertUnverified(note: string, key: string, kind: typeof SyntaxError | typeof TlogError) {
  assert.equal(verifyNote(note, parseVerifierKey(key)), false);
  assert.throws(() => openNote(note, parseVerifierKey(key)), kind);
}

Deno.test("signed notes", async (t) => {
  await t.step("the signed-note example verifies", () => {
    assert.equal(openNote(SPEC_NOTE, parseVerifierKey(SPEC_KEY)), SPEC_TEXT);
    assert.ok(verifyNote(SPEC_NOTE, parseVerifierKey(SPEC_KEY)));
  });

  await t.step("a tampered text or signature fails", () => {
    assertUnverified(`This is an example message!\n\n${SPEC_SIGNATURE}`, SPEC_KEY, TlogError);
    assertUnverified(`This is an example message.\n\n\n${SPEC_SIGNATURE}`, SPEC_KEY, TlogError);
    const signature = base64.decode(SPEC_SIGNATURE.split(" ")[2]!.trim());
    for (const at of [4, 20, 67]) {
      const bad = signature.slice();
      bad[at]! ^= 1;
      const line = `\u2014 example.com/foo ${base64.encode(bad)}\n`;
      assertUnverified(`${SPEC_TEXT}\n${line}`, SPEC_KEY, TlogError);
    }
  });

  await t.step("unknown keys' lines are ignored, before or after", () => {
    const key = parseVerifierKey(SPEC_KEY);
    const stranger = signNote(SPEC_TEXT, "witness.example", other).slice(SPEC_TEXT.length + 1);
    assert.equal(openNote(`${SPEC_TEXT}\n${stranger}${SPEC_SIGNATURE}`, key), SPEC_TEXT);
    assert.equal(openNote(`${SPEC_NOTE}${stranger}`, key), SPEC_TEXT);
    // Same name, another ID; and same ID, another name: both unknown keys.
    const sameName = signNote(SPEC_TEXT, "example.com/foo", other).slice(SPEC_TEXT.length + 1);
    const sameId = SPEC_SIGNATURE.replace("example.com/foo", "example.com/bar");
    assert.equal(openNote(`${SPEC_NOTE}${sameName}${sameId}`, key), SPEC_TEXT);
  });

  await t.step("a note with no line of the key fails", () => {
    const stranger = signNote(SPEC_TEXT, "example.com/foo", other);
    assertUnverified(stranger, SPEC_KEY, TlogError);
  });

  await t.step("a failing line of the key fails the note, even beside a good one", () => {
    const forged = SPEC_SIGNATURE.replace("Uw2QOkn8", "Uw2QOkn9");
    assertUnverified(`${SPEC_NOTE}${forged}`, SPEC_KEY, TlogError);
    assertUnverified(`${SPEC_TEXT}\n${forged}${SPEC_SIGNATURE}`, SPEC_KEY, TlogError);
  });

  await t.step("the Go note example: either key verifies, the other's line is ignored", () => {
    const note = `${GO_TEXT}\n${PETER_SIGNATURE}${ENOCH_SIGNATURE}`;
    assert.equal(openNote(note, parseVerifierKey(PETER_KEY)), GO_TEXT);
    assert.equal(openNote(note, parseVerifierKey(ENOCH_KEY)), GO_TEXT);
    assert.equal(parseNote(note).signatures.length, 2);
  });

  await t.step("signing reproduces the Go example byte for byte", () => {
    const typed = base64.decode(PETER_SECRET.split("+").slice(4).join("+"));
    assert.equal(typed[0], 1);
    assert.equal(
      signNote(GO_TEXT, "PeterNeumann", typed.slice(1)),
      `${GO_TEXT}\n${PETER_SIGNATURE}`,
    );
  });

  await t.step("sign then verify, texts with empty lines and non-ASCII included", () => {
    const key = verifierKey("example.com/log", ed25519.getPublicKey(seed));
    for (
      const text of ["\n", "a\n", "a\n\nb\n", "a\n\n", "día — 日本\n", "x".repeat(10_000) + "\n"]
    ) {
      const note = signNote(text, "example.com/log", seed);
      assert.equal(openNote(note, key), text, JSON.stringify(text));
      assert.equal(parseNote(note).signatures.length, 1);
    }
  });

  await t.step("refuses to sign what is not a note text", () => {
    for (const text of ["", "no newline", "a\r\n", "tab\there\n", "nul\0\n", "\ud800\n"]) {
      assert.throws(
        () => signNote(text, "example.com/log", seed),
        RangeError,
        JSON.stringify(text),
      );
    }
    assert.throws(() => signNote("a\n", "a b", seed), RangeError);
    assert.throws(() => signNote("a\n", "a+b", seed), RangeError);
    assert.throws(() => signNote("a\n", "a", new Uint8Array(31)), RangeError);
  });

  await t.step("refuses malformed notes", () => {
    const bad = [
      "",
      SPEC_TEXT,
      SPEC_TEXT + "\n",
      SPEC_NOTE.slice(0, -1), // no final newline
      `${SPEC_TEXT}${SPEC_SIGNATURE}`, // no empty line
      `${SPEC_TEXT}\n${SPEC_SIGNATURE}\n`, // an empty line after the signatures
      `${SPEC_TEXT}\n${SPEC_SIGNATURE.replace("\u2014", "-")}`,
      `${SPEC_TEXT}\n${SPEC_SIGNATURE.replace("\u2014 ", "\u2014")}`,
      `${SPEC_TEXT}\n${SPEC_SIGNATURE.replace(" Uw2", "  Uw2")}`,
      `${SPEC_TEXT}\n${SPEC_SIGNATURE.replace("=\n", "\n")}`,
      `${SPEC_TEXT}\n${SPEC_SIGNATURE.replace("=\n", "= \n")}`,
      `${SPEC_TEXT}\n${SPEC_SIGNATURE.replace("example.com/foo", "example+foo")}`,
      `${SPEC_TEXT}\n\u2014 example.com/foo AAAAAA==\n`, // a key ID and no signature
      `${SPEC_TEXT}\n\u2014 example.com/foo\n`,
      `${SPEC_TEXT}\n\u2014  Uw2QOkn8\n`,
      `This is\tan example message.\n\n${SPEC_SIGNATURE}`,
      `This is an example message.\r\n\n${SPEC_SIGNATURE}`,
      `${SPEC_TEXT}\n${SPEC_SIGNATURE.repeat(101)}`,
    ];
    for (const note of bad) {
      assert.throws(() => parseNote(note), SyntaxError, JSON.stringify(note));
      assertUnverified(note, SPEC_KEY, SyntaxError);
    }
    assert.equal(parseNote(`${SPEC_TEXT}\n${SPEC_SIGNATURE.repeat(100)}`).signatures.length, 100);
  });
});
