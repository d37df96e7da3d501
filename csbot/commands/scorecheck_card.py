"""The `/cs scorecheck` card: the score audit in Slack, with the ROC chart.

Group names come from imports, so every one is escaped; Block Kit is validated by `Card`.
"""

from __future__ import annotations

from csbot.commands.scorecheck import (
    FEW_WARNING,
    Checked,
    auc_text,
    flag_text,
    headline,
    missed_names,
    separation_text,
)
from csbot.slack import blockkit as bk
from csbot.slack.ids import BlockId
from csbot.slack.message import Card
from csbot.slack.render import ChartSpec

__all__ = ["scorecheck_card"]

FACTORS_SHOWN = 5


def _flags(checked: Checked) -> list[bk.Block]:
    blocks = []
    for n, flag in enumerate((checked.audit.attention, checked.audit.high_risk)):
        text = f"*{bk.escape(flag_text(flag))}*"
        missed = missed_names(flag)
        if missed:
            text += f"\nChurned but not flagged ({len(flag.missed)}): " + bk.escape(
                ", ".join(missed)
            )
        blocks.append(bk.section(text, block_id=f"{BlockId.STATUS.value}_flag{n}"))
    return blocks


def _separation(checked: Checked) -> bk.Block:
    found = checked.audit
    parts = "\n".join(f"• {separation_text(s)}" for s in found.components)
    factors = "\n".join(f"• {separation_text(s, percent=True)}"
                        for s in found.factors[:FACTORS_SHOWN])  # fmt: skip
    text = (f"*Components* (mean before the renewal; AUC of lower values)\n{parts}\n"
            f"*Risk factors that told most* (share where it fired)\n{factors}")  # fmt: skip
    return bk.section(bk.escape(text), block_id=f"{BlockId.CONTEXT.value}_parts")


def scorecheck_card(checked: Checked) -> Card:
    """The audit: headline, AUCs, the two flags with the churns they missed, what separated."""
    found = checked.audit
    blocks: list[bk.Block] = [
        bk.header(f"Score check · {found.horizon_days} days before renewal",
                  block_id=BlockId.HEADER.value),
        bk.section(bk.escape(headline(checked)), block_id=BlockId.HEADLINE.value),
    ]  # fmt: skip
    text = f"Score check: {found.cases} renewals, {found.churns} churned"
    if not found.cases:
        return Card(text=text, head=tuple(blocks))
    if found.few_churns:
        blocks.append(
            bk.context(f":warning: {FEW_WARNING}", block_id=f"{BlockId.STATUS.value}_few")
        )
    blocks += bk.field_sections([("Health score AUC", auc_text(found.health)),
                                 ("Band AUC", auc_text(found.band)),
                                 ("Churn risk AUC", auc_text(found.churn_risk))],
                                block_id=BlockId.FACTS.value)  # fmt: skip
    blocks += _flags(checked)
    curves = [list(c) for c in found.curves]
    alt = (f"ROC curves of health (AUC {auc_text(found.health)}) and churn risk "
           f"(AUC {auc_text(found.churn_risk)}) against {found.churns} churns")  # fmt: skip
    chart = ChartSpec("roc_curves", {"curves": curves}, alt_text=alt, title="Score check")
    tail = (_separation(checked), bk.context(
        "`csbot backtest --suggest FILE` fits weights to these outcomes and tests them on the "
        "later renewals.", block_id=BlockId.CONTEXT.value))  # fmt: skip
    return Card(text=text, head=tuple(blocks), tail=tail, chart=chart)
