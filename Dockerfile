# Crowsnest: the portal as a container image.
#
#   docker build -t registry.example.com/platform/crowsnest:0.1.0 .
#
# Two stages: `build` installs every dependency and runs `next build`; the final stage
# holds only production dependencies, the build output and the sources the custom
# server runs (server/, lib/, sim/ for demo mode, and the app/ and public/ files the
# build was made from). Next's standalone output is not used: it emits its own
# server.js and traces only what Next's pages import, while Crowsnest runs its own
# HTTP server (SSE, socket.io, readiness, drain) with dependencies Next never sees.
#
# tests/integration/image-recipe.test.ts runs these same steps without a container
# engine and starts the result.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc ./
# No install scripts: the only one unpacks the test binaries (kubectl, helm).
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY . .
RUN npx next build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOST=0.0.0.0
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
COPY --from=build /app/next.config.ts /app/tsconfig.json ./
COPY --from=build /app/app ./app
COPY --from=build /app/lib ./lib
COPY --from=build /app/server ./server
COPY --from=build /app/sim ./sim
COPY --from=build /app/public ./public
COPY --from=build /app/.next ./.next
# The build is newer than every source it was made from, so the server serves it as is.
RUN rm -rf .next/cache && touch .next/BUILD_ID
# Non-root, numeric (the chart's runAsUser); the root filesystem may be read-only:
# the server writes only to /tmp and .next/cache, both volumes in the chart.
USER 10001:10001
EXPOSE 3000
# Node is PID 1 and handles SIGTERM itself: it stops accepting, drains streams and
# sockets within CROWSNEST_DRAIN_SECONDS, then exits. The server starts no child processes.
CMD ["node", "--import", "tsx", "server/main.ts"]
