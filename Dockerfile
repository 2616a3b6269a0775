# syntax=docker/dockerfile:1
# The SSE hub: one image for every ROLE (server, fetcher, all). See "Scaling out" in README.md.

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Build: every dependency, then the TypeScript compile to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied (and no dependency needs a script).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# 2. Production dependencies only, installed from the same lock file.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. Runtime: node, production node_modules, dist/ and the dashboard's static files
#    (read at run time from src/interfaces/dashboard/public, next to dist/ as in the repository).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=8181 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
COPY src/interfaces/dashboard/public ./src/interfaces/dashboard/public
# Files stay root-owned and read-only to the process; it runs as the image's unprivileged `node` user.
USER node
EXPOSE 8181
# /healthz answers 200 while the process runs, in every ROLE (readiness is /readyz's business).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8181) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: stop accepting, end streams, close the AMQP connection, exit 0 within 10 s.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
