/**
 * Hostile clients for the soak: each attacker loops over the attacks of
 * tests/reliability/hostile_clients_test.ts until the deadline, so that the
 * soak shows whether normal clients and the server's memory stay level
 * while they run.
 *
 * @module
 */

import { RawConnection } from "../support/raw_connection.ts";

/** What the attackers did, by attack, and what surprised them. */
export interface AttackResult {
  /** Attacks made, by name. */
  readonly counts: Map<string, number>;
  /** Answers other than the expected one, by attack and status. */
  readonly surprises: Map<string, number>;
}

/** The path every attack posts to: a valid primary with no chain. */
const EVENTS =
  "/v1/sigchains/ed25519/b1ef84457f0eeebd37358acdc6267fb1ed31e20c0eff3a89f0c6ce9729e92c40/events";

function post(fields: string[]): string {
  return [`POST ${EVENTS} HTTP/1.1`, "Host: 127.0.0.1", ...fields, "", ""].join("\r\n");
}

/** One attack: what it sends, and the status it must get (null: none expected, it leaves). */
interface Attack {
  readonly name: string;
  readonly run: (conn: RawConnection) => Promise<number | null>;
  readonly expect: number | null;
}

const TINY_CHUNKS = post(["Transfer-Encoding: chunked"]) + "1\r\n \r\n".repeat(65_000) +
  "0\r\n\r\n";

const ATTACKS: readonly Attack[] = [
  {
    name: "65,000 one-byte chunks",
    expect: 413,
    run: async (conn) => {
      await conn.send(TINY_CHUNKS);
      return (await conn.readAnswer(15_000))?.status ?? 0;
    },
  },
  {
    name: "a stalled body (waits for its 408)",
    expect: 408,
    run: async (conn) => {
      await conn.send(post(["Content-Length: 100"]) + "{");
      return (await conn.readAnswer(30_000))?.status ?? 0;
    },
  },
  {
    name: "a body abandoned half-way",
    expect: null,
    run: async (conn) => {
      await conn.send(post(["Content-Length: 1000"]) + "{");
      await new Promise((r) => setTimeout(r, 50));
      return null;
    },
  },
  {
    name: "a Host that names another route",
    expect: 400,
    run: async (conn) => {
      await conn.send("GET /v1/healthz HTTP/1.1\r\nHost: x/metrics?\r\nConnection: close\r\n\r\n");
      return (await conn.readAnswer(15_000))?.status ?? 0;
    },
  },
];

/**
 * Runs attackers until the deadline.
 *
 * @param base the server, `http://127.0.0.1:PORT`
 * @param attackers how many attack at once
 * @param seconds how long
 * @returns the counts
 */
export async function attack(
  base: string,
  attackers: number,
  seconds: number,
): Promise<AttackResult> {
  const deadline = performance.now() + seconds * 1000;
  const counts = new Map<string, number>();
  const surprises = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const one = async (first: number) => {
    for (let i = first; performance.now() < deadline; i++) {
      const a = ATTACKS[i % ATTACKS.length]!;
      let status: number | null;
      try {
        const conn = await RawConnection.open(base);
        try {
          status = await a.run(conn);
        } finally {
          conn.close();
        }
      } catch (e) {
        status = -1;
        add(surprises, `${a.name}: ${(e as Error).message}`);
      }
      add(counts, a.name);
      if (status !== -1 && status !== a.expect) add(surprises, `${a.name}: status ${status}`);
    }
  };
  await Promise.all(Array.from({ length: attackers }, (_, i) => one(i)));
  return { counts, surprises };
}
