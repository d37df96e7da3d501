"""Group matching: exact wins, then every word contained (any case or accent), else did-you-mean."""

from __future__ import annotations

from csbot.slack.matching import Ambiguous, Matched, NoMatch, match_groups
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


def test_the_query_is_shown_as_typed_with_spaces_collapsed() -> None:
    only_long = [g for g in GROUPS if g.id != 5]
    ambiguous = match_groups("  ACME   a ", only_long)
    assert isinstance(ambiguous, Ambiguous)
    assert ambiguous.message == "2 groups match “ACME a”. Which one did you mean?"
    assert match_groups(" qqqq  zzzz ", GROUPS).message.startswith("No group matches “qqqq zzzz”.")


def test_groups_sharing_an_exact_alias_are_ambiguous() -> None:
    shared = [
        GroupName(1, "North Clinic Partners", "north-a", ("North",)),
        GroupName(2, "North", "north-b"),
    ]
    result = match_groups("north", shared)
    assert isinstance(result, Ambiguous)
    assert result.message == "2 groups match “north”. Which one did you mean?"
    assert names(result) == ["North", "North Clinic Partners"]


def test_ranking_starts_then_whole_words_then_inside_words() -> None:
    groups = [
        GroupName(1, "Xcardio", "xc"),
        GroupName(2, "Lakeside Cardio Care", "lakeside-cardio-care"),
        GroupName(3, "Cardio Partners of the Valley", "cpv"),
    ]
    result = match_groups("cardio", groups)
    assert isinstance(result, Ambiguous)
    assert names(result) == ["Cardio Partners of the Valley", "Lakeside Cardio Care", "Xcardio"]


def test_a_near_miss_of_the_whole_name_ranks_first() -> None:
    # Both groups contain words close to each typed word; the whole name decides the order.
    groups = [
        GroupName(8, "Lakeside Cardiology", "lsc"),
        GroupName(2, "Lakeside Cardio Care", "lcc"),
    ]
    result = match_groups("lakeside cardiolgy", groups)
    assert isinstance(result, NoMatch)
    assert names(result) == ["Lakeside Cardiology", "Lakeside Cardio Care"]


def test_a_groups_best_name_counts_not_its_other_names() -> None:
    groups = [
        GroupName(1, "Lakeside Cardiology", "lakeside-cardio-care-n", ("Lakeside Cardiology NW",)),
        GroupName(2, "Lakeside Cardiolo", "lc2"),
    ]
    result = match_groups("lakeside cardiology x", groups)
    assert isinstance(result, NoMatch)
    assert names(result)[0] == "Lakeside Cardiology"


def test_one_groups_many_names_do_not_crowd_out_another_close_name() -> None:
    crowd = GroupName(1, "Clinik Ax Qa", "clinik-ax-qb", ("Clinik Ax Qc",))
    other = GroupName(2, "Clinic Dx Zz", "d")
    result = match_groups("clinik ax qq", [crowd, other])
    assert isinstance(result, NoMatch)
    assert names(result) == ["Clinik Ax Qa", "Clinic Dx Zz"]


def test_a_word_only_loosely_alike_suggests_nothing() -> None:
    result = match_groups("oncology", [GroupName(1, "Lakeside Urology", "lu")])
    assert result == NoMatch("oncology", ())


def test_three_letters_inside_a_word_count_as_close() -> None:
    result = match_groups("ped zzzz", GROUPS)
    assert isinstance(result, NoMatch)
    assert names(result) == ["Acme Pediatrics", "Northwind Orthopedics"]
    assert result.message == (
        "No group matches “ped zzzz”. Did you mean *Acme Pediatrics* or *Northwind Orthopedics*?"
    )


def test_every_group_with_a_close_word_is_suggested() -> None:
    groups = [GroupName(1, "Heart Cardio Care", "h"), GroupName(2, "Lakeside Cardiology", "l")]
    result = match_groups("cardio zzzz", groups)
    assert isinstance(result, NoMatch)
    assert names(result) == ["Heart Cardio Care", "Lakeside Cardiology"]
    assert result.message.endswith("Did you mean *Heart Cardio Care* or *Lakeside Cardiology*?")


def test_groups_matching_more_typed_words_rank_first() -> None:
    groups = [
        GroupName(1, "Alpha Family Care of Northern Lakes", "a"),
        GroupName(2, "Zeta Family Medicine of Northern Lakes", "z"),
    ]
    result = match_groups("famly medicne", groups)
    assert isinstance(result, NoMatch)
    assert names(result) == [groups[1].name, groups[0].name]


def test_a_group_matching_under_half_the_typed_words_is_not_suggested() -> None:
    groups = [
        GroupName(1, "Alpha Family Care of Northern Lakes", "a"),
        GroupName(2, "Zeta Family Medicine of Northern Lakes", "z"),
    ]
    result = match_groups("famly medicne zzz", groups)
    assert isinstance(result, NoMatch)
    assert names(result) == [groups[1].name]


def test_close_words_are_gathered_before_the_alphabetical_tie_break() -> None:
    # Four different words are close to "clinik"; every owner is a candidate, ties by name.
    groups = [
        GroupName(1, "Delta Clinic", "d"),
        GroupName(2, "Beta Klinik", "b"),
        GroupName(3, "Alpha Clinics", "a"),
        GroupName(4, "Aa Clinica", "aa"),
    ]
    result = match_groups("clinik", groups)
    assert isinstance(result, NoMatch)
    assert names(result) == ["Aa Clinica", "Alpha Clinics", "Beta Klinik"]
