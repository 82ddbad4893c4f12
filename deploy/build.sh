#!/bin/sh
# Builds the kez-sig-server binary into <dir>: the Dockerfile's build stage runs
# this, and tests/ops/build_test.ts runs it outside Docker.
#
#   deploy/build.sh <dir>        (from the source tree, or its copy in the image)
#
# The npm packages come from deno.lock exactly (--frozen). `deno task compile`
# type-checks first, without a heap limit, then compiles without checking: the
# V8 flags given to `deno compile` are the binary's (its heap limit), but they
# bound the compiler's own process too, where a type check does not fit in 96 MB.
# `deno compile` downloads the denort runtime from dl.deno.land once, unless
# DENORT_BIN names a local one.
set -eu
out=${1:?usage: deploy/build.sh <output directory>}
cd "$(dirname "$0")/.."

deno install --frozen --entrypoint main.ts
deno task compile
mkdir -p "$out"
mv kez-sig-server "$out/kez-sig-server"
