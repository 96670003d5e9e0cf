# One image for every Stadtdialog process: the command chooses the service or the gateway.
FROM node:20-bookworm-slim AS assets
WORKDIR /src/gateway
COPY gateway/package.json gateway/package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PYTHONWARNINGS="ignore::Warning:nameko.containers,ignore::Warning:nameko.cli.run,ignore::Warning:nameko.cli.commands"
# WeasyPrint (the results report as PDF) renders with pango; fonts with German umlauts
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
    libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
COPY plugins ./plugins
COPY gateway ./gateway
COPY deploy/local/nameko.yaml ./deploy/local/nameko.yaml
COPY --from=assets /src/gateway/node_modules ./gateway/node_modules
RUN pip install --no-cache-dir . \
 && pybabel compile -d gateway/translations \
 && useradd --system --uid 10001 stadtdialog
USER 10001
EXPOSE 8080
CMD ["gunicorn", "--config", "python:gateway.gunicorn_conf", "--workers", "2", "--threads", "8", "--bind", "0.0.0.0:8080", "gateway.app:create_app()"]
