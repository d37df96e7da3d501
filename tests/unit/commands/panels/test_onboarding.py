"""The onboarding panel: progress by phase, training modules, next steps, overdue items."""

from __future__ import annotations

from dataclasses import replace

from panel_fixtures import TASKS, acme, all_text, blocks, brand_new, chart_png, facts, score
from panel_fixtures import section as section_of
from syrupy.assertion import SnapshotAssertion

from csbot.commands.panels import onboarding
from csbot.commands.panels.base import Panel


def test_headline_and_facts() -> None:
    view = onboarding.build(acme(), score(acme()))
    assert view.headline == (
        "*67% of onboarding done* · in Training · 1 item overdue · go-live 20 Apr (in 20 days)"
    )
    got = facts(view)
    assert got["Done"] == "4 of 6 (67%)"
    assert got["Phases complete"] == "2 of 4"
    assert got["Training modules"] == "2 of 3"
    assert got["Last completed"] == "12 Mar (19 days ago)"


def test_phases_modules_and_next_steps() -> None:
    view = onboarding.build(acme(), score(acme()))
    assert section_of(view, "Phases").splitlines() == [
        "✓ Kickoff: 1 of 1 (100%)",
        "✓ Setup: 1 of 1 (100%)",
        "▶ Training: 2 of 3 (67%) · 1 overdue · current phase",
        "○ Go-live: 0 of 1 (0%)",
    ]
    assert section_of(view, "Training modules").splitlines()[-1] == (
        "○ Reports and exports · due 20 Mar"
    )
    assert section_of(view, "Next steps").splitlines() == [
        "• Reports and exports · Training · Ana Diaz · *11 days overdue*",
        "• Cut over claims · Go-live · Cara Lin · due 15 Apr",
    ]
    assert view.actions == (
        "Agree a new date for “Reports and exports” with Ana Diaz (11 days overdue)",
        "Hold a go-live readiness check: 2 items open, go-live in 20 days",
    )


def test_chart_is_the_share_done_per_phase_and_renders() -> None:
    view = onboarding.build(acme(), score(acme()))
    assert view.chart is not None and view.chart.name == "onboarding_progress"
    assert view.chart.kwargs["phases"] == ["Kickoff", "Setup", "Training", "Go-live"]
    assert [round(p) for p in view.chart.kwargs["percent_done"]] == [100, 100, 67, 0]
    assert view.chart.alt_text.endswith("Kickoff 100%, Setup 100%, Training 67%, Go-live 0%")
    chart_png(view)


def test_a_finished_onboarding_says_so() -> None:
    done = tuple(replace(x, done_at=x.done_at or TASKS[0].done_at) for x in TASKS)
    view = onboarding.build(acme(tasks=done), score(acme()))
    assert view.headline == "*Onboarding complete* · 6 items done"
    assert view.actions == ()


def test_card_frames_and_matches_the_snapshot(snapshot: SnapshotAssertion) -> None:
    out = blocks(Panel.ONBOARDING, onboarding.build(acme(), score(acme())), score(acme()))
    assert "*Training modules*\n2 of 3" in all_text(out)
    assert out == snapshot


def test_a_group_without_a_plan_is_asked_for_one() -> None:
    data = brand_new()
    view = onboarding.build(data, score(data))
    assert view.headline == "No onboarding plan on record"
    assert view.chart is None
    assert view.sections == (
        ("Progress", "No onboarding tasks or training modules on record yet."),
    )
    assert view.actions == ("Set up the onboarding plan: phases, tasks, owners and a go-live date",)
    assert facts(view) == {"Go-live": "not set"}
    blocks(Panel.ONBOARDING, view, score(data))
