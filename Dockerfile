# syntax=docker/dockerfile:1
# exfilwatch node agent image. Build: docker build -t exfilwatch .
# Final stage: distroless Node.js 20 (no shell, no package manager), fixed non-root uid 65532, tini as PID 1.

# ---- build: compile TypeScript with the full dev toolchain ---------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: package.json's `prepare` builds, and the sources are not copied yet.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY proto ./proto
COPY src ./src
RUN npm run build

# ---- deps: production node_modules only ------------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would try to build without sources or dev dependencies; dist comes from build.
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# ---- tini: a real PID 1 (signal forwarding, zombie reaping) for the shell-less final image --------------
FROM debian:bookworm-slim AS tini
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*

# ---- runtime ---------------------------------------------------------------------------------------------
FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
# V8 heap caps sized for the chart's 256 Mi limit (docs/performance.md, "Memory"): left alone, V8 lets the old
# generation grow to several times the live state before collecting (RSS 0.5 GB for ~100 MB live); capped,
# it collects sooner and RSS stays flat. old 144 + young 3 x 8 + ~70 MB of code and native memory < 256 Mi.
# The chart sets the same value (values.yaml nodeOptions); raise both with the memory limit.
ENV NODE_OPTIONS="--max-old-space-size=144 --max-semi-space-size=8"
COPY --from=tini /usr/bin/tini-static /usr/bin/tini
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY proto ./proto
COPY sensor-config ./sensor-config
# `exfilwatch demo` replays the bundled scenarios.
COPY examples/scenarios ./examples/scenarios
# Numeric, so Kubernetes can verify runAsNonRoot; matches the chart's securityContext.runAsUser.
USER 65532:65532
# 9464: /metrics, /healthz, /readyz. 2801: Falco http_output receiver (when enabled).
EXPOSE 9464 2801
# tini forwards SIGTERM to node, which drains sources, flushes pending alerts to NATS or the spool and
# exits; it also reaps zombies. (With `docker run --init` tini would be redundant but harmless.)
ENTRYPOINT ["/usr/bin/tini", "--", "/nodejs/bin/node", "dist/cli/main.js"]
CMD ["run", "--config", "/etc/exfilwatch/config.yaml"]
