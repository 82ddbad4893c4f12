import assert from "node:assert/strict";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** Runs the server binary's entry point with arguments and environment, to completion. */
async function run(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Starts the server, collects its log, and waits until it logs its address. */
async function start(args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let log = "";
  let listening!: (base: string) => void;
  const started = new Promise<string>((resolve) => listening = resolve);
  const drained = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      log += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) listening(m[1]!);
    }
  })();
  const base = await Promise.race([started, drained.then(() => "")]);
  if (base === "") throw new Error(`server did not start:\n${log}`);
  /** Waits for the exit and the end of the log. */
  const finished = async () => {
    const status = await child.status;
    await drained;
    return status;
  };
  return { child, base, finished, log: () => log };
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "kez-main-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("main: --help and --version exit 0", async (t) => {
  await t.step("--help lists every flag and its variable", async () => {
    const { code, stdout } = await run(["--help"]);
    assert.equal(code, 0);
    for (
      const word of ["--bind", "KEZ_BIND", "--db", "KEZ_DB", "--log-level", "KEZ_LOG", "RUST_LOG"]
    ) {
      assert.ok(stdout.includes(word), word);
    }
  });
  await t.step("--version names the version of deno.json", async () => {
    const { code, stdout } = await run(["--version"]);
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
      [
        "a database in a missing directory",
        ["--db", `${dir}/no/such/dir/x.db`, "--bind", "127.0.0.1:0"],
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
        const { code, stderr } = await run(args, env);
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
    const { code, stderr } = await run(["--bind", `127.0.0.1:${port}`, "--db", `${dir}/a.db`]);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /Cannot listen on 127\.0\.0\.1:\d+/);
    await assert.rejects(
      Deno.stat(`${dir}/a.db`),
      Deno.errors.NotFound,
      "no database is left behind",
    );
  });
});

Deno.test("main: flags beat env vars, which beat defaults", async () => {
  await withDir(async (dir) => {
    const server = await start(["--db", `${dir}/flag.db`], {
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

Deno.test("main: SIGTERM and SIGINT finish requests in flight and exit 0", async (t) => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    await t.step(signal, async () => {
      await withDir(async (dir) => {
        const server = await start(["--bind", "127.0.0.1:0", "--db", `${dir}/a.db`]);
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
        await new Promise((r) => setTimeout(r, 200));
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
