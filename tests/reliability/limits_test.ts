// Limits at the front door of the real server binary: oversized and deeply nested bodies, huge
// URLs and headers, and bodies that stall. Each is refused cleanly, and none holds up anyone else.

import assert from "node:assert/strict";
import { KezError, MAX_BODY_BYTES, parseEnvelope, parseJson } from "../../lib/protocol/mod.ts";
import { shutdownGraceMs } from "../../main.ts";

/** The stalled-body test's body timeout: short, so that the test does not wait 10 s. */
const BODY_TIMEOUT_MS = 3_000;
import { ChainAuthor } from "../support/chain_author.ts";
import { ChainWriter } from "../support/chain_writer.ts";
import { RawConnection } from "../support/raw_connection.ts";
import { ServerProcess } from "../support/server_process.ts";

const encoder = new TextEncoder();

async function withServer(fn: (server: ServerProcess) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kez-limits-" });
  try {
    await using server = await ServerProcess.start({
      db: `${dir}/chains.db`,
      args: ["--body-timeout", String(BODY_TIMEOUT_MS / 1000)],
    });
    await fn(server);
    const res = await fetch(`${server.base}/v1/healthz`);
    assert.equal(res.status, 200, "still serving");
    await res.body?.cancel();
    assert.doesNotMatch(server.log, /ERROR|internal error/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function head(method: string, path: string, fields: string[] = []): string {
  return [`${method} ${path} HTTP/1.1`, "Host: 127.0.0.1", ...fields, "", ""].join("\r\n");
}

function errorCode(body: string): string {
  return (JSON.parse(body) as { error: { code: string } }).error.code;
}

Deno.test("limits: bodies over 64 KiB are 413 before they are read whole", async (t) => {
  await withServer(async (server) => {
    const events = `/v1/sigchains/${new ChainAuthor().path}/events`;
    await t.step(
      "a Content-Length over the limit: 413 before a byte of the body is sent",
      async () => {
        const conn = await RawConnection.open(server.base);
        await conn.send(head("POST", events, ["Content-Length: 1000000000"]));
        const answer = await conn.readAnswer(10_000);
        conn.close();
        assert.equal(answer?.status, 413);
        assert.equal(errorCode(answer.body), "payload_too_large");
      },
    );
    await t.step(
      "a chunked body: 413 once it passes the limit, while the rest never comes",
      async () => {
        const conn = await RawConnection.open(server.base);
        const chunk = " ".repeat(8192);
        const chunks = Math.ceil((MAX_BODY_BYTES + 1) / chunk.length);
        await conn.send(
          head("POST", events, ["Transfer-Encoding: chunked"]) +
            `2000\r\n${chunk}\r\n`.repeat(chunks),
        );
        const answer = await conn.readAnswer(10_000);
        conn.close();
        assert.equal(answer?.status, 413);
        assert.equal(errorCode(answer.body), "payload_too_large");
      },
    );
  });
});

Deno.test("limits: deep nesting is refused, never a stack overflow", async (t) => {
  await t.step("the parser takes 100,000 and 1,000,000 levels and refuses the structure", () => {
    for (const depth of [100_000, 1_000_000]) {
      const text = "[".repeat(depth) + "]".repeat(depth);
      assert.throws(
        () => parseEnvelope(parseJson(encoder.encode(text))),
        (e) => e instanceof KezError && e.code === "invalid_json",
      );
      const member = `{"kez":${text}}`;
      assert.throws(
        () => parseEnvelope(parseJson(encoder.encode(member))),
        (e) => e instanceof KezError && e.code === "invalid_event",
      );
      assert.throws(
        () => parseJson(encoder.encode("[".repeat(depth))),
        (e) => e instanceof KezError && e.code === "invalid_json",
      );
    }
  });
  await withServer(async (server) => {
    const author = new ChainAuthor();
    const post = async (body: string) => {
      const res = await fetch(`${server.base}/v1/sigchains/${author.path}/events`, {
        method: "POST",
        body,
      });
      return { status: res.status, code: errorCode(await res.text()) };
    };
    // 100,000 levels take at least 100,000 bytes, so over HTTP they meet the size limit first.
    await t.step("over HTTP, 100,000 levels are 413", async () => {
      assert.deepEqual(await post("[".repeat(100_000) + "]".repeat(100_000)), {
        status: 413,
        code: "payload_too_large",
      });
    });
    await t.step("the deepest nesting that fits in 64 KiB is 400", async () => {
      const half = (MAX_BODY_BYTES - 8) / 2;
      assert.deepEqual(await post(`{"kez":${"[".repeat(half)}${"]".repeat(half)}}`), {
        status: 400,
        code: "invalid_event",
      });
      assert.deepEqual(await post("[".repeat(MAX_BODY_BYTES)), {
        status: 400,
        code: "invalid_json",
      });
      assert.deepEqual(
        await post("[".repeat(MAX_BODY_BYTES / 2) + "]".repeat(MAX_BODY_BYTES / 2)),
        {
          status: 400,
          code: "invalid_json",
        },
      );
    });
  });
});

Deno.test("limits: very long URLs and headers are refused cleanly", async (t) => {
  await withServer(async (server) => {
    const refused = async (request: string) => {
      const conn = await RawConnection.open(server.base);
      await conn.send(request);
      const answer = await conn.readAnswer(10_000);
      const closed = await conn.closedWithin(5_000);
      conn.close();
      return { status: answer?.status, closed };
    };
    await t.step("a 60,000-byte path is 404, and the log keeps only its start", async () => {
      const conn = await RawConnection.open(server.base);
      await conn.send(head("GET", `/v1/${"a".repeat(60_000)}`));
      const answer = await conn.readAnswer(10_000);
      conn.close();
      assert.equal(answer?.status, 404);
      assert.equal(errorCode(answer.body), "not_found");
      for (const line of server.log.split("\n")) assert.ok(line.length < 2_000, line.slice(0, 300));
    });
    await t.step("a 100,000-byte path: 400 from the HTTP layer, connection closed", async () => {
      assert.deepEqual(await refused(head("GET", `/v1/${"a".repeat(100_000)}`)), {
        status: 400,
        closed: true,
      });
    });
    await t.step("a 200,000-byte header: 400, connection closed", async () => {
      assert.deepEqual(
        await refused(head("GET", "/v1/healthz", [`X-Big: ${"a".repeat(200_000)}`])),
        {
          status: 400,
          closed: true,
        },
      );
    });
    await t.step("500 header fields: 400, connection closed", async () => {
      const fields = Array.from({ length: 500 }, (_, i) => `X-Field-${i}: ${i}`);
      assert.deepEqual(await refused(head("GET", "/v1/healthz", fields)), {
        status: 400,
        closed: true,
      });
    });
  });
});

Deno.test("limits: a body that stalls gets 408 and holds up neither other clients nor a shutdown", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "kez-limits-" });
  try {
    await using server = await ServerProcess.start({
      db: `${dir}/chains.db`,
      args: ["--body-timeout", String(BODY_TIMEOUT_MS / 1000)],
    });
    const author = new ChainAuthor();
    const events = `/v1/sigchains/${author.path}/events`;
    const envelope = JSON.stringify(author.next("add", "github:slow"));
    const started = Date.now();
    // Twenty clients that send their head and half an event, then nothing.
    const stalled = await Promise.all(Array.from({ length: 20 }, async () => {
      const conn = await RawConnection.open(server.base);
      await conn.send(
        head("POST", events, [`Content-Length: ${envelope.length}`]) +
          envelope.slice(0, envelope.length / 2),
      );
      return conn;
    }));
    // And one that drips a byte a second: each byte is on time, the whole body is not.
    const dripper = await RawConnection.open(server.base);
    await dripper.send(head("POST", events, [`Content-Length: ${envelope.length}`]));
    let dripping = true;
    const drip = (async () => {
      for (let i = 0; dripping && i < envelope.length; i++) {
        if (!await dripper.send(envelope[i]!)) break;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    })();
    const slow = [...stalled, dripper];

    await t.step("meanwhile other clients read and write as usual", async () => {
      const writer = new ChainWriter();
      for (let i = 0; i < 20; i++) {
        const outcome = await writer.appendNext(server.base, 5_000);
        assert.equal(outcome.kind, "created", JSON.stringify(outcome));
        const res = await fetch(`${server.base}/v1/sigchains/${writer.path}/head`, {
          signal: AbortSignal.timeout(5_000),
        });
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
      assert.ok(Date.now() - started < BODY_TIMEOUT_MS, "all done before any body timed out");
    });

    await t.step("each slow client gets 408 request_timeout once its time is up", async () => {
      for (const conn of slow) {
        assert.ok(await conn.received("request_timeout", BODY_TIMEOUT_MS + 15_000));
      }
      assert.ok(Date.now() - started >= BODY_TIMEOUT_MS, "not before the body timeout");
      dripping = false;
      await drip;
      const res = await fetch(`${server.base}/v1/sigchains/${author.path}`);
      assert.equal(res.status, 404, "the chain got nothing from them");
      await res.body?.cancel();
    });

    // Deno.serve cannot close a connection whose request body has not ended, and its shutdown
    // waits for them: the server's grace period bounds the wait.
    await t.step("SIGTERM waits for them no longer than its grace: exit 0", async () => {
      server.kill("SIGTERM");
      assert.equal((await server.exited(shutdownGraceMs(BODY_TIMEOUT_MS) + 5_000)).code, 0);
      for (const conn of slow) {
        const answer = await conn.readAnswer(5_000);
        conn.close();
        assert.equal(answer?.status, 408);
        assert.equal(answer.headers.get("connection"), "close");
        assert.equal(errorCode(answer.body), "request_timeout");
      }
      assert.doesNotMatch(server.log, /ERROR|internal error/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
