import assert from "node:assert/strict";
import { type Env, parseServe } from "../../lib/config/mod.ts";
import { parseBackupArgs, parseDatabaseArgs, parseHealthcheckArgs } from "../../lib/ops/mod.ts";
import { SHUTDOWN_GRACE_MS } from "../../main.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, ROOT));

/** Runs a parser of the binary's, noting every environment variable it reads. */
function reading<T>(
  env: Record<string, string>,
  parse: (env: Env) => T,
): { value: T; read: string[] } {
  const names: string[] = [];
  const value = parse((name) => {
    names.push(name);
    return env[name];
  });
  return { value, read: names };
}

/** The variables the binary reads, for the server and every maintenance command. */
function knownVariables(): Set<string> {
  const known = new Set<string>();
  const parsers: ((env: Env) => unknown)[] = [
    (env) => parseServe([], env),
    (env) => parseBackupArgs(["x"], env),
    (env) => parseDatabaseArgs("verify", [], env),
    (env) => parseHealthcheckArgs([], env),
  ];
  for (const parse of parsers) {
    for (const name of reading({}, parse).read) known.add(name);
  }
  return known;
}

function serveConfig(args: string[], env: Record<string, string>) {
  const command = parseServe(args, (name) => env[name]);
  assert.equal(command.kind, "serve");
  return command.kind === "serve" ? command.config : undefined!;
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function dockerfile(): [string, string][] {
  return read("Dockerfile").replaceAll(/\\\n/g, " ").split("\n")
    .filter((line) => line.trim() !== "" && !line.trimStart().startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.trim().split(/\s+/);
      return [keyword.toUpperCase(), rest.join(" ")];
    });
}

/** The flags of a `deno compile` command line that shape the binary. */
function compileFlags(command: string): string[] {
  const words = command.split(/\s+/);
  const flags = words.filter((w) => w.startsWith("--allow-") || w.startsWith("--v8-flags="));
  words.forEach((w, i) => {
    if (w === "--include") flags.push(`--include ${words[i + 1]}`);
  });
  return flags.sort();
}

/** The subset of TOML that fly.toml uses: tables, arrays of tables, scalar values. */
function toml(text: string): Record<string, Record<string, unknown>> {
  const tables: Record<string, Record<string, unknown>> = { "": {} };
  let current = tables[""]!;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    const table = /^\[\[?([\w.]+)\]\]?$/.exec(line);
    if (table) {
      current = tables[table[1]!] = {};
      continue;
    }
    const [, key, value] = /^([\w-]+)\s*=\s*(.+)$/.exec(line) ?? [];
    assert.ok(key !== undefined && value !== undefined, `a TOML line I can read: ${line}`);
    current[key] = JSON.parse(value);
  }
  return tables;
}

/** A systemd unit's `Key=Value` lines, by key. */
function unit(path: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const line of read(path).split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) keys.set(m[1]!, [...keys.get(m[1]!) ?? [], m[2]!]);
  }
  return keys;
}

/** A duration written `30s`, in seconds. */
function seconds(text: string): number {
  const m = /^(\d+)s$/.exec(text);
  assert.ok(m, `a duration in seconds: ${text}`);
  return Number(m[1]);
}

function environment(values: string[] | undefined): Record<string, string> {
  return Object.fromEntries((values ?? []).map((v) => v.split("=", 2) as [string, string]));
}

Deno.test("artifacts: the Dockerfile uses only the binary's flags and variables", async (t) => {
  const lines = dockerfile();
  const all = (keyword: string) => lines.filter(([k]) => k === keyword).map(([, v]) => v);
  const env = Object.fromEntries(
    all("ENV").join(" ").split(/\s+/).map((pair) => pair.split("=", 2) as [string, string]),
  );
  const port = Number(all("EXPOSE")[0]);
  const binary = JSON.parse(all("ENTRYPOINT")[0]!)[0];

  await t.step(
    "multi-stage: compiled in a build stage by deno task compile, its binary copied",
    () => {
      assert.ok(all("FROM").length >= 2);
      // deploy/build.sh runs the task itself (tests/ops/build_test.ts runs the script).
      assert.ok(all("RUN").some((r) => r.startsWith("deploy/build.sh /out")), all("RUN").join());
      assert.ok(
        !all("RUN").some((r) => r.includes("deno compile")),
        "one compile command: the task's",
      );
      assert.ok(all("COPY").some((c) => c.startsWith("--from=build /out/kez-sig-server ")));
    },
  );
  await t.step("every ENV variable is one the binary reads", () => {
    const known = knownVariables();
    for (const name of Object.keys(env)) assert.ok(known.has(name), name);
  });
  await t.step("the server listens on the exposed port, with its database on the volume", () => {
    const config = serveConfig([], env);
    assert.equal(config.bind.port, port);
    assert.deepEqual(all("VOLUME"), ["/data"]);
    assert.ok(config.db.startsWith("/data/"), config.db);
  });
  await t.step("HEALTHCHECK runs the binary's healthcheck on that port", () => {
    const healthcheck = all("HEALTHCHECK")[0]!;
    const [exec, command, ...args] = JSON.parse(
      healthcheck.slice(healthcheck.indexOf("CMD") + 3),
    );
    assert.equal(exec, binary);
    assert.equal(command, "healthcheck");
    assert.equal(
      parseHealthcheckArgs(args, (name) => env[name]),
      `http://127.0.0.1:${port}/v1/healthz`,
    );
  });
  await t.step("non-root, stopped by SIGTERM", () => {
    assert.deepEqual(all("STOPSIGNAL"), ["SIGTERM"]);
    const user = all("USER").at(-1)!;
    assert.ok(!/^(0|root)(:|$)/.test(user), user);
  });
});

Deno.test("artifacts: deno task compile gives the binary the runtime's flags, not the compiler", () => {
  const tasks = JSON.parse(read("deno.json")).tasks as Record<string, string>;
  const v8 = (command: string) => command.split(/\s+/).filter((w) => w.startsWith("--v8-flags="));
  const [check, compile, ...rest] = tasks.compile!.split("&&").map((c) => c.trim());
  assert.equal(rest.length, 0);
  // The type check runs in a process of its own, with V8's default heap.
  assert.match(check!, /^deno check main\.ts /);
  assert.deepEqual(v8(check!), []);
  // `deno compile` applies --v8-flags to itself as well as to the binary: it must not type-check.
  assert.match(compile!, /^deno compile --no-check /);
  assert.deepEqual(v8(compile!), v8(tasks.start!), "the binary runs as deno task start does");
  for (const include of compile!.matchAll(/--include (\S+)/g)) {
    assert.ok(check!.split(/\s+/).includes(include[1]!), `${include[1]} is type-checked too`);
  }
});

Deno.test("artifacts: every worker module is compiled into the binary", () => {
  const workers = [...Deno.readDirSync(new URL("lib/", ROOT))]
    .filter((d) => d.isDirectory)
    .flatMap((d) =>
      [...Deno.readDirSync(new URL(`lib/${d.name}/`, ROOT))]
        .filter((f) => f.name.endsWith("_worker.ts"))
        .map((f) => `--include lib/${d.name}/${f.name}`)
    );
  const task = compileFlags(JSON.parse(read("deno.json")).tasks.compile);
  for (const include of workers) assert.ok(task.includes(include), include);
});

Deno.test("artifacts: fly.toml matches the binary and the Dockerfile", () => {
  const fly = toml(read("fly.toml"));
  const env = fly.env as Record<string, string>;
  const known = knownVariables();
  for (const name of Object.keys(env)) assert.ok(known.has(name), name);
  const config = serveConfig([], env);
  const service = fly.http_service!;
  assert.equal(config.bind.port, service.internal_port);
  assert.equal(fly.mounts!.destination, "/data");
  assert.ok(config.db.startsWith("/data/"), config.db);
  assert.equal(fly["http_service.checks"]!.path, "/v1/healthz");
  assert.equal(fly.metrics!.path, "/metrics");
  assert.equal(fly.metrics!.port, service.internal_port);
  assert.equal(fly[""]!.kill_signal, "SIGTERM");
  assert.ok(seconds(fly[""]!.kill_timeout as string) * 1000 > SHUTDOWN_GRACE_MS, "kill_timeout");
  assert.equal(fly.build!.dockerfile, "Dockerfile");
  // SQLite on one volume: one machine, always running.
  assert.equal(service.min_machines_running, 1);
  assert.equal(service.auto_stop_machines, "off");
});

Deno.test("artifacts: the systemd units use only the binary's flags, hardened", async (t) => {
  const server = unit("deploy/kez-sig-server.service");
  const state = `/var/lib/${server.get("StateDirectory")![0]}`;
  const env = environment(server.get("Environment"));
  const [binary, ...args] = server.get("ExecStart")![0]!.split(/\s+/);
  const config = serveConfig(args, env);

  await t.step("the server unit", () => {
    const known = knownVariables();
    for (const name of Object.keys(env)) assert.ok(known.has(name), name);
    assert.ok(config.db.startsWith(`${state}/`), config.db);
    for (
      const [key, value] of [
        ["NoNewPrivileges", "yes"],
        ["ProtectSystem", "strict"],
        ["DynamicUser", "yes"],
        ["KillSignal", "SIGTERM"],
      ]
    ) {
      assert.deepEqual(server.get(key!), [value], key);
    }
  });
  await t.step("the backup unit backs up that database as the server's user", () => {
    const backup = unit("deploy/kez-sig-server-backup.service");
    const exec = backup.get("ExecStart")![0]!;
    const line = exec.slice(exec.indexOf(`exec ${binary} `) + `exec ${binary} `.length);
    // Shell words: a double-quoted word is one, whatever its spaces.
    const words = (line.replace(/'$/, "").match(/"[^"]*"|\S+/g) ?? []).map((w) =>
      w.replaceAll('"', "")
    );
    assert.equal(words[0], "backup");
    const command = parseBackupArgs(words.slice(1), () => undefined);
    assert.equal(command.db, config.db);
    assert.ok(command.file.startsWith(`${state}/backups/`), command.file);
    assert.deepEqual(backup.get("User"), ["kez-sig-server"], "the server unit's dynamic user");
    assert.deepEqual(backup.get("StateDirectory"), server.get("StateDirectory"));
    assert.deepEqual(backup.get("NoNewPrivileges"), ["yes"]);
    assert.deepEqual(backup.get("ProtectSystem"), ["strict"]);
  });
  await t.step("the timer starts it daily", () => {
    const timer = unit("deploy/kez-sig-server-backup.timer");
    assert.deepEqual(timer.get("OnCalendar"), ["daily"]);
    assert.deepEqual(timer.get("Persistent"), ["true"]);
  });
});
