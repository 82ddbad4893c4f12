/**
 * Test support: a small nostr relay (NIP-01) on a free port. It exists
 * because no relay installs as a program from the package registries these
 * machines reach; it speaks just what the `nostr:` channel needs: `EVENT`
 * (answered `OK`, after checking the event's id and signature), `REQ`
 * (stored events matching the filters by ids, kinds, authors, `#d` and
 * limit, then `EOSE`, then live ones), `CLOSE`, and the replaceable-event
 * rule (for kinds 0, 3, 10000–19999 one event per author and kind, for
 * 30000–39999 one per author, kind and `d` tag: the newest `created_at`
 * wins, then the lowest id). `serve` stores an event without any check, to
 * play a relay that lies.
 *
 * @module
 */

import type { Event } from "nostr-tools/core";
import { type Filter, matchFilter } from "nostr-tools/filter";
import { verifyEvent } from "nostr-tools/pure";

/** A running relay. */
export interface TestRelay {
  /** `ws://127.0.0.1:PORT` */
  readonly url: string;
  /** The events it holds. */
  readonly events: Event[];
  /** Stores an event as is, with no check: a lying relay. */
  serve(event: Event): void;
}

/** The key under which a replaceable event replaces another, or null. */
function replaceKey(event: Event): string | null {
  const { kind, pubkey } = event;
  if (kind === 0 || kind === 3 || (kind >= 10000 && kind < 20000)) return `${kind}:${pubkey}`;
  if (kind >= 30000 && kind < 40000) {
    const d = event.tags.find((t) => t[0] === "d")?.[1] ?? "";
    return `${kind}:${pubkey}:${d}`;
  }
  return null;
}

function newer(a: Event, b: Event): boolean {
  return a.created_at > b.created_at || (a.created_at === b.created_at && a.id < b.id);
}

/** Stores an event under the replaceable rule; false when an event it holds is newer. */
function store(events: Event[], event: Event): boolean {
  if (events.some((e) => e.id === event.id)) return true;
  const key = replaceKey(event);
  if (key !== null) {
    const at = events.findIndex((e) => replaceKey(e) === key);
    if (at >= 0) {
      if (!newer(event, events[at]!)) return false;
      events.splice(at, 1);
    }
  }
  events.push(event);
  return true;
}

/**
 * Runs `fn` against a fresh relay, then stops it.
 *
 * @param fn the test
 */
export async function withRelay(fn: (relay: TestRelay) => Promise<void>): Promise<void> {
  const events: Event[] = [];
  const sockets = new Set<WebSocket>();
  const subs = new Map<WebSocket, Map<string, Filter[]>>();
  const deliver = (event: Event) => {
    for (const [socket, open] of subs) {
      for (const [id, filters] of open) {
        if (filters.some((f) => matchFilter(f, event))) {
          socket.send(JSON.stringify(["EVENT", id, event]));
        }
      }
    }
  };
  const onMessage = (socket: WebSocket, data: string) => {
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      socket.send(JSON.stringify(["NOTICE", "invalid: not JSON"]));
      return;
    }
    if (!Array.isArray(message)) return;
    const [type, ...rest] = message as [string, ...unknown[]];
    if (type === "EVENT") {
      const event = rest[0] as Event;
      if (!verifyEvent(event)) {
        socket.send(JSON.stringify(["OK", event?.id ?? "", false, "invalid: bad id or signature"]));
      } else if (store(events, event)) {
        socket.send(JSON.stringify(["OK", event.id, true, ""]));
        deliver(event);
      } else {
        socket.send(JSON.stringify(["OK", event.id, true, "duplicate: have a newer event"]));
      }
    } else if (type === "REQ") {
      const [id, ...filters] = rest as [string, ...Filter[]];
      subs.get(socket)!.set(id, filters);
      for (const filter of filters) {
        const found = events.filter((e) => matchFilter(filter, e))
          .sort((a, b) => b.created_at - a.created_at)
          .slice(0, filter.limit ?? Infinity);
        for (const event of found) socket.send(JSON.stringify(["EVENT", id, event]));
      }
      socket.send(JSON.stringify(["EOSE", id]));
    } else if (type === "CLOSE") {
      subs.get(socket)!.delete(rest[0] as string);
    }
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    if (req.headers.get("upgrade") !== "websocket") {
      return new Response("a nostr relay", { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(req);
    sockets.add(socket);
    subs.set(socket, new Map());
    socket.onmessage = (e) => onMessage(socket, String(e.data));
    socket.onclose = () => {
      sockets.delete(socket);
      subs.delete(socket);
    };
    return response;
  });
  const url = `ws://127.0.0.1:${server.addr.port}`;
  try {
    await fn({
      url,
      events,
      serve: (event) => {
        const key = replaceKey(event);
        const at = key === null ? -1 : events.findIndex((e) => replaceKey(e) === key);
        if (at >= 0) events.splice(at, 1);
        events.push(event);
      },
    });
  } finally {
    for (const socket of sockets) socket.close();
    await server.shutdown();
  }
}
