# kez-sig-server as one compiled binary on a distroless base.
#
#   docker build -t kez-sig-server .
#   docker run -d --name kez -p 7878:7878 -v kez-data:/data --stop-timeout 15 kez-sig-server
#
# The database is /data/chains.db; keep /data on a volume.

# Build stage: cache the npm dependencies from deno.lock, then compile.
# `deno compile` downloads the denort runtime from dl.deno.land once. The
# worker modules are included: the server verifies signatures and commits on
# worker threads (the same flags as `deno task compile`).
FROM denoland/deno:2.9.6 AS build
WORKDIR /src
COPY deno.json deno.lock main.ts ./
COPY lib/ lib/
RUN deno install --frozen --entrypoint main.ts
RUN deno compile --frozen --allow-net --allow-read --allow-write --allow-env \
      --v8-flags=--max-semi-space-size=1,--max-old-space-size=96 \
      --include lib/verify/verify_worker.ts --include lib/store/writer_worker.ts \
      --output /out/kez-sig-server main.ts \
 && mkdir -p /out/data

# Runtime stage: glibc and libgcc only, no shell, runs as uid 65532 (nonroot).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/kez-sig-server /usr/local/bin/kez-sig-server
COPY --from=build --chown=65532:65532 /out/data /data
ENV KEZ_BIND=0.0.0.0:7878 \
    KEZ_DB=/data/chains.db
VOLUME /data
EXPOSE 7878
USER 65532:65532
# No shell or curl here: the binary checks /v1/healthz itself, on KEZ_BIND's port.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/kez-sig-server", "healthcheck"]
# SIGTERM: finish the requests in flight, close the database, exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/kez-sig-server"]
