# Vivace: one process. bin/vivace.js runs the TypeScript sources through tsx (a runtime
# dependency, so `npm ci --omit=dev` keeps it); the web UI is built with Vite in a first stage.
FROM node:20-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
COPY web/package.json ./web/
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY web ./web
RUN node scripts/build-web.mjs

FROM node:20-slim

ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
COPY web/package.json ./web/
COPY scripts ./scripts
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=web /app/web/dist ./web/dist

COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY deploy/tempo.yaml /etc/vivace/tempo.yaml

# The node image's unprivileged user (uid 1000) owns the data volume.
RUN mkdir -p /var/vivace && chown node:node /var/vivace
USER node
VOLUME /var/vivace

# 3200 Tempo API, 4317 OTLP gRPC, 4318 OTLP HTTP, 14268 Jaeger HTTP, 14250 Jaeger gRPC,
# 6831-6832/udp Jaeger agent, 9411 Zipkin, 3000 web UI.
EXPOSE 3200 4317 4318 14268 14250 6831/udp 6832/udp 9411 3000

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3200/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Vivace handles SIGTERM itself: it closes the listeners, finishes the running block build and
# syncs the WAL before exiting.
CMD ["node", "bin/vivace.js", "-config.file=/etc/vivace/tempo.yaml"]
