# syntax=docker/dockerfile:1
# Multi-stage: build the SPA with Node, install the package into a venv, run as a non-root user.

FROM node:20-bookworm-slim AS frontend
WORKDIR /build/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm AS python
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /build
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY src/ src/
RUN /opt/venv/bin/pip install .

FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    VAR_DIR=/var/lib/marketplace \
    FRONTEND_DIST=/app/frontend/dist
RUN groupadd --system app && useradd --system --gid app --home /app app \
    && mkdir -p /var/lib/marketplace && chown app:app /var/lib/marketplace
COPY --from=python /opt/venv /opt/venv
COPY --from=frontend /build/frontend/dist /app/frontend/dist
WORKDIR /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
CMD ["marketplace", "serve", "--proxy-headers"]
