# csbot: `docker build -t csbot .` then see README (Docker) for running it.
# Build stage: install csbot and its dependencies (all wheels, no compiler) into a venv.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY csbot ./csbot
RUN python -m venv /opt/venv && /opt/venv/bin/pip install .

# Run stage: the venv only, as an unprivileged user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    CSBOT_DATABASE_URL=sqlite:////data/csbot.sqlite3
RUN useradd --system --uid 10001 --user-group --home-dir /data --create-home csbot
COPY --from=build /opt/venv /opt/venv
USER csbot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4)"]
# HTTP mode. For Socket Mode: `docker run --no-healthcheck -e SLACK_APP_TOKEN=... csbot csbot run`
CMD ["csbot", "run", "--http", "--port", "3000"]
