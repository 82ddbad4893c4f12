import assert from "node:assert/strict";
import {
  formatAddCheckpoint,
  parseAddCheckpoint,
  parseCheckpointHead,
  parseNote,
} from "../../lib/tlog/mod.ts";

const vectors = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/c2sp/witness.json", import.meta.url)),
);
const example = vectors["tlog-witness"];
const HASH = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

Deno.test("add-checkpoint request bodies", async (t) => {
  await t.step("the tlog-witness example parses, and formats back the same", () => {
    const request = parseAddCheckpoint(example.request);
    assert.equal(request.oldSize, example.old_size);
    assert.equal(request.proof.length, example.proof_lines);
    assert.equal(parseNote(request.checkpoint).signatures.length, example.signatures);
    assert.equal(parseCheckpointHead(parseNote(request.checkpoint).text).checkpoint.size, 20852163);
    assert.equal(formatAddCheckpoint(request), example.request);
  });

  await t.step("malformed bodies are refused", () => {
    const bad = [
      "",
      "old 1\n",
      "old 01\n\ncp\n",
      "old -1\n\ncp\n",
      "old  1\n\ncp\n",
      "Old 1\n\ncp\n",
      `old 1\n${HASH.slice(4)}\n\ncp\n`,
      `old 1\n${HASH}x\n\ncp\n`,
      `old 1\n${(HASH + "\n").repeat(64)}\ncp\n`,
      "old 9007199254740993\n\ncp\n",
    ];
    for (const body of bad) assert.throws(() => parseAddCheckpoint(body), SyntaxError, body);
  });

  await t.step("63 proof lines are allowed", () => {
    const body = `old 1\n${(HASH + "\n").repeat(63)}\ncp\n`;
    assert.equal(parseAddCheckpoint(body).proof.length, 63);
  });

  await t.step("checkpoint heads keep extension lines and refuse empty ones", () => {
    const head = "o\n2\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    assert.deepEqual(parseCheckpointHead(`${head}a\nb\n`).extensions, ["a", "b"]);
    assert.throws(() => parseCheckpointHead(`${head}\n`), SyntaxError);
    assert.throws(() => parseCheckpointHead("o\n2\n"), SyntaxError);
  });
});
