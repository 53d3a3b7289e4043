FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_SETTINGS_MODULE=iro_service.settings.production SECRET_KEY=collectstatic-only \
    DATABASE_URL=sqlite:////tmp/x.sqlite3 ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
RUN useradd --create-home app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "iro_service.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
