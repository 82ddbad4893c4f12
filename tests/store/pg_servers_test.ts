import assert from "node:assert/strict";
import { canonicalize, hashLine, type JsonValue } from "../../lib/protocol/mod.ts";
import {
  decodeBase64,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  verifyConsistency,
  verifyInclusion,
} from "../../lib/tlog/mod.ts";
import { ChainAuthor } from "../support/chain_author.ts";
import { type PostgresCluster, postgresTest } from "../support/postgres.ts";
import { ServerProcess } from "../support/server_process.ts";

const CONFORMANCE = new URL("../../../shared/conformance/", import.meta.url).pathname;
const encoder = new TextEncoder();

/** Servers on one database, with one key file, as an operator runs them. */
async function startServers(
  cluster: PostgresCluster,
  name: string,
  count: number,
  dir: string,
): Promise<ServerProcess[]> {
  const url = await cluster.createDatabase(name);
  const args = ["--log-key", `${dir}/${name}-log.key`];
  // The first creates the key file; the others read it.
  const first = await ServerProcess.start({ db: url, args });
  const rest = await Promise.all(
    Array.from({ length: count - 1 }, () => ServerProcess.start({ db: url, args })),
  );
  return [first, ...rest];
}

async function stopAll(servers: ServerProcess[]): Promise<void> {
  for (const server of servers) server.kill("SIGTERM");
  await Promise.all(servers.map((s) => s.exited(15_000)));
}

/** A proxy that sends each request to the next server in turn. */
function roundRobin(servers: readonly ServerProcess[]): Deno.HttpServer<Deno.NetAddr> {
  let next = 0;
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const target = servers[next++ % servers.length]!;
    const url = new URL(req.url);
    const headers = new Headers(req.headers);
    headers.set("host", new URL(target.base).host);
    const body = req.body === null ? null : await req.arrayBuffer();
    const res = await fetch(`${target.base}${url.pathname}${url.search}`, {
      method: req.method,
      headers,
      body,
      redirect: "manual",
    });
    const empty = req.method === "HEAD" || [204, 304].includes(res.status);
    return new Response(empty ? null : await res.arrayBuffer(), {
      status: res.status,
      headers: res.headers,
    });
  });
}

async function conformance(base: string, cases?: string): Promise<void> {
  const args = [`${CONFORMANCE}run.mjs`, "--base", base, ...(cases ? ["--cases", cases] : [])];
  const out = await new Deno.Command("node", {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
}

function haveConformance(): boolean {
  try {
    return Deno.statSync(`${CONFORMANCE}run.mjs`).isFile;
  } catch {
    return false;
  }
}

postgresTest("Servers on one PostgreSQL: the API and the log of one server", async (t, cluster) => {
  const dir = await Deno.makeTempDir({ prefix: "kez-pg-servers-" });
  try {
    for (const [name, count] of [["one", 1], ["two", 2]] as const) {
      await t.step(`the conformance suites, ${count} server(s) in turn`, async () => {
        if (!haveConformance()) {
          console.log(`skipped: no conformance suite at ${CONFORMANCE}`);
          return;
        }
        for (const cases of [undefined, `${CONFORMANCE}cases-caching.jsonl`]) {
          const servers = await startServers(
            cluster,
            `${name}${cases ? "_caching" : ""}`,
            count,
            dir,
          );
          const proxy = roundRobin(servers);
          try {
            await conformance(`http://127.0.0.1:${proxy.addr.port}`, cases);
          } finally {
            await proxy.shutdown();
            await stopAll(servers);
          }
        }
      });
    }

    await t.step("2 servers × 16 writers racing on shared chains", async () => {
      const servers = await startServers(cluster, "race", 2, dir);
      try {
        await race(servers);
      } finally {
        await stopAll(servers);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

interface Acked {
  readonly primary: string;
  readonly seq: number;
  readonly hash: string;
  readonly line: string;
  readonly index: number;
}

/** Signs event `seq` of an author's chain and posts it; the answer, its JSON and the event's line. */
async function postEvent(
  base: string,
  author: ChainAuthor,
  seq: number,
  prev: string | undefined,
  subject: string,
): Promise<{ res: Response; body: { seq: number; hash: string; index: number }; line: string }> {
  const env = author.sign({
    seq,
    ...(prev === undefined ? {} : { prev }),
    created_at: "2026-01-01T00:00:00Z",
    op: "add",
    subject,
  });
  const res = await fetch(`${base}/v1/sigchains/${author.path}/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(env),
  });
  return { res, body: await res.json(), line: canonicalize(env as unknown as JsonValue) };
}

/** Appends per chain the writers race to. */
const TARGET = 40;

async function race(servers: ServerProcess[]): Promise<void> {
  const authors = Array.from({ length: 4 }, () => new ChainAuthor());
  const acked: Acked[] = [];
  const checkpoints: string[] = [];
  let conflicts = 0;
  const deadline = Date.now() + 20_000;
  const full = new Set<string>();
  const writer = async (w: number) => {
    const base = servers[w % servers.length]!.base;
    for (let turn = w; full.size < authors.length && Date.now() < deadline; turn++) {
      const author = authors[turn % authors.length]!;
      const head = await fetch(`${base}/v1/sigchains/${author.path}/head`);
      let seq = 0;
      let prev: string | undefined;
      if (head.status === 200) {
        const env = JSON.parse(await head.text());
        seq = env.payload.seq + 1;
        prev = hashLine(canonicalize(env as JsonValue));
      } else {
        assert.equal(head.status, 404, await head.text());
      }
      if (seq >= TARGET) {
        full.add(author.primary);
        continue;
      }
      const { res, body, line } = await postEvent(base, author, seq, prev, `github:w${w}s${seq}`);
      if (res.status === 201) {
        assert.equal(body.seq, seq);
        acked.push({ primary: author.primary, seq, hash: body.hash, line, index: body.index });
      } else {
        assert.equal(res.status, 409, JSON.stringify(body));
        conflicts++;
      }
      if (turn % 4 === 0) checkpoints.push(await (await fetch(`${base}/v1/log/checkpoint`)).text());
    }
  };
  await Promise.all(Array.from({ length: 32 }, (_, w) => writer(w)));
  assert.equal(full.size, authors.length, "every chain reached its length in time");
  assert.equal(acked.length, authors.length * TARGET, "one 201 per stored event");
  assert.ok(conflicts > 0, "the writers did race");
  console.log(`${acked.length} appends stored, ${conflicts} refused 409 conflict`);

  // Every chain, from either server: seqs dense, each event's prev its predecessor's hash.
  const stored = new Set<string>();
  for (const author of authors) {
    const bodies = await Promise.all(
      servers.map(async (s) => await (await fetch(`${s.base}/v1/sigchains/${author.path}`)).text()),
    );
    assert.equal(bodies[1], bodies[0], "both servers serve the same chain");
    const lines = bodies[0]!.split("\n").filter((l) => l !== "");
    assert.equal(lines.length, TARGET);
    let prev: string | undefined;
    lines.forEach((line, seq) => {
      const env = JSON.parse(line);
      assert.equal(env.payload.seq, seq);
      assert.equal(env.payload.prev, prev);
      prev = hashLine(line);
      stored.add(`${author.primary} ${seq} ${prev}`);
    });
  }
  for (const a of acked) {
    assert.ok(stored.has(`${a.primary} ${a.seq} ${a.hash}`), `acknowledged ${a.primary} ${a.seq}`);
  }

  // The log: one key, every checkpoint of either server of one tree, every 201 in the latest.
  const keys = await Promise.all(
    servers.map(async (s) => await (await fetch(`${s.base}/v1/log/key`)).text()),
  );
  assert.equal(keys[1], keys[0]);
  const key = parseVerifierKey(keys[0]!.trim());
  // Past the poll interval, both servers know the last commit's checkpoint.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const notes = await Promise.all(
    servers.map(async (s) => await (await fetch(`${s.base}/v1/log/checkpoint`)).text()),
  );
  assert.equal(notes[1], notes[0], "both servers serve the latest checkpoint");
  const latest = openCheckpoint(notes[0]!, key);
  assert.equal(latest.size, acked.length, "the log holds exactly the stored events");
  const indices = new Set(acked.map((a) => a.index));
  assert.equal(indices.size, acked.length, "no index twice");
  for (const a of acked) {
    const proof = await fetchHashes(
      servers[a.index % 2]!.base,
      `inclusion?index=${a.index}&size=${latest.size}`,
    );
    assert.ok(
      verifyInclusion(leafHash(encoder.encode(a.line)), a.index, latest.size, proof, latest.root),
      `the 201 at index ${a.index} is in the latest checkpoint`,
    );
  }
  const roots = new Map<number, Uint8Array>();
  for (const note of checkpoints) {
    const c = openCheckpoint(note, key);
    const known = roots.get(c.size);
    if (known !== undefined) assert.deepEqual(c.root, known, "one root per size");
    roots.set(c.size, c.root);
  }
  assert.ok(roots.size > 1, "checkpoints of several sizes were seen");
  for (const [size, root] of roots) {
    if (size === 0 || size === latest.size) continue;
    const proof = await fetchHashes(
      servers[size % 2]!.base,
      `consistency?from=${size}&to=${latest.size}`,
    );
    assert.ok(verifyConsistency(size, latest.size, root, latest.root, proof), `size ${size}`);
  }
}

async function fetchHashes(base: string, query: string): Promise<Uint8Array[]> {
  const res = await fetch(`${base}/v1/log/proof/${query}`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return (body.hashes as string[]).map((h) => decodeBase64(h));
}

postgresTest(
  "Servers on one PostgreSQL: SIGKILL one server, again and again, while the other goes on",
  async (t, cluster) => {
    const dir = await Deno.makeTempDir({ prefix: "kez-pg-kill-" });
    const servers = await startServers(cluster, "kill", 2, dir);
    const args = ["--log-key", `${dir}/kill-log.key`];
    const url = `postgres://kez@127.0.0.1:${cluster.port}/kill`;
    try {
      await t.step("nothing acknowledged is lost; chains and log agree", async () => {
        const authors = Array.from({ length: 8 }, () => new ChainAuthor());
        const acked: Acked[] = [];
        let stop = false;
        let failures = 0;
        const writer = async (w: number) => {
          const author = authors[w]!;
          let seq = 0;
          let prev: string | undefined;
          for (let turn = 0; !stop; turn++) {
            const base = servers[(w + turn) % servers.length]!.base;
            try {
              const subject = `github:k${w}s${seq}`;
              const { res, body, line } = await postEvent(base, author, seq, prev, subject);
              if (res.status === 201) {
                acked.push({
                  primary: author.primary,
                  seq,
                  hash: body.hash,
                  line,
                  index: body.index,
                });
                seq++;
                prev = body.hash;
                continue;
              }
              // A 409 after a lost answer: the event was stored; a 503: the database was busy.
              assert.ok([409, 503].includes(res.status), JSON.stringify(body));
            } catch {
              failures++;
            }
            // The answer was lost or refused: learn the tip from a server, whichever is up.
            try {
              const head = await fetch(`${base}/v1/sigchains/${author.path}/head`);
              if (head.status === 200) {
                const env = JSON.parse(await head.text());
                seq = env.payload.seq + 1;
                prev = hashLine(canonicalize(env as JsonValue));
              } else await head.body?.cancel();
            } catch {
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
          }
        };
        const writers = Array.from({ length: authors.length }, (_, w) => writer(w));
        for (let kill = 0; kill < 6; kill++) {
          await new Promise((resolve) => setTimeout(resolve, 400));
          const victim = kill % 2;
          servers[victim]!.kill("SIGKILL");
          await servers[victim]!.exited(10_000);
          servers[victim] = await ServerProcess.start({ db: url, args });
        }
        stop = true;
        await Promise.all(writers);
        console.log(
          `${acked.length} appends acknowledged across 6 kills, ${failures} requests lost`,
        );
        assert.ok(acked.length > 0);

        await new Promise((resolve) => setTimeout(resolve, 300));
        const key = parseVerifierKey(
          (await (await fetch(`${servers[0]!.base}/v1/log/key`)).text()).trim(),
        );
        const latest = openCheckpoint(
          await (await fetch(`${servers[0]!.base}/v1/log/checkpoint`)).text(),
          key,
        );
        let stored = 0;
        const lines = new Map<string, string[]>();
        for (const author of authors) {
          const res = await fetch(`${servers[1]!.base}/v1/sigchains/${author.path}`);
          const chain = res.status === 200 ? (await res.text()).split("\n").filter((l) => l) : [];
          let prev: string | undefined;
          chain.forEach((line, seq) => {
            const env = JSON.parse(line);
            assert.equal(env.payload.seq, seq);
            assert.equal(env.payload.prev, prev);
            prev = hashLine(line);
          });
          lines.set(author.primary, chain);
          stored += chain.length;
        }
        for (const a of acked) {
          assert.equal(lines.get(a.primary)?.[a.seq], a.line, `acknowledged ${a.primary} ${a.seq}`);
          const proof = await fetchHashes(
            servers[0]!.base,
            `inclusion?index=${a.index}&size=${latest.size}`,
          );
          assert.ok(
            verifyInclusion(
              leafHash(encoder.encode(a.line)),
              a.index,
              latest.size,
              proof,
              latest.root,
            ),
          );
        }
        assert.equal(latest.size, stored, "one leaf per stored event, none for a rolled-back one");
      });
    } finally {
      await stopAll(servers);
      await Deno.remove(dir, { recursive: true });
    }
  },
);

postgresTest(
  "Servers on one PostgreSQL: the database stopped is 503, then served again",
  async (t, cluster) => {
    const dir = await Deno.makeTempDir({ prefix: "kez-pg-outage-" });
    const servers = await startServers(cluster, "outage", 2, dir);
    try {
      await t.step(
        "503 unavailable while it is down, 201 again once it is back, no restart",
        async () => {
          const author = new ChainAuthor();
          const post = async (base: string) => {
            const res = await fetch(`${base}/v1/sigchains/${author.path}/events`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(author.next("add", `github:o${Date.now()}`)),
            }).catch((e) => {
              // A server that is gone says why in its log.
              const logs = servers.map((s) => `${s.base} running=${s.running}:\n${s.log}`);
              throw new Error(`Cannot POST to ${base}\n${logs.join("\n")}`, { cause: e });
            });
            return { status: res.status, body: await res.json() };
          };
          assert.equal((await post(servers[0]!.base)).status, 201);
          await cluster.pause();
          for (const server of servers) {
            const down = await post(server.base);
            assert.equal(down.status, 503, JSON.stringify(down.body));
            assert.equal(down.body.error.code, "unavailable");
            const read = await fetch(`${server.base}/v1/sigchains/${author.path}`);
            assert.equal(read.status, 503);
            await read.body?.cancel();
          }
          await cluster.resume();
          // The refused events were not stored.
          const chain = await fetch(`${servers[1]!.base}/v1/sigchains/${author.path}`);
          assert.equal((await chain.text()).split("\n").filter((l) => l).length, 1);
          const fresh = new ChainAuthor();
          for (const [i, server] of servers.entries()) {
            const res = await fetch(`${server.base}/v1/sigchains/${fresh.path}/events`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(fresh.next("add", `github:back${i}`)),
            });
            assert.equal(res.status, 201, await res.text());
          }
          assert.ok(servers.every((s) => s.running), "no server exited");
        },
      );
    } finally {
      await stopAll(servers);
      await Deno.remove(dir, { recursive: true });
    }
  },
);
