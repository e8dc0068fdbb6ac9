# syntax=docker/dockerfile:1.7
#
# CODITECT License Platform image: the API (gunicorn), the Celery worker and
# beat, and the one-shot management commands (migrate, reap_sessions) all run
# from this one image; only the command differs. See docs/deploy.md.
#
#   docker build -t coditect-license:$(git rev-parse --short HEAD) .
#
# Nothing secret is baked in: SECRET_KEY, DATABASE_URL, REDIS_URL and the token
# signing key arrive at run time (env or *_FILE mounts). Migrations never run at
# build time: the migration Job runs `python backend/manage.py migrate --noinput`.
# Base images are pinned to a patch release; bump them (or pin by digest) on
# purpose, never float on `latest`.

############################  1. dashboard (SPA)  ############################
FROM node:22.12.0-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

#########################  2. Python dependencies  ##########################
FROM python:3.12.8-slim-bookworm AS python-deps
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
# Only the lock and the project file: this layer is rebuilt when they change,
# not on every source edit. The project itself runs from /app/backend via
# PYTHONPATH, so it is not installed into the venv.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

################################  3. runtime  ################################
FROM python:3.12.8-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="coditect-license" \
      org.opencontainers.image.description="CODITECT License Platform: floating-seat license server" \
      org.opencontainers.image.source="https://github.com/coditect/license-platform"

ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONPATH=/app/backend \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=coditect_license.settings \
    DJANGO_DEBUG=false \
    DATA_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000

# uid/gid 10001: outside the range of any user in the base image, and the
# number the Kubernetes manifests pin in runAsUser/runAsGroup.
RUN groupadd --system --gid 10001 coditect \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
       --home-dir /app --shell /usr/sbin/nologin coditect

WORKDIR /app
COPY --from=python-deps /app/.venv /app/.venv
COPY backend/ /app/backend/
COPY --from=frontend /src/frontend/dist /app/frontend/dist

# Static files are collected into the image (read-only at run time). The key
# and data folder given here exist only for this one command: settings need a
# SECRET_KEY to import, and nothing from DATA_DIR is kept in the image.
RUN SECRET_KEY=collectstatic-build-only DATA_DIR=/tmp/collectstatic-data \
        python backend/manage.py collectstatic --noinput \
    && test -d /app/staticfiles \
    && rm -rf /tmp/collectstatic-data \
    && mkdir -p /app/var \
    && chown 10001:10001 /app/var

USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'Host': 'localhost'}), timeout=2)"]

CMD ["gunicorn", "-c", "python:coditect_license.gunicorn_conf", "coditect_license.wsgi"]
