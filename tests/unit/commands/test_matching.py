"""Group matching: exact wins, then every word contained (any case or accent), else did-you-mean."""

from __future__ import annotations

from csbot.commands.matching import Ambiguous, Matched, NoMatch, match_groups
from csbot.store.records import GroupName, fold

GROUPS = [
    GroupName(1, "Acme Family Medicine", "acme-family-medicine", ("AFM",)),
    GroupName(2, "Acme Pediatrics", "acme-pediatrics"),
    GroupName(3, "Zürich Pädiatrie", "zurich-padiatrie"),
    GroupName(4, "Lakeside Cardiology", "lakeside-cardiology", ("LSC", "Lakeside Heart")),
    GroupName(5, "Acme", "acme"),
    GroupName(6, "Northwind Orthopedics", "northwind-ortho"),
    GroupName(7, "St. Mary's Dermatology", "st-marys-derm"),
]


def names(result: Ambiguous | NoMatch) -> list[str]:
    groups = result.groups if isinstance(result, Ambiguous) else result.suggestions
    return [g.name for g in groups]


def test_fold_drops_case_accents_and_punctuation() -> None:
    assert fold("  Zürich-Pädiatrie ") == "zurich padiatrie"
    assert fold("STRAßE") == "strasse"
    assert fold("St. Mary\u2019s") == "st mary s"


def test_exact_name_wins_over_longer_names_containing_it() -> None:
    assert match_groups("acme", GROUPS) == Matched(GROUPS[4])


def test_exact_slug_or_alias_matches() -> None:
    assert match_groups("acme-pediatrics", GROUPS) == Matched(GROUPS[1])
    assert match_groups("afm", GROUPS) == Matched(GROUPS[0])
    assert match_groups("Lakeside Heart", GROUPS) == Matched(GROUPS[3])


def test_all_words_contained_in_any_order_and_case() -> None:
    assert match_groups("FAMILY acme", GROUPS) == Matched(GROUPS[0])
    assert match_groups("ortho", GROUPS) == Matched(GROUPS[5])


def test_accent_insensitive_both_ways() -> None:
    assert match_groups("zurich padiatrie", GROUPS) == Matched(GROUPS[2])
    assert match_groups("Pädi", GROUPS) == Matched(GROUPS[2])


def test_apostrophes_do_not_matter() -> None:
    assert match_groups("marys", GROUPS) == Matched(GROUPS[6])
    assert match_groups("St Mary\u2019s", GROUPS) == Matched(GROUPS[6])


def test_several_matches_are_ambiguous_best_first() -> None:
    only_long = [g for g in GROUPS if g.id != 5]
    result = match_groups("acm", only_long)
    assert isinstance(result, Ambiguous)
    assert names(result) == ["Acme Pediatrics", "Acme Family Medicine"]
    assert "2 groups match" in result.message


def test_a_word_start_ranks_before_a_match_inside_a_word() -> None:
    groups = [GroupName(1, "Xcardio Labs", "x"), GroupName(2, "Cardio Partners", "c")]
    result = match_groups("cardio", groups)
    assert isinstance(result, Ambiguous)
    assert names(result) == ["Cardio Partners", "Xcardio Labs"]


def test_no_match_suggests_close_names() -> None:
    result = match_groups("acne famly", GROUPS)
    assert isinstance(result, NoMatch)
    assert names(result)[0] == "Acme Family Medicine"
    assert "Did you mean *Acme Family Medicine*" in result.message


def test_no_match_by_a_misspelt_word() -> None:
    result = match_groups("cardiolgy", GROUPS)
    assert isinstance(result, NoMatch)
    assert names(result) == ["Lakeside Cardiology"]


def test_no_match_and_nothing_close() -> None:
    result = match_groups("qqqq", GROUPS)
    assert result == NoMatch("qqqq", ())
    assert "/cs list" in result.message


def test_punctuation_only_or_empty_matches_nothing() -> None:
    assert match_groups("...", GROUPS) == NoMatch("...")
    assert match_groups("acme", []) == NoMatch("acme")


def test_suggestions_are_capped_at_three() -> None:
    many = [GroupName(i, f"Clinic {chr(65 + i)}x", f"c{i}") for i in range(10)]
    result = match_groups("clinik", many)
    assert isinstance(result, NoMatch)
    assert len(result.suggestions) == 3
