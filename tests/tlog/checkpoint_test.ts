import assert from "node:assert/strict";
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64 } from "@scure/base";
import {
  type Checkpoint,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from "../../lib/tlog/checkpoint.ts";
import { emptyRoot } from "../../lib/tlog/merkle.ts";
import { signNote } from "../../lib/tlog/note.ts";
import { TlogError } from "../../lib/tlog/tlog_error.ts";
import { verifierKey } from "../../lib/tlog/verifier_key.ts";

const ORIGIN = "localhost/kez-sig-server";
const seed = new Uint8Array(32).fill(5);
const key = verifierKey(ORIGIN, ed25519.getPublicKey(seed));
const root = new Uint8Array(32).map((_, i) => i * 7);
const ROOT_B64 = base64.encode(root);

// The example body of c2sp.org/tlog-checkpoint.
const SPEC_BODY =
  "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

Deno.test("checkpoint bodies", async (t) => {
  await t.step("are origin, size and base64 root, one a line", () => {
    const cp = { origin: ORIGIN, size: 9944, root };
    assert.equal(formatCheckpoint(cp), `${ORIGIN}\n9944\n${ROOT_B64}\n`);
    assert.deepEqual(parseCheckpoint(formatCheckpoint(cp)), cp);
    const spec = parseCheckpoint(SPEC_BODY);
    assert.equal(spec.origin, "example.com/behind-the-sofa");
    assert.equal(spec.size, 20852163);
    assert.equal(formatCheckpoint(spec), SPEC_BODY);
  });

  await t.step("round-trip sizes 0 to the largest safe integer", () => {
    for (const size of [0, 1, 255, 256, 65_536, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      const cp = { origin: ORIGIN, size, root: emptyRoot() };
      assert.deepEqual(parseCheckpoint(formatCheckpoint(cp)), cp);
    }
  });

  await t.step("parse strictly", () => {
    const bad = [
      "",
      `${ORIGIN}\n1\n${ROOT_B64}`, // no final newline
      `${ORIGIN}\n1\n${ROOT_B64}\n\n`,
      `${ORIGIN}\n1\n${ROOT_B64}\nextension\n`, // no extension lines (spec §10.2)
      `${ORIGIN}\n01\n${ROOT_B64}\n`,
      `${ORIGIN}\n+1\n${ROOT_B64}\n`,
      `${ORIGIN}\n-1\n${ROOT_B64}\n`,
      `${ORIGIN}\n1.0\n${ROOT_B64}\n`,
      `${ORIGIN}\n1e3\n${ROOT_B64}\n`,
      `${ORIGIN}\n 1\n${ROOT_B64}\n`,
      `${ORIGIN}\n\n${ROOT_B64}\n`,
      `${ORIGIN}\n9007199254740992\n${ROOT_B64}\n`,
      `${ORIGIN}\n1\n${ROOT_B64.slice(0, -1)}\n`,
      `${ORIGIN}\n1\n${base64.encode(new Uint8Array(31))}\n`,
      `${ORIGIN}\n1\n${base64.encode(new Uint8Array(33))}\n`,
      `${ORIGIN}\r\n1\n${ROOT_B64}\n`,
      `\n1\n${ROOT_B64}\n`,
      `local host\n1\n${ROOT_B64}\n`,
      `local+host\n1\n${ROOT_B64}\n`,
    ];
    for (const text of bad) {
      assert.throws(() => parseCheckpoint(text), SyntaxError, JSON.stringify(text));
    }
  });

  await t.step("refuse to format an impossible checkpoint", () => {
    const bad: Checkpoint[] = [
      { origin: "has space", size: 0, root },
      { origin: "has+plus", size: 0, root },
      { origin: "", size: 0, root },
      { origin: ORIGIN, size: -1, root },
      { origin: ORIGIN, size: 1.5, root },
      { origin: ORIGIN, size: 2 ** 53, root },
      { origin: ORIGIN, size: 0, root: new Uint8Array(31) },
    ];
    for (const cp of bad) assert.throws(() => formatCheckpoint(cp), RangeError);
  });
});

Deno.test("signed checkpoints", async (t) => {
  await t.step("sign then open", () => {
    for (const size of [0, 1, 1_000_000]) {
      const cp = { origin: ORIGIN, size, root: size === 0 ? emptyRoot() : root };
      const note = signCheckpoint(cp, seed);
      assert.ok(note.startsWith(`${formatCheckpoint(cp)}\n\u2014 ${ORIGIN} `));
      assert.equal(note.split("\n").length, 6, "one signature line");
      assert.deepEqual(openCheckpoint(note, key), cp);
    }
  });

  await t.step("a witness cosignature is ignored", () => {
    const note = signCheckpoint({ origin: ORIGIN, size: 3, root }, seed);
    const cosigned = note +
      signNote(formatCheckpoint({ origin: ORIGIN, size: 3, root }), "witness", seed)
        .split("\n\n")[1]!;
    assert.equal(openCheckpoint(cosigned, key).size, 3);
  });

  await t.step("fail with another key, a changed body or another origin", () => {
    const note = signCheckpoint({ origin: ORIGIN, size: 3, root }, seed);
    const stranger = verifierKey(ORIGIN, ed25519.getPublicKey(new Uint8Array(32).fill(6)));
    assert.throws(() => openCheckpoint(note, stranger), TlogError);
    assert.throws(() => openCheckpoint(note.replace("\n3\n", "\n4\n"), key), TlogError);
    // A key signing a checkpoint of another log's origin vouches for nothing.
    const foreign = signNote(
      formatCheckpoint({ origin: "other.example/log", size: 3, root }),
      ORIGIN,
      seed,
    );
    assert.throws(() => openCheckpoint(foreign, key), TlogError);
  });

  await t.step("fail on a signed text that is not a checkpoint", () => {
    const note = signNote(`${ORIGIN}\n3\n${ROOT_B64}\nextension\n`, ORIGIN, seed);
    assert.throws(() => openCheckpoint(note, key), SyntaxError);
  });
});
