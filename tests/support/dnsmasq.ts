/**
 * Test support: a real DNS server for the `dns:` channel, Debian's dnsmasq
 * on a free loopback port, answering only the TXT records it is given (no
 * upstream, no hosts file, no configuration file). Where dnsmasq is not
 * installed the tests are ignored with the reason printed; with
 * `KEZ_REQUIRE_DNSMASQ=1` (which `.ci/run` sets, having installed it) they
 * fail instead.
 *
 * @module
 */

import { waitFor } from "./wait_for.ts";

const CANDIDATES = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq"];

function dnsmasqPath(): string | null {
  for (const path of CANDIDATES) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not there; the next one may be
    }
  }
  return null;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A running dnsmasq. */
export interface Dnsmasq {
  /** `127.0.0.1:PORT`, as `--nameserver` takes it. */
  readonly nameserver: string;
}

async function answers(port: number): Promise<boolean> {
  try {
    (await Deno.connect({ hostname: "127.0.0.1", port })).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` with dnsmasq serving the TXT records given, then stops it.
 *
 * @param records each record's name and value; a value over 255 bytes is
 *   served as several strings of one record, as dnsmasq cuts it
 * @param fn the test
 */
export async function withDnsmasq(
  records: readonly (readonly [string, string])[],
  fn: (dns: Dnsmasq) => Promise<void>,
): Promise<void> {
  const port = freePort();
  const child = new Deno.Command(dnsmasqPath()!, {
    args: [
      "--keep-in-foreground",
      "--no-resolv",
      "--no-hosts",
      "--conf-file=/dev/null",
      "--pid-file",
      "--listen-address=127.0.0.1",
      "--bind-interfaces",
      `--port=${port}`,
      // As root it drops to nobody; as anyone else it stays that user.
      ...(Deno.uid() === 0 ? ["--user=nobody"] : []),
      ...records.map(([name, value]) => `--txt-record=${name},${value}`),
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  try {
    await waitFor(async () => {
      if (exited) {
        const { value } = await stderr.read();
        throw new Error(`dnsmasq exited: ${value ?? ""}`);
      }
      return await answers(port);
    }, { what: "dnsmasq to listen" });
    await fn({ nameserver: `127.0.0.1:${port}` });
  } finally {
    if (!exited) child.kill("SIGTERM");
    await status;
    await stderr.cancel();
  }
}

let said = false;

/**
 * Registers a test that needs dnsmasq: ignored, with the reason printed,
 * where it is not installed; failed instead when `KEZ_REQUIRE_DNSMASQ=1`.
 *
 * @param name the test's name
 * @param fn the test
 */
export function dnsmasqTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  const missing = dnsmasqPath() === null;
  const required = Deno.env.get("KEZ_REQUIRE_DNSMASQ") === "1";
  if (missing && !required && !said) {
    said = true;
    console.error(
      `dnsmasq tests skipped: dnsmasq is not installed (apt-get install -y dnsmasq-base)`,
    );
  }
  Deno.test({
    name,
    ignore: missing && !required,
    async fn(t) {
      if (missing) {
        throw new Error("KEZ_REQUIRE_DNSMASQ=1, but dnsmasq is not installed");
      }
      await fn(t);
    },
  });
}
