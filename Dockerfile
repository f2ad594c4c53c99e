# syntax=docker/dockerfile:1
# One image for both Wharf processes; docker-compose.yml chooses the command (web or worker).

# --- build: every dependency (the Remix compiler is a devDependency), the build, then prune
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# npm ci's postinstall applies these to node_modules (patch-package; the route-matching cache, ADR 0058).
COPY patches ./patches
# NODE_ENV must not be production yet: npm ci would skip the devDependencies `remix build` needs.
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# --- runtime
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    STORAGE_DIR=/data/storage \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /app
# Invoice PDFs set Chinese text in Noto Sans CJK, which app/orders/invoice-pdf.server.ts finds under
# /usr/share/fonts/opentype/noto (INVOICE_FONT_PATH overrides); without it they fall back to English.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
# The code stays owned by root, so the app user cannot change it; only the storage directory is
# writable (a named volume mounted there copies this ownership when it is first created).
COPY --from=build /app /app
RUN mkdir -p /data/storage && chown node:node /data/storage
USER node
EXPOSE 3000
# The web process by default; the worker runs `node --max-old-space-size=128 build/worker.js` (both bundled by `npm run build`, ADR 0047).
CMD ["node", "--max-old-space-size=192", "build/web.js"]
