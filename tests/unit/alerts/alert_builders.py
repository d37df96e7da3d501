"""Shared builders of the alert card tests: a falling group's score and a card's visible text."""

from __future__ import annotations

from dataclasses import replace

from csbot.scoring import GroupScore, score_group
from csbot.scoring.config import default_config
from csbot.slack import blockkit as bk
from tests.unit.scoring.scoring_builders import STEADY_USAGE, steady


def falling_score(name: str) -> GroupScore:
    """A group called `name` whose billing and documents fell by half: Needs Attention."""
    worse = replace(STEADY_USAGE, patients_billable=400, documents=300, active_users=120)
    inputs = steady(usage=worse)
    return score_group(
        replace(inputs, profile=replace(inputs.profile, name=name)), default_config()
    )


def blocks_text(blocks: list[bk.Block]) -> str:
    """Every text a person reads in `blocks`: sections, fields and context elements."""
    parts = []
    for block in blocks:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts.extend(f["text"] for f in block.get("fields", []))
        parts.extend(e.get("text", "") for e in block.get("elements", []) if "type" in e)
    return "\n".join(str(p) for p in parts)
