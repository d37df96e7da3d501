"""Load a person's portfolio and publish their App Home (`views.publish`).

The view goes out as soon as the numbers are scored; the portfolio charts follow in a second
publish once rendered and uploaded (privately, as card charts are). Uploaded charts are kept
by content in `ChartFiles`, so opening Home again with unchanged numbers publishes once, with
the charts, and uploads nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from csbot.commands.card import DEFAULT_WINDOW_DAYS
from csbot.commands.renewals import HOME_RENEWAL_DAYS, renewal_rows
from csbot.errors import CsbotError
from csbot.home.model import AlertLine, MeetingLine, OnboardingLine, Portfolio
from csbot.home.view import MAX_ALERTS, MAX_LINES, home_charts, home_view
from csbot.scoring import score_groups
from csbot.scoring.inputs import GroupInputs
from csbot.scoring.trend import mean_health_trend
from csbot.scoring.types import Band, GroupScore
from csbot.services import Services, today
from csbot.slack import blockkit as bk
from csbot.slack.permissions import Action, Role, role_of
from csbot.slack.render import ChartSpec, render_png
from csbot.slack.slackwords import apology, logged_failure, notice
from csbot.store.db import transaction
from csbot.store.loading import load_scoring_inputs
from csbot.store.portfolio import (
    MeetingRow,
    OpenAlert,
    TrendPoint,
    meetings_between,
    open_alerts,
    owned_group_ids,
    portfolio_trend,
)

__all__ = ["ChartFiles", "load_portfolio", "publish_home"]

log = logging.getLogger(__name__)

FILE_RETRY_WAITS = (0.25, 0.5, 1.0)
MEETINGS_AHEAD = timedelta(days=7)
Sleep = Callable[[float], None]


class ChartFiles:
    """Uploaded chart file ids by chart content (name and arguments); thread-safe, bounded."""

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._files: OrderedDict[str, str] = OrderedDict()

    @staticmethod
    def key(spec: ChartSpec) -> str:
        text = json.dumps([spec.name, spec.kwargs], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def get(self, spec: ChartSpec) -> str | None:
        with self._lock:
            found = self._files.get(self.key(spec))
            if found is not None:
                self._files.move_to_end(self.key(spec))
            return found

    def put(self, spec: ChartSpec, file_id: str) -> None:
        with self._lock:
            self._files[self.key(spec)] = file_id
            while len(self._files) > self.capacity:
                self._files.popitem(last=False)


def _onboarding(
    scores: dict[int, GroupScore], inputs: dict[int, GroupInputs]
) -> list[OnboardingLine]:
    lines = [
        OnboardingLine(
            gid,
            i.profile.name,
            i.profile.onboarding_phase or "",
            i.onboarding.done,
            i.onboarding.total,
            i.onboarding.overdue,
        )
        for gid, i in inputs.items()
        if i.profile.onboarding_phase and gid in scores
    ]
    return sorted(lines, key=lambda o: (-o.overdue, o.done / max(o.total, 1), o.group))


@dataclass(frozen=True)
class _HomeRows:
    """What Home reads from the store, in one transaction: an owner's groups, or all."""

    group_ids: list[int] | None  # None: every group
    inputs: dict[int, GroupInputs]
    alerts: list[OpenAlert]
    alerts_total: int
    meetings: list[MeetingRow]
    meetings_total: int
    trend: list[TrendPoint]

    @classmethod
    def load(
        cls, services: Services, owner: str | None, *, as_of: date, now: datetime, days: int
    ) -> _HomeRows:
        rules = services.scoring.factors
        with transaction(services.sessions) as session:
            ids = None if owner is None else owned_group_ids(session, owner=owner)
            inputs = load_scoring_inputs(
                session, as_of=as_of, window_days=days, group_ids=ids, rules=rules
            )
            alerts, alerts_total = open_alerts(session, group_ids=ids, limit=MAX_ALERTS)
            meetings, meetings_total = meetings_between(
                session, group_ids=ids, start=now, end=now + MEETINGS_AHEAD, limit=MAX_LINES
            )
            trend = portfolio_trend(session, group_ids=ids, window_days=days, as_of=as_of)
        return cls(ids, inputs, alerts, alerts_total, meetings, meetings_total, trend)


def _alert_line(alert: OpenAlert) -> AlertLine:
    from_band = Band(alert.from_band) if alert.from_band else None
    return AlertLine(
        alert.id, alert.group_id, alert.group, from_band, Band(alert.to_band), alert.day
    )


def load_portfolio(
    services: Services,
    *,
    user_id: str,
    role: Role,
    as_of: date,
    now: datetime,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> Portfolio:
    """A CSM's own groups (every group for leads and admins), scored, with what Home lists.

    A CSM's Home lists only their own groups' alerts, which they may acknowledge as its CSM."""
    everyone = role.covers(Role.LEAD)
    rows = _HomeRows.load(
        services, None if everyone else user_id, as_of=as_of, now=now, days=window_days
    )
    inputs, ids = rows.inputs, rows.group_ids
    scores = score_groups(inputs, services.scoring)
    points = mean_health_trend(((t.day, t.mean_score) for t in rows.trend), scores.values(), as_of)
    return Portfolio(
        user_id=user_id,
        scores=tuple(scores.values()),
        as_of=as_of,
        computed_at=now,
        window_days=window_days,
        everyone=everyone,
        can_export=role.covers(Action.EXPORT_PORTFOLIO.needs),
        can_acknowledge=everyone or bool(ids),
        role=role,
        workspace_admin=role is Role.ADMIN and not services.settings.admin_ids,
        alerts=tuple(_alert_line(a) for a in rows.alerts),
        alerts_total=rows.alerts_total,
        meetings=tuple(
            MeetingLine(m.group_id, m.group, m.title, m.at, m.minutes) for m in rows.meetings
        ),
        meetings_total=rows.meetings_total,
        onboarding=tuple(_onboarding(scores, inputs)),
        renewals=tuple(renewal_rows(inputs, scores, as_of=as_of, days=HOME_RENEWAL_DAYS)),
        trend=tuple(points),
        bands=services.scoring.bands,
    )


def _upload(services: Services, spec: ChartSpec) -> str | None:
    """Render and upload one chart privately (no channel); None when either fails."""
    png = render_png(services.renderer, spec)
    if png is None:
        return None
    try:
        uploaded = services.client.files_upload_v2(
            content=png,
            filename=f"csbot-home-{spec.name}.png",
            title=spec.title or spec.name,
            alt_txt=bk.truncate(spec.alt_text, 1000),
        )
    except (SlackClientError, OSError) as exc:
        log.warning("home chart upload failed: %s", exc.__class__.__name__)
        return None
    except Exception:
        log.exception("home chart %s failed to upload", spec.name)
        return None
    return str(uploaded["file"]["id"])


def _publish(services: Services, user_id: str, view: dict[str, Any]) -> None:
    services.client.views_publish(user_id=user_id, view=view)


def _publish_with_charts(
    services: Services,
    portfolio: Portfolio,
    files: Sequence[tuple[ChartSpec, str]],
    sleep: Sleep,
) -> None:
    """Publish again with the charts; Slack may not know a just-uploaded file for a moment."""
    view = home_view(portfolio, tz=services.settings.tz, chart_files=files)
    waits = list(FILE_RETRY_WAITS)
    while True:
        try:
            _publish(services, portfolio.user_id, view)
            return
        except SlackApiError as exc:
            if exc.response.get("error") != "invalid_blocks" or not waits:
                log.warning("home charts not shown: %s", exc.response.get("error"))
                return
            sleep(waits.pop(0))


def publish_home(
    services: Services,
    user_id: str,
    *,
    charts: ChartFiles | None = None,
    sleep: Sleep = time.sleep,
) -> Portfolio | None:
    """Publish the person's App Home: numbers first, charts as soon as they are uploaded.

    Returns what was shown (None when Home could only show an error).
    """
    try:
        role = role_of(services, user_id)
        portfolio = load_portfolio(
            services, user_id=user_id, role=role, as_of=today(services), now=services.clock()
        )
        specs = home_charts(portfolio)
        charts = charts if charts is not None else ChartFiles()
        known = [(s, f) for s in specs if (f := charts.get(s)) is not None]
        _publish(
            services, user_id, home_view(portfolio, tz=services.settings.tz, chart_files=known)
        )
    except CsbotError as exc:
        _publish_error(services, user_id, notice(":warning:", exc.message))
        return None
    if len(known) < len(specs):
        files = _with_uploads(services, specs, charts)
        if len(files) > len(known):
            _publish_with_charts(services, portfolio, files, sleep)
    return portfolio


def _with_uploads(
    services: Services, specs: Sequence[ChartSpec], charts: ChartFiles
) -> list[tuple[ChartSpec, str]]:
    files = []
    for spec in specs:
        file_id = charts.get(spec) or _upload(services, spec)
        if file_id is not None:
            charts.put(spec, file_id)
            files.append((spec, file_id))
    return files


def _publish_error(services: Services, user_id: str, text: str) -> None:
    view = {"type": "home", "blocks": [bk.section(text, block_id="home_error")]}
    try:
        _publish(services, user_id, view)
    except SlackClientError as exc:
        log.warning("could not publish the home error: %s", exc.__class__.__name__)


def home_job(services: Services, user_id: str, charts: ChartFiles) -> Callable[[], None]:
    """The work-queue job behind app_home_opened and Refresh; failures show on Home."""

    def job() -> None:
        try:
            publish_home(services, user_id, charts=charts)
        except SlackClientError as exc:
            log.warning("views.publish failed: %s", exc.__class__.__name__)
        except Exception as exc:
            error_id = logged_failure(log, "home", exc, user=user_id)
            _publish_error(services, user_id, apology(error_id))

    return job
