"""What runs on csbot's work queue after a listener acked: answer, render the chart, deliver.

Every job tells the person how it ended: the card, a picker, did-you-mean, a plain-words
reason (CsbotError), or an apology with an error id (anything else, logged with that id).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from csbot.commands.card import CardState
from csbot.commands.grammar import ListRequest, PanelRequest, RenewalsRequest, ScorecheckRequest
from csbot.commands.listing import ListState
from csbot.commands.pipeline import CardResult, answer, show, show_list, show_renewals
from csbot.commands.renewals import RenewalsState
from csbot.errors import CsbotError
from csbot.services import Services, today
from csbot.slack.delivery import Delivered, Delivery, Where
from csbot.slack.render import render_png
from csbot.slack.slackwords import apology, logged_failure, notice

__all__ = ["CardJobs"]

log = logging.getLogger(__name__)

Job = Callable[[], None]


class CardJobs:
    """The jobs behind `/cs` and its controls; each method returns a job for the work queue."""

    def __init__(self, services: Services, delivery: Delivery | None = None) -> None:
        self.services = services
        self.delivery = delivery or Delivery(services.client)

    def command(
        self,
        request: PanelRequest | ListRequest | RenewalsRequest | ScorecheckRequest,
        where: Where,
    ) -> Job:
        """A typed `/cs`: a new card where it was typed (pickers only to the person)."""

        def job() -> None:
            with self._guard(where, "command"):
                day = self._today()
                result = answer(self.services, request, user_id=where.user_id, as_of=day)
                self._send(result, where)

        return job

    def redraw(self, state: CardState, where: Where) -> Job:
        """A panel button, window or group choice: the same message, redrawn in place."""

        def job() -> None:
            with self._guard(where, "redraw"):
                result = show(self.services, state, as_of=self._today())
                self._send(result, where, in_place=True)

        return job

    def open(self, state: CardState, where: Where, *, dismiss: bool = False) -> Job:
        """A list's Open button or a picker's choice: a new card (the picker then goes)."""

        def job() -> None:
            with self._guard(where, "open"):
                result = show(self.services, state, as_of=self._today())
                sent = self._send(result, where)
                if dismiss and sent.via != "failed":
                    self.delivery.dismiss(where)

        return job

    def relist(self, state: ListState, where: Where) -> Job:
        """The list's band filter: the list redrawn in place."""

        def job() -> None:
            with self._guard(where, "relist"):
                result = show_list(self.services, state, as_of=self._today())
                self._send(result, where, in_place=True)

        return job

    def rerenewals(self, state: RenewalsState, where: Where) -> Job:
        """The renewals card's horizon select: the card redrawn in place."""

        def job() -> None:
            with self._guard(where, "renewals"):
                result = show_renewals(self.services, state, as_of=self._today())
                self._send(result, where, in_place=True)

        return job

    # -----------------------------------------------------------------------------------------
    def _today(self) -> date:
        return today(self.services)

    def _send(self, result: CardResult, where: Where, *, in_place: bool = False) -> Delivered:
        card = result.card
        if result.personal:
            return self.delivery.tell(where, card.text, card.blocks())
        png = render_png(self.services.renderer, card.chart)
        if in_place:
            return self.delivery.redraw(card, png, where, filename=result.filename)
        return self.delivery.post(card, png, where, filename=result.filename)

    @contextmanager
    def _guard(self, where: Where, label: str) -> Iterator[None]:
        try:
            yield
        except CsbotError as exc:
            self.delivery.tell(where, notice(":warning:", exc.message))
        except Exception as exc:
            context = {"user": where.user_id, "channel": where.channel}
            error_id = logged_failure(log, f"{label} job", exc, **context)
            self.delivery.tell(where, apology(error_id))
