"""A message ready to send: text, blocks and at most one chart, which goes between the head
and the tail once it has a Slack file id. Every surface builds one; `csbot.slack.delivery` sends it.
"""

from __future__ import annotations

from dataclasses import dataclass

from csbot.slack import blockkit as bk
from csbot.slack.ids import BlockId
from csbot.slack.render import ChartSpec

__all__ = ["Card"]


@dataclass(frozen=True)
class Card:
    """A message ready to send, once the chart (if any) has a Slack file id."""

    text: str  # the notification fallback
    head: tuple[bk.Block, ...]
    tail: tuple[bk.Block, ...] = ()
    chart: ChartSpec | None = None

    def blocks(self, *, chart_file_id: str | None = None) -> list[bk.Block]:
        """The blocks, with the chart between head and tail when it has been uploaded.

        Validated against slack-sdk's models and Slack's limits: a card Slack would reject
        fails here, naming the block, not in a channel.
        """
        middle: list[bk.Block] = []
        if chart_file_id and self.chart is not None:
            middle.append(
                bk.image(
                    self.chart.alt_text,
                    slack_file_id=chart_file_id,
                    title=self.chart.title or None,
                    block_id=f"{BlockId.CHART}.{chart_file_id}",
                )
            )
        blocks = [*self.head, *middle, *self.tail]
        bk.validate_message(self.text, blocks)
        return blocks
