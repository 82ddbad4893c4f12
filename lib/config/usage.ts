/**
 * The `--help` texts of the server, of the `mirror` command and of each
 * maintenance command.
 *
 * @module
 */

import { DEFAULTS } from "./defaults.ts";

const DB_OPTION =
  `  --db <path>           SQLite database file    (env KEZ_DB; default ${DEFAULTS.db})`;
const HELP_OPTION = `  -h, --help            print this help and exit`;

/** The server's options, which the mirror takes too. */
const SERVE_OPTION_LINES =
  `  --bind <host:port>    address to listen on   (env KEZ_BIND; default ${DEFAULTS.bind})
${DB_OPTION}
                        or a PostgreSQL URL, postgres://user@host:port/name,
                        shared by several servers (needs --log-key)
  --log-level <level>   error|warn|info|debug|trace, or a RUST_LOG-style list
                        (env KEZ_LOG, else RUST_LOG; default ${DEFAULTS.logLevel})
  --log-format <form>   pretty|json             (env KEZ_LOG_FORMAT; default ${DEFAULTS.logFormat})
  --metrics <on>        true|false: serve GET /metrics (env KEZ_METRICS; default ${DEFAULTS.metrics})
  --verify-workers <n>  threads that verify signatures, 0 for none
                        (env KEZ_VERIFY_WORKERS; default: the number of cores less one, at least 1)
  --body-timeout <s>    seconds a POST body may take to arrive, then 408
                        (env KEZ_BODY_TIMEOUT; default 10)
  --log-origin <name>   the transparency log's origin and key name
                        (env KEZ_LOG_ORIGIN; default ${DEFAULTS.logOrigin})
  --log-key <path>      the log's Ed25519 seed in hex, made at first start (mode 0600)
                        (env KEZ_LOG_KEY; default: <db>-log.key)
  --transparency-log <on>  true|false: keep the log and serve /v1/log/*
                        (env KEZ_TRANSPARENCY_LOG; default ${DEFAULTS.transparencyLog})
  --new-log-key         the log key file is lost: sign the database's existing log
                        under a new key, and record the change. Every client that
                        pinned the old key will report an ALARM. Without this flag
                        a database with a log and no key file is refused.
  --witness-policy <file>  a C2SP tlog-policy: ask its witnesses (with URLs) to cosign
                        checkpoints; GET /v1/log/checkpoint/witnessed serves the latest
                        that meets its quorum (env KEZ_WITNESS_POLICY; default: none)
  --witness-interval <s>  seconds between rounds of asking (env KEZ_WITNESS_INTERVAL; default 10)
  --witness-quota <n>   most requests a minute to one witness (env KEZ_WITNESS_QUOTA; default 12)
${HELP_OPTION}
  -V, --version         print the version and exit`;

/** The `--help` text of the server. */
export const USAGE = `kez-sig-server: the KEZ sigchain server

Usage: kez-sig-server [options]             serve the API
       kez-sig-server mirror --upstream <url> [options]
                                            serve a verified, read-only copy of another server
       kez-sig-server <command> [options]   maintenance; see kez-sig-server <command> --help

Options:
${SERVE_OPTION_LINES}

Commands:
  mirror                follow another server's transparency log and serve a verified copy
  witness               a C2SP tlog-witness: cosign checkpoints of the logs it is given
  backup <file>         write a verified copy of the database, safe while the server runs
  verify                re-check every stored chain and hash; exit 1 on a problem
  stats                 count chains and events by op and algorithm; the database size
  healthcheck           ask a running server's /v1/healthz; exit 0 when healthy, else 1
  migrate               copy a SQLite database and its log into an empty PostgreSQL one
`;

/** The `--help` text of the `mirror` command. */
export const MIRROR_USAGE = `Usage: kez-sig-server mirror --upstream <url> [options]

Follows the upstream server's transparency log (GET /v1/log/entries), re-checks
every event as a POST would be checked, stores them in the same order, and
serves the whole read API and /v1/log/* from its own database, signed with its
own log key; its roots equal the upstream's at equal sizes. It pins the
upstream's log key on first contact (in <db>-upstream.json) and checks every
upstream checkpoint against its own tree. On any mismatch (an invalid event, an
index or root that differs, a bad signature, a checkpoint inconsistent with an
earlier one) it stops following, logs the evidence at error level, and keeps
serving what it has. POSTs answer 503 unavailable. It keeps retrying, with
backoff, while the upstream cannot be reached. Exit status as for the server.

Options:
  --upstream <url>      the server to follow, http:// or https:// (env KEZ_UPSTREAM)
  --poll-interval <ms>  how long to wait between polls once caught up
                        (env KEZ_POLL_INTERVAL; default 1000)
${SERVE_OPTION_LINES}
`;

/** The `--help` text of each maintenance command. */
export const COMMAND_USAGE = {
  backup: `Usage: kez-sig-server backup <file> [--db <path>] [--log-key <path>]

Writes a consistent copy of the database to <file>, which must not exist, while
the server may be running (SQLite's online backup, in one read snapshot), then
checks the copy: integrity, schema, and its events against the database. Then
copies the transparency log's key file beside it, as <file>-log.key (mode 0600):
a restore needs both. Exit 0 when the copy and its key are written and checked,
1 when either is not (the copy of a database with a log but no key file is kept,
and the missing key named), 2 for a usage error.

Options:
${DB_OPTION}
  --log-key <path>      the log's key file, as the server has it
                        (env KEZ_LOG_KEY; default: <db>-log.key)
${HELP_OPTION}
`,
  verify: `Usage: kez-sig-server verify [--db <path>]

Re-validates every stored chain from seq 0 with the protocol core: structure,
links, signatures and ops, the stored hash of every event, and that every stored
line is canonical JSON. Reads through a read-only connection, chain by chain, so
it is safe on a live database. Prints each problem (primary and seq) and a
summary. Exit 0 when there is no problem, 1 when there is one or the database
cannot be read, 2 for a usage error.

Options:
${DB_OPTION}
${HELP_OPTION}
`,
  stats: `Usage: kez-sig-server stats [--db <path>]

Prints the number of chains and events, the events by op and by signature
algorithm, and the size of the database files, from a read-only connection.

Options:
${DB_OPTION}
${HELP_OPTION}
`,
  migrate: `Usage: kez-sig-server migrate --from <path> --to <postgres-url>

Copies a SQLite database, its chains and its transparency log with its last
signed checkpoint, into an empty PostgreSQL database in one transaction, then
checks the copy: every leaf hashed again from its line, and the tree's root the
SQLite log's. Start the servers on PostgreSQL with the SQLite file's log key
(--log-key <path>-log.key). Exit 0 when copied and checked, 1 when not (nothing
is left in PostgreSQL), 2 for a usage error.

Options:
  --from <path>         the SQLite database file (a server may be running on it)
  --to <url>            postgres://user@host:port/name, a database without events
${HELP_OPTION}
`,
  healthcheck: `Usage: kez-sig-server healthcheck [--url <url>] [--bind <host:port>]

Asks a running server's health route and exits 0 when it answers 200
{"status":"ok"} within 5 seconds, else 1. For HEALTHCHECK in images with no
shell or curl.

Options:
  --url <url>           the health URL (default: /v1/healthz on the --bind address,
                        with 0.0.0.0 and :: read as the loopback address)
  --bind <host:port>    the server's address   (env KEZ_BIND; default ${DEFAULTS.bind})
${HELP_OPTION}
`,
} as const;
