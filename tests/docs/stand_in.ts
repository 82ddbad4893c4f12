/**
 * The stand-ins of the docs check for `docker`, `fly` and `systemctl`, which cannot run on the
 * machines CI runs on (no Docker engine, no Fly.io, no systemd as PID 1). Each takes the
 * subcommands the docs use, checks what it can of the file the real tool would read (the
 * `Dockerfile`, `fly.toml`, the systemd units), and runs the server as the real tool would run it,
 * from the files alone, in the session of `KEZ_DOCS_SESSION`: `docker run` with the image's
 * environment and volume, `fly deploy` with `fly.toml`'s environment, mount and checks,
 * `systemctl enable --now` with the unit's `ExecStart`, `Environment` and `StateDirectory`.
 * Any other subcommand, or a check that fails, exits 1 with one line on standard error.
 *
 * Usage: `deno run -A tests/docs/stand_in.ts docker|fly|systemctl ARGS…`
 *
 * @module
 */

import { join } from "node:path";
import { parseToml, type Toml } from "./toml.ts";
import { SHUTDOWN_GRACE_MS } from "../../main.ts";

const SESSION = Deno.env.get("KEZ_DOCS_SESSION") ?? fail("KEZ_DOCS_SESSION is not set");
const ROOT = join(SESSION, "root");
const STATE = join(SESSION, "state");

function fail(message: string): never {
  console.error(`${Deno.args[0]} (stand-in): ${message}`);
  Deno.exit(1);
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A path of the machine the tool would run on, under the session's root. */
function rebase(path: string): string {
  return path.startsWith(ROOT) ? path : join(ROOT, path);
}

function record(name: string, value: unknown): void {
  Deno.writeTextFileSync(join(STATE, name), JSON.stringify(value));
}

function recalled<T>(name: string, what: string): T {
  try {
    return JSON.parse(Deno.readTextFileSync(join(STATE, name))) as T;
  } catch {
    return fail(what);
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  return port;
}

/** Starts a command in a process group of its own that outlives this process; the session ends it. */
function detach(command: string, env: Record<string, string>, log: string): Deno.ChildProcess {
  const child = new Deno.Command("setsid", {
    args: ["bash", "-c", `exec >${log} 2>&1 </dev/null\nexec ${command}`],
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  Deno.writeTextFileSync(join(STATE, `group-${child.pid}`), command);
  child.unref();
  return child;
}

async function healthy(port: number, log: string, path = "/v1/healthz"): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  fail(`nothing answered 200 on port ${port} ${path}:\n${Deno.readTextFileSync(log)}`);
}

async function run(command: string, env: Record<string, string>): Promise<number> {
  const out = await new Deno.Command("bash", { args: ["-c", command], env }).output();
  return out.code;
}

/** The server binary as installed: the session's `kez-sig-server` shim. */
const BINARY = join(SESSION, "bin/kez-sig-server");

// --- docker ------------------------------------------------------------------------------------

interface Image {
  readonly env: Record<string, string>;
  readonly volume: string;
  readonly expose: number;
  readonly healthcheck: string[];
}

function dockerfile(dir: string): Image {
  const path = join(dir, "Dockerfile");
  if (!exists(path)) fail(`no Dockerfile in ${dir}`);
  const lines = Deno.readTextFileSync(path).replaceAll(/\\\n\s*/g, " ").split("\n")
    .map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  const args = (keyword: string) =>
    lines.filter((l) => l.startsWith(`${keyword} `)).map((l) => l.slice(keyword.length + 1));
  for (const copy of args("COPY").filter((a) => !a.startsWith("--from"))) {
    for (const source of copy.split(/\s+/).slice(0, -1)) {
      if (!exists(join(dir, source))) fail(`the Dockerfile copies ${source}, which is missing`);
    }
  }
  for (const script of args("RUN").map((r) => r.split(/\s+/)[0]!)) {
    if (!exists(join(dir, script))) fail(`the Dockerfile runs ${script}, which is missing`);
  }
  const env: Record<string, string> = {};
  for (const e of args("ENV")) {
    for (const [, k, v] of e.matchAll(/(\w+)=(\S+)/g)) env[k!] = v!;
  }
  const entrypoint = JSON.parse(args("ENTRYPOINT")[0] ?? fail("no ENTRYPOINT")) as string[];
  const copied = args("COPY").map((a) => a.split(/\s+/).at(-1));
  if (!copied.includes(entrypoint[0])) fail(`the ENTRYPOINT ${entrypoint[0]} is not copied in`);
  const health = args("HEALTHCHECK")[0] ?? fail("no HEALTHCHECK");
  const healthcheck = JSON.parse(health.slice(health.indexOf("CMD ") + 4)) as string[];
  if (healthcheck[0] !== entrypoint[0]) fail(`HEALTHCHECK runs ${healthcheck[0]}`);
  return {
    env,
    volume: JSON.parse(JSON.stringify(args("VOLUME")[0] ?? fail("no VOLUME"))),
    expose: Number(args("EXPOSE")[0] ?? fail("no EXPOSE")),
    healthcheck: healthcheck.slice(1),
  };
}

/** The image's environment inside a container whose volume is `mount` and port is `port`. */
function containerEnv(image: Image, mount: string, port: number): Record<string, string> {
  const env = { ...Deno.env.toObject() };
  for (const [k, v] of Object.entries(image.env)) {
    env[k] = v.startsWith(`${image.volume}/`) ? mount + v.slice(image.volume.length) : v;
  }
  env.KEZ_BIND = env.KEZ_BIND!.replace(/:\d+$/, `:${port}`);
  return env;
}

async function docker(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "build") {
    const [flag, tag, dir] = rest;
    if (flag !== "-t" || tag === undefined || dir === undefined) fail("usage: build -t TAG DIR");
    record(`docker-image-${tag}.json`, dockerfile(dir));
    console.log(`built ${tag} (stand-in: the Dockerfile's files exist)`);
    return;
  }
  if (sub === "run") {
    const opts: Record<string, string> = {};
    let i = 0;
    for (; i < rest.length && rest[i]!.startsWith("-"); i++) {
      if (rest[i] === "-d") continue;
      opts[rest[i]!] = rest[++i] ?? fail(`${rest[i - 1]} takes a value`);
    }
    const tag = rest[i] ?? fail("no image");
    const image = recalled<Image>(`docker-image-${tag}.json`, `no image ${tag}: build it first`);
    const name = opts["--name"] ?? fail("no --name");
    const [hostPort, containerPort] = (opts["-p"] ?? fail("no -p")).split(":").map(Number);
    // The session writes its own port for 7878, on both sides of -p.
    const written = containerPort === Number(Deno.env.get("KEZ_DOCS_PORT")) ? 7878 : containerPort;
    if (written !== image.expose) {
      fail(`-p maps ${containerPort}, the image exposes ${image.expose}`);
    }
    const [, mount] = (opts["-v"] ?? fail("no -v")).split(":");
    if (mount !== rebase(image.volume)) {
      fail(`-v mounts ${mount}, the image's volume is ${image.volume}`);
    }
    const stop = Number(opts["--stop-timeout"] ?? 10) * 1000;
    if (stop <= SHUTDOWN_GRACE_MS) {
      fail(`--stop-timeout is not above the server's ${SHUTDOWN_GRACE_MS} ms`);
    }
    const env = containerEnv(image, mount, hostPort!);
    const log = join(STATE, `docker-${name}.log`);
    const serverArgs = rest.slice(i + 1).map((a) => `'${a}'`).join(" ");
    detach(`${BINARY} ${serverArgs}`, env, log);
    await healthy(hostPort!, log);
    const health = await run(`${BINARY} ${image.healthcheck.join(" ")}`, env);
    if (health !== 0) fail(`the image's HEALTHCHECK exits ${health}`);
    record(`docker-container-${name}.json`, env);
    console.log(`${name} (stand-in: serving on port ${hostPort}, healthy)`);
    return;
  }
  if (sub === "exec") {
    const [name, program, ...command] = rest;
    const env = recalled<Record<string, string>>(
      `docker-container-${name}.json`,
      `no container ${name}`,
    );
    if (program !== "kez-sig-server") fail(`the image has no ${program}: only kez-sig-server`);
    Deno.exit(await run(`${BINARY} ${command.map((a) => `'${a}'`).join(" ")}`, env));
  }
  fail(`no subcommand ${sub}`);
}

// --- fly ---------------------------------------------------------------------------------------

function flyConfig(): Toml {
  if (!exists("fly.toml")) fail("no fly.toml here");
  return parseToml(Deno.readTextFileSync("fly.toml"));
}

async function fly(args: string[]): Promise<void> {
  const config = flyConfig();
  const sub = args.slice(0, 2).join(" ");
  if (args[0] === "launch") {
    if (!args.includes("--copy-config")) fail("launch without --copy-config rewrites fly.toml");
    const dockerfile = config.get("build", "dockerfile") as string;
    if (!exists(dockerfile)) fail(`fly.toml builds ${dockerfile}, which is missing`);
    record("fly-launched", true);
    return;
  }
  recalled("fly-launched", "run fly launch first");
  if (sub === "volumes create") {
    if (args[2] !== config.get("mounts", "source")) {
      fail(`fly.toml mounts ${config.get("mounts", "source")}`);
    }
    record("fly-volume", args[2]);
    return;
  }
  if (args[0] === "deploy") {
    recalled("fly-volume", "fly.toml mounts a volume: create it first");
    // The machine's volume, not the docker stand-in's /data.
    const mount = join(ROOT, "fly", config.get("mounts", "destination") as string);
    await Deno.mkdir(mount, { recursive: true });
    const env = { ...Deno.env.toObject() };
    for (const [k, v] of config.section("env")) {
      const value = String(v);
      env[k] = value.startsWith("/") ? join(ROOT, "fly", value) : value;
    }
    const internal = config.get("http_service", "internal_port");
    if (!env.KEZ_BIND?.endsWith(`:${internal}`)) {
      fail(`KEZ_BIND is not on internal_port ${internal}`);
    }
    if (!env.KEZ_DB?.startsWith(`${mount}/`)) fail("KEZ_DB is not on the volume");
    const port = freePort();
    env.KEZ_BIND = env.KEZ_BIND.replace(/:\d+$/, `:${port}`);
    const log = join(STATE, "fly.log");
    const server = detach(BINARY, env, log);
    for (const check of config.tables("http_service.checks")) {
      await healthy(port, log, String(check.path));
    }
    if (config.get("metrics", "port") !== internal) fail("the metrics port is not internal_port");
    await healthy(port, log, String(config.get("metrics", "path")));
    if (config.get("kill_signal") !== "SIGTERM") fail("kill_signal is not SIGTERM");
    Deno.kill(server.pid, "SIGTERM");
    const status = await server.status;
    if (status.code !== 0) {
      fail(`the server exited ${status.code} on SIGTERM:\n${Deno.readTextFileSync(log)}`);
    }
    record("fly-deployed", true);
    console.log("deployed (stand-in: served fly.toml's checks and metrics, stopped on SIGTERM)");
    return;
  }
  if (sub === "scale count") {
    recalled("fly-deployed", "nothing deployed");
    const min = config.get("http_service", "min_machines_running");
    if (args[2] !== "1" || min !== 1) {
      fail(`one machine for one SQLite file, not ${args[2]} (min ${min})`);
    }
    return;
  }
  fail(`no subcommand ${args.join(" ")}`);
}

// --- systemctl ---------------------------------------------------------------------------------

const UNITS = join(ROOT, "etc/systemd/system");

function unitText(name: string): string {
  const path = join(UNITS, name);
  if (!exists(path)) fail(`no unit ${name} in /etc/systemd/system`);
  return Deno.readTextFileSync(path);
}

function entries(unit: string, key: string): string[] {
  return unit.split("\n").filter((l) => l.startsWith(`${key}=`)).map((l) =>
    l.slice(key.length + 1)
  );
}

/** A unit's command line as it runs here: the machine's paths rebased, `%%` unescaped. */
function commandLine(line: string): string {
  return line.replaceAll(/(^|[\s'"=])\/(usr\/local\/bin|var\/lib)\//g, `$1${ROOT}/$2/`)
    .replaceAll("%%", "%");
}

async function daemonReload(): Promise<void> {
  const units = [...Deno.readDirSync(UNITS)].map((e) => e.name).sort();
  const verified = await Deno.makeTempDir({ dir: STATE });
  for (const name of units) {
    Deno.writeTextFileSync(join(verified, name), commandLine(unitText(name)).replaceAll("%", "%%"));
  }
  const analyze = await new Deno.Command("systemd-analyze", {
    args: ["verify", "--man=no", ...units.map((u) => join(verified, u))],
    stdout: "piped",
    stderr: "piped",
  }).output().catch(() => null);
  if (analyze === null) {
    // No systemd-analyze: each unit's command, asked for its usage, must at least parse.
    for (const name of units.filter((u) => u.endsWith(".service"))) {
      for (const line of entries(unitText(name), "ExecStart")) {
        const program = commandLine(line).split(/\s+/)[0]!;
        if (program.startsWith(ROOT) && await run(`${program} --help`, Deno.env.toObject()) !== 0) {
          fail(`${name}: ${program} --help fails`);
        }
      }
    }
  } else {
    const said = new TextDecoder().decode(analyze.stderr).trim();
    if (!analyze.success || said !== "") fail(`systemd-analyze verify:\n${said}`);
  }
  record("systemd-reloaded", units);
}

async function start(name: string): Promise<void> {
  const unit = unitText(name);
  const env: Record<string, string> = { ...Deno.env.toObject() };
  for (const e of entries(unit, "Environment")) {
    const [k, ...v] = e.split("=");
    env[k!] = v.join("=");
  }
  for (const dir of entries(unit, "StateDirectory")) {
    await Deno.mkdir(join(ROOT, "var/lib", dir), { recursive: true });
  }
  if (name.endsWith(".timer")) {
    const service = entries(unit, "Unit")[0] ?? name.replace(/\.timer$/, ".service");
    if (entries(unit, "OnCalendar").length === 0) fail(`${name} has no OnCalendar`);
    const text = unitText(service);
    for (const key of ["ExecStart", "ExecStartPost"]) {
      for (const line of entries(text, key)) {
        const code = await run(commandLine(line), env);
        if (code !== 0) fail(`${service}: ${key} exits ${code}`);
      }
    }
    console.log(`${service} ran once (stand-in for its timer)`);
    return;
  }
  const [line] = entries(unit, "ExecStart");
  if (line === undefined) fail(`${name} has no ExecStart`);
  const port = freePort();
  const command = commandLine(line).replace(/(--bind \S+:)\d+/, `$1${port}`);
  const log = join(STATE, `systemd-${name}.log`);
  detach(command, env, log);
  await healthy(port, log);
  console.log(`${name} (stand-in: serving on port ${port})`);
}

async function systemctl(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "daemon-reload") return await daemonReload();
  if (sub === "enable") {
    const loaded = recalled<string[]>("systemd-reloaded", "run systemctl daemon-reload first");
    const now = rest.includes("--now");
    for (const u of rest.filter((a) => !a.startsWith("--"))) {
      const name = u.includes(".") ? u : `${u}.service`;
      if (!loaded.includes(name)) fail(`${name} is not loaded`);
      if (now) await start(name);
    }
    return;
  }
  fail(`no subcommand ${sub}`);
}

const [tool, ...args] = Deno.args;
if (tool === "docker") await docker(args);
else if (tool === "fly") await fly(args);
else if (tool === "systemctl") await systemctl(args);
else fail(`no stand-in for ${tool}`);
