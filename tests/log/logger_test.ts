import assert from "node:assert/strict";
import { createLogger, formatLine, type LogSink, streamSink } from "../../lib/log/mod.ts";

/** A byte stream that keeps what it is given, each write answered when `release` is called. */
function heldStream() {
  const chunks: Uint8Array[] = [];
  const waiting: (() => void)[] = [];
  return {
    chunks,
    text: () => new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c]))),
    release: () => waiting.splice(0).forEach((resolve) => resolve()),
    write(bytes: Uint8Array): Promise<number> {
      chunks.push(bytes.slice());
      return new Promise((resolve) => waiting.push(() => resolve(bytes.length)));
    },
  };
}

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

Deno.test("a request line taken in pieces is the line formatLine() builds", async (t) => {
  const paths = [
    "/v1/healthz",
    "/v1/sigchains/x/%C3%A9",
    "/é/日本/😀",
    "/\ud800/lone",
    "/" + "a".repeat(600),
  ];
  for (const path of paths) {
    await t.step(JSON.stringify(path.slice(0, 24)), async () => {
      const out = heldStream();
      const sink = streamSink(out);
      assert.ok(sink.pieces !== undefined, "the stream sink takes pieces");
      const log = createLogger("info", sink);
      log.request({
        requestId: "r",
        method: "GET",
        route: "-",
        path,
        status: 200,
        durationMs: 0.44,
      });
      out.release();
      await log.flush();
      const line = out.text();
      const time = line.slice(0, 24);
      assert.match(time, TIME);
      const expected = formatLine("pretty", time, "info", `GET ${path} 200 0.4ms`) + "\n";
      assert.equal(line, new TextDecoder().decode(new TextEncoder().encode(expected)));
    });
  }
});

Deno.test("streamSink() batches lines and keeps their order", async (t) => {
  await t.step("lines taken during a write go out together in the next one", async () => {
    const out = heldStream();
    const sink: LogSink = streamSink(out);
    sink.write("one");
    sink.write("two");
    sink.pieces!.text("thr").text("ee").end();
    assert.equal(out.chunks.length, 1, "the first line went at once");
    out.release();
    await Promise.resolve();
    await Promise.resolve();
    out.release();
    const flushed = sink.flush();
    out.release();
    await flushed;
    assert.equal(out.chunks.length, 2);
    assert.equal(out.text(), "one\ntwo\nthree\n");
  });

  await t.step("a line larger than a batch's buffer is written whole", async () => {
    const out = heldStream();
    const sink = streamSink(out);
    const long = "é".repeat(100_000);
    sink.write("first");
    sink.write(long);
    sink.write("last");
    for (let i = 0; i < 4; i++) {
      out.release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await sink.flush();
    assert.equal(out.text(), `first\n${long}\nlast\n`);
  });

  await t.step("a partial write is finished before the next lines", async () => {
    const chunks: string[] = [];
    const sink = streamSink({
      write: (bytes) => {
        const n = Math.min(3, bytes.length);
        chunks.push(new TextDecoder().decode(bytes.subarray(0, n)));
        return Promise.resolve(n);
      },
    });
    sink.write("abcdefg");
    sink.write("hij");
    await sink.flush();
    assert.equal(chunks.join(""), "abcdefg\nhij\n");
  });

  await t.step("a write that fails loses its lines, not the process", async () => {
    let writes = 0;
    const sink = streamSink({
      write: () => {
        writes++;
        return Promise.reject(new Error("Broken pipe (os error 32)"));
      },
    });
    sink.write("one");
    await sink.flush();
    sink.write("two");
    await sink.flush();
    assert.equal(writes, 2, "each batch is tried");
  });
});
