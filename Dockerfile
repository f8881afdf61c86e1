# Concierge: the GraphQL server with its embedded vendor sandbox.
#   docker build -t concierge . && docker run -p 8000:8000 concierge
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY connectors connectors
COPY resolvers resolvers
COPY schema schema
COPY server server
COPY sandbox sandbox
RUN pip install --no-cache-dir .
ENV CONCIERGE_HOST=0.0.0.0 CONCIERGE_PORT=8000
# The store (SQLite file and generated token key) needs a directory `nobody` can write.
RUN mkdir -p /data && chown nobody /data
ENV CONCIERGE_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
USER nobody
CMD ["concierge", "serve"]
