import assert from "node:assert/strict";
import { runBinary, spawnServer } from "./support/binary.ts";
import { ChainAuthor } from "./support/chain_author.ts";
import { withDir } from "./support/temp_dir.ts";
import { waitFor } from "./support/wait_for.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

Deno.test("main: --help and --version exit 0", async (t) => {
  await t.step("--help lists every flag and its variable", async () => {
    const { code, stdout } = await runBinary(["--help"]);
    assert.equal(code, 0);
    const words = [
      ["--bind", "KEZ_BIND", "--db", "KEZ_DB", "--log-level", "KEZ_LOG", "RUST_LOG"],
      ["--log-format", "KEZ_LOG_FORMAT", "--metrics", "KEZ_METRICS", "--verify-workers"],
      ["KEZ_VERIFY_WORKERS", "--body-timeout", "KEZ_BODY_TIMEOUT", "--cache-mb", "KEZ_CACHE_MB"],
      ["mirror", "backup", "verify", "stats", "healthcheck", "migrate"],
    ].flat();
    for (const word of words) assert.ok(stdout.includes(word), word);
  });
  await t.step("--version names the version of deno.json", async () => {
    const { code, stdout } = await runBinary(["--version"]);
    assert.equal(code, 0);
    assert.match(stdout, /^kez-sig-server \d+\.\d+\.\d+\n$/);
  });
});

Deno.test("main: bad configuration exits 2 with a clear message", async (t) => {
  await withDir(async (dir) => {
    const cases: [string, string[], Record<string, string>, RegExp][] = [
      ["an unknown flag", ["--port", "1"], {}, /Unknown option '--port'/],
      ["a flag without its value", ["--db"], {}, /--db/],
      ["a bind address without a port", ["--bind", "127.0.0.1"], {}, /Cannot parse bind address/],
      ["a port out of range", ["--bind", "127.0.0.1:70000"], {}, /Cannot parse bind address/],
      ["a bad KEZ_BIND", [], { KEZ_BIND: "nonsense" }, /Cannot parse bind address "nonsense"/],
      ["an unknown log level", ["--log-level", "loud"], {}, /"loud" is not one of/],
      ["a bad verify-worker count", ["--verify-workers=-1"], {}, /Cannot use -1 verify workers/],
      ["a bad KEZ_VERIFY_WORKERS", [], { KEZ_VERIFY_WORKERS: "many" }, /Cannot use many verify/],
      ["a zero --body-timeout", ["--body-timeout", "0"], {}, /body timeout of "0": expected/],
      ["a bad KEZ_BODY_TIMEOUT", [], { KEZ_BODY_TIMEOUT: "1.5" }, /body timeout of "1.5"/],
      ["a chain cache too large", ["--cache-mb", "65"], {}, /Cannot use a 65 MiB chain cache/],
      ["a bad KEZ_CACHE_MB", [], { KEZ_CACHE_MB: "1.5" }, /Cannot use a 1\.5 MiB chain cache/],
      ["an unknown log format", ["--log-format", "xml"], {}, /Cannot parse log format "xml"/],
      ["a bad KEZ_LOG_FORMAT", [], { KEZ_LOG_FORMAT: "JSON" }, /log format "JSON"/],
      ["a bad --metrics", ["--metrics=yes"], {}, /Cannot parse metrics setting "yes"/],
      ["a bad KEZ_METRICS", [], { KEZ_METRICS: "1" }, /Cannot parse metrics setting "1"/],
      ["--metrics without its value", ["--metrics"], {}, /--metrics/],
      ["an unknown command", ["serve"], {}, /Unknown command 'serve'/],
      [
        "a database in a missing directory, which is named",
        ["--db", `${dir}/no/such/dir/x.db`, "--bind", "127.0.0.1:0"],
        {},
        /Cannot open database ".*x\.db": directory ".*\/no\/such\/dir" does not exist/,
      ],
      [
        "a database path that is a directory",
        ["--db", dir, "--bind", "127.0.0.1:0"],
        {},
        /Cannot open database/,
      ],
      [
        "a database file that is not SQLite",
        ["--db", MAIN, "--bind", "127.0.0.1:0"],
        {},
        /not a database/,
      ],
      [
        "an address that cannot be bound",
        ["--bind", "192.0.2.1:0", "--db", `${dir}/a.db`],
        {},
        /Cannot listen on 192\.0\.2\.1:0/,
      ],
    ];
    for (const [name, args, env, message] of cases) {
      await t.step(name, async () => {
        const { code, stderr } = await runBinary(args, env, 15_000);
        assert.equal(code, 2, stderr);
        assert.match(stderr, message);
      });
    }
  });
});

Deno.test("main: an address in use exits 2", async () => {
  await withDir(async (dir) => {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    const { code, stderr } = await runBinary([
      "--bind",
      `127.0.0.1:${port}`,
      "--db",
      `${dir}/a.db`,
    ]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /Cannot listen on 127\.0\.0\.1:\d+/);
    assert.doesNotMatch(stderr, /created log key file/, "no key is announced, none is made");
    assert.deepEqual([...Deno.readDirSync(dir)], [], "no database, key or pid file is left behind");
  });
});

Deno.test("main: an address in use beside an existing database leaves it as it was", async () => {
  await withDir(async (dir) => {
    const db = `${dir}/a.db`;
    const first = await spawnServer(["--bind", "127.0.0.1:0", "--db", db]);
    first.child.kill("SIGTERM");
    assert.equal((await first.finished()).code, 0);
    const before = await Deno.readFile(db);
    const key = await Deno.readTextFile(`${db}-log.key`);
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const { port } = listener.addr as Deno.NetAddr;
    const { code, stderr } = await runBinary(
      ["--bind", `127.0.0.1:${port}`, "--db", db],
      {},
      15_000,
    );
    assert.equal(code, 2, stderr);
    assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
    assert.deepEqual(await Deno.readFile(db), before);
    assert.equal(await Deno.readTextFile(`${db}-log.key`), key);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "a.db",
      "a.db-log.key",
    ]);
  });
});

Deno.test("main: a second signal stops at once, without waiting for requests in flight", async (t) => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    await t.step(signal, async () => {
      await withDir(async (dir) => {
        const db = `${dir}/a.db`;
        const server = await spawnServer(["--bind", "127.0.0.1:0", "--db", db]);
        // A body that never ends: the first signal waits for it, up to the grace period.
        const body = new ReadableStream<Uint8Array>({
          start: (c) => c.enqueue(new TextEncoder().encode("{")),
        });
        const inFlight = fetch(`${server.base}/v1/sigchains/ed25519/${"ab".repeat(32)}/events`, {
          method: "POST",
          body,
        }).catch(() => null);
        await new Promise((r) => setTimeout(r, 200));
        const started = performance.now();
        server.child.kill(signal);
        await waitFor(() => server.log().includes("a second signal stops at once"), {
          what: "the first signal's log line",
        });
        server.child.kill(signal);
        const status = await server.finished();
        const took = performance.now() - started;
        await (await inFlight)?.body?.cancel();
        assert.equal(status.code, signal === "SIGINT" ? 130 : 143);
        assert.ok(took < 3000, `stopped in ${took} ms, not the grace period`);
        assert.match(server.log(), new RegExp(`WARN .*${signal} again: stopping now`));
        // What was committed is there for the next start.
        const next = await spawnServer(["--bind", "127.0.0.1:0", "--db", db]);
        next.child.kill("SIGTERM");
        assert.equal((await next.finished()).code, 0);
      });
    });
  }
});

Deno.test("main: flags beat env vars, which beat defaults", async () => {
  await withDir(async (dir) => {
    const server = await spawnServer(["--db", `${dir}/flag.db`], {
      KEZ_BIND: "127.0.0.1:0",
      KEZ_DB: `${dir}/env.db`,
      RUST_LOG: "warn,hyper=info",
      KEZ_LOG: "info",
    });
    const res = await fetch(`${server.base}/v1/healthz`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    server.child.kill("SIGTERM");
    assert.equal((await server.finished()).code, 0);
    await Deno.stat(`${dir}/flag.db`);
    await assert.rejects(Deno.stat(`${dir}/env.db`), Deno.errors.NotFound);
    assert.match(server.log(), /INFO +GET \/v1\/healthz 200/, "KEZ_LOG=info beats RUST_LOG=warn");
  });
});

Deno.test("main: --cache-mb 0 serves every chain from the file", async () => {
  await withDir(async (dir) => {
    const server = await spawnServer(["--bind", "127.0.0.1:0", "--db", `${dir}/a.db`], {
      KEZ_CACHE_MB: "0",
    });
    const author = new ChainAuthor();
    const url = `${server.base}/v1/sigchains/${author.path}`;
    const events = [author.next("add", "github:a"), author.next("add", "dns:a.example")];
    for (const [seq, envelope] of events.entries()) {
      const res = await fetch(`${url}/events`, { method: "POST", body: JSON.stringify(envelope) });
      assert.equal(res.status, 201, await res.text());
      assert.equal((await fetch(`${url}/head`).then((r) => r.json())).payload.seq, seq);
    }
    const stale = await fetch(`${url}/events`, { method: "POST", body: JSON.stringify(events[0]) });
    assert.equal(stale.status, 409, "the tip is read from the file, not forgotten");
    await stale.body?.cancel();
    const chain = await fetch(url).then((r) => r.text());
    assert.deepEqual(chain.trimEnd().split("\n").map((l) => JSON.parse(l)), events);
    server.child.kill("SIGTERM");
    assert.equal((await server.finished()).code, 0);
  });
});

Deno.test("main: SIGTERM and SIGINT finish requests in flight and exit 0", async (t) => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    await t.step(signal, async () => {
      await withDir(async (dir) => {
        const server = await spawnServer(["--bind", "127.0.0.1:0", "--db", `${dir}/a.db`]);
        // A request whose body is still arriving when the signal comes.
        let send!: ReadableStreamDefaultController<Uint8Array>;
        const body = new ReadableStream<Uint8Array>({ start: (c) => void (send = c) });
        const inFlight = fetch(`${server.base}/v1/sigchains/ed25519/${"ab".repeat(32)}/events`, {
          method: "POST",
          body,
        });
        send.enqueue(new TextEncoder().encode("{"));
        await new Promise((r) => setTimeout(r, 200));
        server.child.kill(signal);
        await waitFor(() => server.log().includes("shutting down"), { what: "the shutdown" });
        send.enqueue(new TextEncoder().encode("}"));
        send.close();
        const res = await inFlight;
        assert.equal(res.status, 400, "the request in flight was answered");
        await res.body?.cancel();
        assert.equal((await server.finished()).code, 0);
        assert.match(server.log(), /shutting down/);
        assert.match(server.log(), /stopped/);
      });
    });
  }
});

Deno.test("main: --log-format json writes one JSON object per line", async () => {
  await withDir(async (dir) => {
    const server = await spawnServer(["--bind", "127.0.0.1:0", "--db", `${dir}/a.db`], {
      KEZ_LOG_FORMAT: "json",
    });
    const res = await fetch(`${server.base}/v1/sigchains/ed25519/AB/head`, {
      headers: { "x-request-id": "trace-7" },
    });
    assert.equal(res.headers.get("x-request-id"), "trace-7");
    await res.body?.cancel();
    server.child.kill("SIGTERM");
    assert.equal((await server.finished()).code, 0);
    const records = server.log().trimEnd().split("\n").map((line) => JSON.parse(line));
    for (const record of records) {
      assert.match(record.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(typeof record.level, "string");
      assert.equal(typeof record.msg, "string");
    }
    const request = records.find((r) => r.request_id === "trace-7");
    assert.ok(request, server.log());
    assert.deepEqual(
      { ...request, time: undefined, duration_ms: undefined, msg: undefined },
      {
        time: undefined,
        level: "info",
        msg: undefined,
        request_id: "trace-7",
        method: "GET",
        route: "/v1/sigchains/{scheme}/{id}/head",
        path: "/v1/sigchains/ed25519/AB/head",
        status: 400,
        duration_ms: undefined,
      },
    );
    assert.equal(typeof request.duration_ms, "number");
    assert.match(request.msg, /^GET \/v1\/sigchains\/ed25519\/AB\/head 400 \d+\.\dms$/);
  });
});

Deno.test("main: /metrics is on by default, off with --metrics false or KEZ_METRICS", async (t) => {
  const cases: [string, string[], Record<string, string>, number][] = [
    ["by default", [], {}, 200],
    ["--metrics=false", ["--metrics=false"], {}, 404],
    ["KEZ_METRICS=false", [], { KEZ_METRICS: "false" }, 404],
    [
      "--metrics true beats KEZ_METRICS=false",
      ["--metrics", "true"],
      { KEZ_METRICS: "false" },
      200,
    ],
  ];
  for (const [name, args, env, status] of cases) {
    await t.step(name, async () => {
      await withDir(async (dir) => {
        const server = await spawnServer(
          ["--bind", "127.0.0.1:0", "--db", `${dir}/a.db`, ...args],
          env,
        );
        const res = await fetch(`${server.base}/metrics`);
        assert.equal(res.status, status);
        if (status === 200) assert.match(await res.text(), /^kez_events_stored 0$/m);
        else await res.body?.cancel();
        server.child.kill("SIGTERM");
        assert.equal((await server.finished()).code, 0);
      });
    });
  }
});
