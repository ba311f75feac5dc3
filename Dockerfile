# syntax=docker/dockerfile:1
# ems-gateway for edge boxes (hospital, dispatch) and ambulance gateways with a USB reader.
# Build:  docker build -t ems-gateway .
# Run:    see docs/operations.md (config, key file and data volume; pcscd socket for card readers).

FROM node:22-bookworm-slim AS build
WORKDIR /app
# Native modules (better-sqlite3, pcsclite) are compiled here, against the same Debian as the runtime.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ libpcsclite-dev \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
# libpcsclite1: the PC/SC client library; pcscd itself runs on the host and its socket is mounted.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcsclite1 tini \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system ems && useradd --system --gid ems --home-dir /var/lib/ems-gateway ems \
 && mkdir -p /var/lib/ems-gateway /etc/ems-gateway && chown ems:ems /var/lib/ems-gateway \
 && chmod 0700 /var/lib/ems-gateway
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY examples ./examples
USER ems
ENV NODE_ENV=production
# As deploy/systemd/ems-gateway.service: two malloc arenas (its comment says why).
ENV MALLOC_ARENA_MAX=2
EXPOSE 8443
# /healthz is liveness only; the port must match http.port in the mounted configuration.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const p=process.env.EMS_HEALTH_URL||'https://127.0.0.1:8443/healthz';process.env.NODE_TLS_REJECT_UNAUTHORIZED='0';fetch(p).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/src/cli/main.js"]
CMD ["run", "--config", "/etc/ems-gateway/config.json"]
