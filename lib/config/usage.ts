/**
 * The `--help` texts of the server and of the `mirror` command, and the
 * option lines the maintenance commands share. The binary adds its command
 * list to the server's, from its command table.
 *
 * @module
 */

import { DEFAULTS } from "./defaults.ts";

/** The help line of `--db`, which the server and its maintenance commands share. */
export const DB_OPTION: string =
  `  --db <path>           SQLite database file    (env KEZ_DB; default ${DEFAULTS.db})`;
/** The help line of `--help`. */
export const HELP_OPTION: string = `  -h, --help            print this help and exit`;

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
  --verify-workers <n>  threads that verify nostr signatures, 0 for none
                        (env KEZ_VERIFY_WORKERS; default: the number of cores less one, at least 1)
  --body-timeout <s>    seconds a POST body may take to arrive, then 408
                        (env KEZ_BODY_TIMEOUT; default 10)
  --cache-mb <MiB>      memory for chains served from memory, 0 to 64
                        (env KEZ_CACHE_MB; default ${DEFAULTS.cacheMb}; SQLite only)
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

/** The `--help` text of the server, but for its command list. */
export const USAGE = `kez-sig-server: the KEZ sigchain server

Usage: kez-sig-server [options]             serve the API
       kez-sig-server mirror --upstream <url> [options]
                                            serve a verified, read-only copy of another server
       kez-sig-server <command> [options]   maintenance; see kez-sig-server <command> --help

Options:
${SERVE_OPTION_LINES}
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
