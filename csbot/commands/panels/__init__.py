"""Which builder draws which panel: one module per panel, each with `build(data, score)`.

Builders are pure (csbot.commands.panels.base explains the contract); the card frame
(csbot.commands.card) puts the same header, controls and context around each.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from csbot.commands.grammar import Panel
from csbot.commands.panels.base import ChartSpec, Fact, PanelView
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.types import GroupScore

__all__ = ["ChartSpec", "Fact", "PanelBuilder", "PanelView", "build_panel", "builder_for"]

PanelBuilder = Callable[[PanelData, GroupScore], PanelView]


def builder_for(panel: Panel) -> PanelBuilder | None:
    """The `build` function of `csbot.commands.panels.<panel>`, or None if there is none yet."""
    try:
        module = importlib.import_module(f"{__name__}.{panel.value}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{panel.value}":
            raise
        return None
    builder: PanelBuilder = module.build
    return builder


def build_panel(panel: Panel, data: PanelData, score: GroupScore) -> PanelView:
    """The panel's view; a short note for a panel that is not built yet."""
    builder = builder_for(panel)
    if builder is None:
        return PanelView(
            title=panel.label,
            headline="",
            sections=(("", f"The {panel.label} panel is not available yet."),),
        )
    return builder(data, score)
