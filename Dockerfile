# One image for the web, worker and beat services (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=fabrique.settings.base
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt
COPY . .
# collectstatic needs settings but no secret: give it throwaway values at build time only.
RUN SECRET_KEY=build-only-collectstatic-needs-a-fifty-character-throwaway-key ALLOWED_HOSTS=build DATABASE_URL=sqlite:///tmp/build.sqlite3 \
    python manage.py collectstatic --noinput
RUN useradd --system --home /app fabrique && mkdir -p /data/media && chown fabrique /data/media
USER fabrique
EXPOSE 8000
CMD ["gunicorn", "fabrique.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
