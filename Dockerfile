# kez-sig-server as one compiled binary on a distroless base.
#
#   docker build -t kez-sig-server .
#   docker run -d --name kez -p 7878:7878 -v kez-data:/data --stop-timeout 15 kez-sig-server
#
# The database is /data/chains.db; keep /data on a volume.

# Build stage: deploy/build.sh installs the npm packages of deno.lock exactly,
# then runs `deno task compile`, which type-checks, then compiles with the
# binary's V8 flags and its worker modules (the server verifies signatures and
# commits on worker threads). `deno compile` downloads the denort runtime from
# dl.deno.land once.
FROM denoland/deno:2.9.6 AS build
WORKDIR /src
COPY deno.json deno.lock main.ts ./
COPY lib/ lib/
COPY deploy/build.sh deploy/
RUN deploy/build.sh /out && mkdir -p /out/data

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
