"""The composition root: builds csbot's Bolt app and its services; runs it over HTTP or Socket Mode.

Nothing here runs at import time. Surfaces (commands, App Home, modals, alerts) attach their
listeners in `_register_surfaces`; extra HTTP routes (webhooks) attach in `_register_routes`.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from csbot import webhooks
from csbot.alerts import listeners as alert_listeners
from csbot.commands import slash
from csbot.config import Settings
from csbot.errors import ConfigError, CsbotError
from csbot.exports import listeners as export_listeners
from csbot.exports.jobs import submit_export
from csbot.home import listeners as home_listeners
from csbot.lifecycle import Shutdown, Terminated, leave_within, require_credentials
from csbot.modals import listeners as modals
from csbot.modals import outcome as outcome_modal
from csbot.modals.listeners import open_log_modal
from csbot.scheduler import AlertScheduler
from csbot.scoring.config import load_scoring_config
from csbot.server import DRAIN_SECONDS, HttpLimits, HttpServer
from csbot.services import Clock, Services, utc_now
from csbot.slack import endpoint as slack_http
from csbot.slack import errorhandler
from csbot.slack.render import ProcessRenderer, make_renderer
from csbot.slack.webclient import make_web_client
from csbot.slack.workqueue import WorkQueue
from csbot.store.db import (
    DatabaseEngine,
    check_connection,
    describe_url,
    make_engine,
    session_factory,
    upgrade,
)
from csbot.web import Router, health_endpoint

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
LISTENER_THREADS = 8
RENDER_STOP_SECONDS = 1.0
"""Of the shutdown grace, what is kept for the render workers to stop (killed if still busy)."""


@dataclass(frozen=True)
class Runtime:
    """The built app plus what the HTTP edge and tests need to reach; `close()` frees it."""

    app: App
    services: Services
    engine: DatabaseEngine
    listener_pool: ThreadPoolExecutor
    scheduler: AlertScheduler | None = None  # None with CSBOT_SCHEDULER=false

    def start(self) -> None:
        """Start and warm the chart render workers, so the first card is as fast as the rest;
        then the daily and digest jobs (catching up a daily run missed while down)."""
        if isinstance(self.services.renderer, ProcessRenderer):
            self.services.renderer.start()
        if self.scheduler is not None:
            self.scheduler.start()

    def close(self) -> None:
        """Finish everything taken (tests, and errors before serving)."""
        if self.scheduler is not None:
            self.scheduler.close()
        self.listener_pool.shutdown(wait=True, cancel_futures=True)
        self.services.close()
        self.engine.dispose()

    def stop(self, grace: float) -> None:
        """Stop within `grace` seconds (SIGTERM): no new scheduled runs; answers still queued
        are dropped and their people told csbot is restarting; running ones get most of the
        grace (then their people are told too); the render workers stop, killed if need be."""
        deadline = time.monotonic() + grace
        log.info("shutting down", extra={"grace_seconds": round(grace, 1)})
        if self.scheduler is not None:
            self.scheduler.stop()
        self.listener_pool.shutdown(wait=False, cancel_futures=True)
        self.services.work.stop(max(0.0, grace - RENDER_STOP_SECONDS))
        renderer = self.services.renderer
        if isinstance(renderer, ProcessRenderer):
            renderer.close(timeout=max(0.0, deadline - time.monotonic()))
        else:
            renderer.close()
        self.engine.dispose()


def create_app(
    settings: Settings,
    *,
    engine: DatabaseEngine | None = None,
    client: WebClient | None = None,
    clock: Clock | None = None,
) -> App:
    """The Bolt app with every listener registered. Calls `auth.test` once to check the token."""
    return build_runtime(settings, engine=engine, client=client, clock=clock).app


def build_runtime(
    settings: Settings,
    *,
    engine: DatabaseEngine | None = None,
    client: WebClient | None = None,
    clock: Clock | None = None,
) -> Runtime:
    engine = engine if engine is not None else make_engine(settings.database_url)
    client = client if client is not None else make_web_client(settings)
    services = Services(
        settings=settings,
        sessions=session_factory(engine),
        client=client,
        clock=clock or utc_now,
        work=WorkQueue(workers=settings.work_workers, capacity=settings.work_queue),
        renderer=make_renderer(settings),  # processes start on first use or Runtime.start()
        scoring=load_scoring_config(settings.scoring_config),
    )
    pool = ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="csbot-listener")
    try:
        app = _bolt_app(settings, client, pool)
    except BaseException:
        services.close()
        raise
    _register_surfaces(app, services)
    scheduler = AlertScheduler(services) if settings.scheduler else None
    return Runtime(
        app=app, services=services, engine=engine, listener_pool=pool, scheduler=scheduler
    )


class _SameToken(logging.Filter):
    """Drops Bolt's start-up warning that `token` is unused beside `client`: Bolt reads
    SLACK_BOT_TOKEN from the environment itself, and csbot's client was made with that very
    token, so the warning would greet every start of a correctly set-up app."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("As you gave `client` as well")


BOLT_LOGGER = logging.getLogger("csbot.bolt")
BOLT_LOGGER.addFilter(_SameToken())


def _bolt_app(settings: Settings, client: WebClient, pool: ThreadPoolExecutor) -> App:
    secret = settings.slack_signing_secret
    try:
        return App(
            name="csbot",
            client=client,
            signing_secret=secret.get_secret_value() if secret else "",
            process_before_response=False,
            listener_executor=pool,
            logger=BOLT_LOGGER,
        )
    except BoltError as exc:
        pool.shutdown(wait=False)
        raise ConfigError(_auth_failure(exc)) from None
    except (SlackClientError, OSError) as exc:
        pool.shutdown(wait=False)
        raise CsbotError(
            f"cannot reach Slack at {settings.slack_api_url} ({exc.__class__.__name__}); "
            "check the network, or CSBOT_SLACK_API_URL if you changed it"
        ) from None


def _auth_failure(exc: BoltError) -> str:
    cause = exc.__context__
    if isinstance(cause, SlackApiError):
        error = cause.response.get("error", "unknown_error")
        return (
            f"Slack rejected SLACK_BOT_TOKEN ({error}); copy the Bot User OAuth Token (xoxb-...) "
            "from your Slack app's OAuth & Permissions page"
        )
    return f"cannot build the Slack app: {exc}"


def _register_surfaces(app: App, services: Services) -> None:
    """Each Slack surface wires its listeners here with `register(app, services)`.

    The `/cs` command, its buttons and selects (block_actions, block_suggestion) live in
    `csbot/commands`, which hands `/cs log` to `csbot/modals` (view_submission, the
    `log_cs_note` message shortcut) and `/cs export` to `csbot/exports` (the Export buttons);
    `app_home_opened` in `csbot/home`; alert buttons in `csbot/alerts`. URL verification and
    SSL checks are Bolt's own. Any listener's unexpected error gets a short apology with an
    error id.
    """
    errorhandler.register(app)
    slash.register(app, services, open_log=open_log_modal, submit_export=submit_export)
    modals.register(app, services)
    outcome_modal.register(app, services)
    home_listeners.register(app, services)
    export_listeners.register(app, services)
    alert_listeners.register(app, services)


def _register_routes(router: Router, services: Services) -> None:
    """HTTP routes beyond Slack's and the health check: `POST /webhooks/{kind}` (if a secret)."""
    webhooks.register(router, services)


def http_router(runtime: Runtime) -> Router:
    """`POST /slack/events` (every Slack request), `GET /healthz`, then `_register_routes`."""
    router = Router()
    secret = runtime.services.settings.slack_signing_secret
    assert secret is not None  # require_credentials(http=True) checked it
    slack = slack_http.slack_endpoint(runtime.app, secret=secret.get_secret_value())
    router.add("POST", SLACK_PATH, slack)
    router.add("GET", "/healthz", health_endpoint(lambda: check_connection(runtime.engine)))
    _register_routes(router, runtime.services)
    return router


def http_limits(settings: Settings) -> HttpLimits:
    """The HTTP server's limits from CSBOT_HTTP_THREADS, _CONNECTIONS, _IDLE_TIMEOUT, _MAX_BODY."""
    return HttpLimits(
        threads=settings.http_threads,
        connections=settings.http_connections,
        idle_timeout=settings.http_idle_timeout,
        max_body=settings.http_max_body,
    )


def prepare_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """Bring the database schema to head, then build the app: what `csbot run` does first."""
    engine = make_engine(settings.database_url)
    upgrade(engine)
    log.info("database ready at %s", describe_url(settings.database_url))
    try:
        return build_runtime(settings, engine=engine, clock=clock)
    except BaseException:
        engine.dispose()
        raise


def http_server(
    settings: Settings, *, host: str, port: int, clock: Clock | None = None
) -> tuple[HttpServer, Runtime]:
    """The HTTP server `csbot run --http` serves (port 0 picks a free one); tests run it too."""
    require_credentials(settings, http=True)
    runtime = prepare_runtime(settings, clock=clock)
    try:
        server = HttpServer(
            http_router(runtime), host=host, port=port, limits=http_limits(settings)
        )
        return server, runtime
    except OSError as exc:
        runtime.close()
        raise CsbotError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def run(settings: Settings, *, http: bool, port: int, host: str) -> int:
    """`csbot run`: HTTP with `http`, else Socket Mode. Returns the exit code.

    SIGTERM (or Ctrl-C) stops it within CSBOT_SHUTDOWN_GRACE: it stops taking requests at
    once, finishes what it can (`Runtime.stop`) and exits; a second signal exits at once.
    """
    require_credentials(settings, http=http)
    if not http:
        return _run_socket_mode(settings)
    server, runtime = http_server(settings, host=host, port=port)
    log.info("serving Slack requests at http://%s:%d%s", server.host, server.port, SLACK_PATH)
    shutdown = Shutdown(settings.shutdown_grace, server.stop)
    try:
        with shutdown.signals():
            runtime.start()
            server.serve_forever(drain=min(DRAIN_SECONDS, shutdown.grace / 2))
    finally:
        runtime.stop(shutdown.remaining())
    leave_within(shutdown.remaining())
    return 0


def _terminate() -> None:
    raise Terminated(0)


def _run_socket_mode(settings: Settings) -> int:
    assert settings.slack_app_token is not None
    runtime = prepare_runtime(settings)
    handler = SocketModeHandler(runtime.app, app_token=settings.slack_app_token.get_secret_value())
    shutdown = Shutdown(settings.shutdown_grace, _terminate)
    try:
        with shutdown.signals():
            runtime.start()
            _connect(handler)
            log.info("connected to Slack over Socket Mode")
            threading.Event().wait()
    except Terminated:
        log.info("stopping on a signal")
    finally:
        handler.close()  # type: ignore[no-untyped-call]
        runtime.stop(shutdown.remaining())
    leave_within(shutdown.remaining())
    return 0


def _connect(handler: SocketModeHandler) -> None:
    try:
        handler.connect()  # type: ignore[no-untyped-call]
    except SlackApiError as exc:
        error = exc.response.get("error", "unknown_error")
        raise ConfigError(
            f"Slack refused the Socket Mode connection ({error}); check SLACK_APP_TOKEN is the "
            "app-level token (xapp-...) with the connections:write scope and that Socket Mode "
            "is enabled for the app"
        ) from None
