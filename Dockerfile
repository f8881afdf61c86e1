# Concierge: the GraphQL server (and, unconfigured, its embedded vendor sandbox).
#   docker build -t concierge . && docker run -p 8000:8000 concierge
# Stage 1 builds the wheel exactly as `make wheel` does (GraphiQL's files from npm inside
# it); stage 2 installs only that wheel. Configuration: CONCIERGE_* variables (README).

FROM python:3.11-slim AS build
# npm fetches GraphiQL's pinned browser files (scripts/graphiql_assets.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends npm=9.* \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scripts scripts
COPY connectors connectors
COPY resolvers resolvers
COPY schema schema
COPY server server
COPY sandbox sandbox
RUN python scripts/graphiql_assets.py --require \
    && pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

FROM python:3.11-slim
COPY --from=build /dist /dist
RUN pip install --no-cache-dir /dist/*.whl \
    && rm -rf /dist \
    && useradd --system --uid 10001 --home-dir /data --create-home concierge
ENV CONCIERGE_HOST=0.0.0.0 \
    CONCIERGE_PORT=8000 \
    CONCIERGE_DATA_DIR=/data \
    CONCIERGE_LOG_FORMAT=json \
    PYTHONUNBUFFERED=1
# The store (SQLite file and generated token key) when no database_url is given.
VOLUME /data
WORKDIR /data
EXPOSE 8000
USER 10001
# Liveness; orchestrators should route traffic by /readyz (store migrated, tokens held).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["concierge", "health"]
# SIGTERM: uvicorn drains requests in flight for CONCIERGE_SHUTDOWN_TIMEOUT_S (default 8 s).
STOPSIGNAL SIGTERM
ENTRYPOINT ["concierge"]
CMD ["serve"]
