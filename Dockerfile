FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-thai-tlwg curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --system --home /app pea && mkdir -p /srv/pea/private /srv/pea/static \
 && chown -R pea /srv/pea
USER pea
RUN SECRET_KEY=build-only STATIC_ROOT=/srv/pea/static python manage.py compilemessages_py \
 && SECRET_KEY=build-only STATIC_ROOT=/srv/pea/static python manage.py collectstatic --no-input
EXPOSE 8000
CMD ["gunicorn", "-c", "pea_portal/gunicorn_conf.py", "pea_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
