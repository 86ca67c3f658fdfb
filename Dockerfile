# Optional container image for wid_events (see docs/deploy.md; nothing else depends on it).
#   docker build -t wid_events .
#   docker run -e SECRET_KEY=... -e DATABASE_URL=... -p 8000:8000 wid_events
FROM python:3.11-slim-bookworm

# WeasyPrint (Pango), libmagic for upload sniffing, Noto fonts so badges print every script.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libmagic1 fonts-noto-core fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    WID_ENV=production \
    WID_INSTANCE_PATH=/data/instance \
    UPLOAD_FOLDER=/data/uploads \
    BIND=0.0.0.0:8000 \
    FORWARDED_ALLOW_IPS=*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .

RUN useradd --system --uid 1000 --home /data wid \
 && mkdir -p /data/instance /data/uploads \
 && chown -R wid:wid /data
USER wid
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

# Migrations run first, so a new image upgrades the schema before serving.
CMD ["sh", "-c", "flask --app wsgi db upgrade && exec gunicorn -c gunicorn.conf.py wsgi:app"]
