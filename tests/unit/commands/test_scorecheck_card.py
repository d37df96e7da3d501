"""The `/cs scorecheck` card: valid Block Kit, and imported group names never read as mrkdwn."""

from __future__ import annotations

from datetime import date

from csbot.commands.scorecheck import Checked
from csbot.commands.scorecheck_card import scorecheck_card
from csbot.scoring.audit import AuditCase, audit
from csbot.scoring.types import Band, RiskLevel
from csbot.store.outcomes import Cases

HOSTILE = "<!channel> *Acme* & <https://evil.example|Co>"


def _case(group: str, churned: bool, score: float) -> AuditCase:
    band = Band.EXCELLENT if score >= 80 else Band.CRITICAL
    return AuditCase(group, date(2025, 1, 1), churned, score, (score, score, score), band,
                     0.0, RiskLevel.LOW, frozenset())  # fmt: skip


def test_a_churned_healthy_group_with_a_hostile_name_is_named_escaped() -> None:
    cases = (_case(HOSTILE, True, 90), _case("B", True, 20), _case("C", False, 85))
    checked = Checked(audit(cases, horizon_days=60), Cases(cases, 2, date(2025, 1, 1),
                                                             date(2025, 1, 1)))  # fmt: skip
    card = scorecheck_card(checked)
    blocks = card.blocks(chart_file_id="F1")  # validated against slack-sdk's models and limits
    flag = next(b for b in blocks if b.get("block_id") == "status_flag0")["text"]["text"]
    assert flag.endswith(
        "Churned but not flagged (1): &lt;!channel&gt; *Acme* &amp; "
        "&lt;https://evil.example|Co&gt; (2025-01-01)"
    )
    assert "<!channel>" not in str(blocks) and card.chart is not None
    assert blocks[0]["text"]["text"] == "Score check · 60 days before renewal"
