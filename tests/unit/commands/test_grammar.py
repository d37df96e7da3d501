"""The /cs grammar: what people type, as typed, becomes one request or a clear InputError."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csbot.commands.card import DEFAULT_WINDOW_DAYS, window_label
from csbot.commands.grammar import (
    ExportRequest,
    HelpRequest,
    ListRequest,
    LogRequest,
    PanelRequest,
    RenewalsRequest,
    ScorecheckRequest,
    parse_command,
    parse_window,
)
from csbot.commands.panels.base import Panel
from csbot.errors import CsbotError, InputError
from tests.examples import examples


def panel(text: str) -> PanelRequest:
    request = parse_command(text)
    assert isinstance(request, PanelRequest), request
    return request


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "help", "HELP", "?", "--help", "help me"])
def test_empty_text_and_help_words_show_help(text: str) -> None:
    assert parse_command(text) == HelpRequest(reason=None)


def test_first_word_that_is_not_a_panel_means_overview_with_default_window() -> None:
    assert parse_command("Acme") == PanelRequest(
        panel=Panel.OVERVIEW, group_query="Acme", window_days=DEFAULT_WINDOW_DAYS, private=False
    )


def test_panel_group_of_several_words_and_window() -> None:
    assert parse_command("health acme family 90d") == PanelRequest(
        panel=Panel.HEALTH, group_query="acme family", window_days=90
    )


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("eng", Panel.ENGAGEMENT),
        ("REV", Panel.REVENUE),
        ("sup", Panel.SUPPORT),
        ("risk", Panel.CHURN),
        ("adopt", Panel.ADOPTION),
        ("onb", Panel.ONBOARDING),
        ("tl", Panel.TIMELINE),
        ("plan", Panel.PLANS),
        ("success", Panel.PLANS),
        ("comms", Panel.CONTACTS),
        ("people", Panel.CONTACTS),
        ("Overview", Panel.OVERVIEW),
        ("contacts", Panel.CONTACTS),
    ],
)
def test_panel_names_and_aliases_in_any_case(word: str, expected: Panel) -> None:
    assert panel(f"{word} Acme").panel is expected


def test_every_panel_value_is_its_own_word() -> None:
    for member in Panel:
        assert panel(f"{member.value} Acme").panel is member


def test_odd_spacing_and_case() -> None:
    request = panel("   HEALTH\t\u00a0 Acme   Family\u200b   90D  ")
    assert (request.panel, request.group_query, request.window_days) == (
        Panel.HEALTH,
        "Acme Family",
        90,
    )


def test_unicode_names_are_kept_as_typed() -> None:
    assert panel("health Zürich Pädiatrie 7d").group_query == "Zürich Pädiatrie"
    # A decomposed "ü" (u + combining diaeresis) arrives composed.
    assert panel("Zu\u0308rich").group_query == "Zürich"


@pytest.mark.parametrize(
    "text",
    [
        '"acme family"',
        "\u201cacme family\u201d",
        "\u201eacme family\u201c",
        "'acme family'",
        "\u2018acme family\u2019",
        "\u00abacme family\u00bb",
    ],
)
def test_plain_and_smart_quotes_around_the_group(text: str) -> None:
    assert panel(f"engagement {text} 7d").group_query == "acme family"


def test_quoted_panel_word_is_a_group_name() -> None:
    request = panel('"Revenue Partners" 7d')
    assert (request.panel, request.group_query) == (Panel.OVERVIEW, "Revenue Partners")


def test_apostrophes_inside_names_are_not_quotes() -> None:
    assert panel("St. Mary's Clinic").group_query == "St. Mary's Clinic"
    assert panel("St. Mary\u2019s Clinic").group_query == "St. Mary's Clinic"


def test_unclosed_quote_runs_to_the_end() -> None:
    assert panel('health "acme family').group_query == "acme family"


@pytest.mark.parametrize(
    "text", ["private health Acme", "health private Acme", "health Acme 7d PRIVATE"]
)
def test_private_anywhere(text: str) -> None:
    request = panel(text)
    assert request.private is True
    assert request.group_query == "Acme"


def test_quoted_private_is_part_of_the_name() -> None:
    request = panel('"Private Practice Partners"')
    assert (request.private, request.group_query) == (False, "Private Practice Partners")


@pytest.mark.parametrize(
    ("token", "days"),
    [("7d", 7), ("30d", 30), ("90d", 90), ("365d", 365), ("4w", 28), ("52w", 364), ("14D", 14),
     ("10days", 10), ("2weeks", 14), ("30 days", 30), ("4 w", 28)],
)  # fmt: skip
def test_windows_in_days_and_weeks(token: str, days: int) -> None:
    assert panel(f"health Acme {token}").window_days == days
    assert parse_window(token) == days


def test_window_may_come_before_the_group() -> None:
    request = panel("health 7d Acme")
    assert (request.group_query, request.window_days) == ("Acme", 7)


@pytest.mark.parametrize("window", ["0d", "400d", "30x", "-3d", "53w", "1y", "3m", "4.5w", "+7d"])
def test_bad_window_says_what_is_allowed(window: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_command(f"health Acme {window}")
    message = str(caught.value)
    assert window in message
    assert "7d" in message and "30d" in message and "90d" in message


def test_huge_window_number_is_an_input_error_not_a_crash() -> None:
    with pytest.raises(InputError, match="outside 1 to 365 days"):
        parse_command("health Acme " + "9" * 5000 + "d")


def test_two_windows_are_refused() -> None:
    with pytest.raises(InputError, match="one window"):
        parse_command("health Acme 7d 90d")


def test_numbers_and_unit_like_words_inside_names_stay_in_the_name() -> None:
    assert panel("Clinic 42").group_query == "Clinic 42"
    assert panel("3M Dermatology 7d").group_query == "3M Dermatology"


def test_panel_without_group_shows_help_with_a_reason() -> None:
    request = parse_command("health 90d")
    assert isinstance(request, HelpRequest)
    assert request.reason is not None and "/cs health Acme" in request.reason


def test_punctuation_only_is_not_a_group() -> None:
    assert isinstance(parse_command("health ... !!"), HelpRequest)


def test_group_query_too_long() -> None:
    with pytest.raises(InputError, match="characters long"):
        parse_command("a" * 250)


def test_pasted_command_prefix_is_ignored() -> None:
    assert panel("/cs health Acme").panel is Panel.HEALTH


@pytest.mark.parametrize(
    ("text", "band", "days"),
    [
        ("list", None, 30),
        ("LIST critical", "Critical", 30),
        ("list needs attention 7d", "Needs Attention", 7),
        ("list needs-attention", "Needs Attention", 30),
        ("list attention", "Needs Attention", 30),
        ("list Excellent 90d", "Excellent", 90),
        ("list good", "Good", 30),
        ("list all", None, 30),
    ],
)
def test_list_with_band_and_window(text: str, band: str | None, days: int) -> None:
    assert parse_command(text) == ListRequest(band=band, window_days=days)


def test_list_bands_are_scorings_band_names() -> None:
    scoring = pytest.importorskip("csbot.scoring")
    from csbot.commands.grammar import BANDS

    assert set(BANDS.values()) == {band.value for band in scoring.Band}


def test_list_private() -> None:
    assert parse_command("list critical private") == ListRequest(band="Critical", private=True)


def test_list_unknown_band() -> None:
    with pytest.raises(InputError, match=r"not a band.*critical"):
        parse_command("list blue")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("log ticket", LogRequest(kind="ticket")),
        ("log meeting Acme Family", LogRequest(kind="meeting", group_query="Acme Family")),
        (
            "LOG Ticket “Zürich Pädiatrie”",
            LogRequest(kind="ticket", group_query="Zürich Pädiatrie"),
        ),
    ],
)
def test_log(text: str, expected: LogRequest) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize("text", ["log", "log lunch Acme", 'log "ticket"'])
def test_log_needs_ticket_or_meeting(text: str) -> None:
    with pytest.raises(InputError, match="log ticket"):
        parse_command(text)


def test_requests_are_frozen_and_round_trip_as_json() -> None:
    request = panel("health Acme 7d private")
    assert PanelRequest.model_validate_json(request.model_dump_json()) == request
    with pytest.raises(ValueError):
        request.window_days = 9  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("renewals", RenewalsRequest(days=120)),
        ("/cs renewals 90d", RenewalsRequest(days=90)),
        ("Renewals 6w private", RenewalsRequest(days=42, private=True)),
        ("renewal 30 days", RenewalsRequest(days=30)),
        ("renew 60", RenewalsRequest(days=60)),
        ("private renewing 365d", RenewalsRequest(days=365, private=True)),
    ],
)
def test_renewals_with_how_far_ahead(text: str, expected: RenewalsRequest) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("renewals acme", "takes only how far ahead"),
        ("renewals 400d", "outside 1 to 365 days"),
        ("renewals 30d 60d", "Give one window"),
    ],
)
def test_renewals_with_anything_else_says_what_works(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_command(text)


@pytest.mark.parametrize(
    "text", ["renewals 400d", "export renewals 53w", "renewals 0", "renewals 9x"]
)
def test_a_bad_renewals_window_says_the_renewals_default_not_the_cards(text: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_command(text)
    assert refused.value.message.endswith(
        "`/cs renewals` looks 120 days ahead by default, or any number of days or weeks up to a "
        "year, e.g. `/cs renewals 90d` or `/cs renewals 26w`."
    )
    assert "30d` (the default)" not in refused.value.message


def test_a_quoted_renewal_word_is_a_group_name() -> None:
    assert panel('"Renewal Health" 7d') == PanelRequest(group_query="Renewal Health", window_days=7)


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (1, "1 day"),
        (7, "7 days"),
        (14, "2 weeks"),
        (30, "30 days"),
        (28, "4 weeks"),
        (90, "90 days"),
    ],
)
def test_window_label(days: int, label: str) -> None:
    assert window_label(days) == label


_ALPHABET = st.sampled_from(
    [
        *"abcAZ019 -_'\"\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\t\n\u00a0\u200bdwDW?!/.,:;",
        *"\u00fc\u00dc\u00df\u0301+-\u2212",
        *["health", "list", "log", "ticket", "private", "7d", "400d", "help", "needs attention"],
        *["renewals", "renew", "90"],
    ]
)


@settings(max_examples=examples(400), deadline=None)
@given(st.one_of(st.text(), st.lists(_ALPHABET, max_size=12).map("".join)))
def test_no_input_raises_anything_but_csbot_errors(text: str) -> None:
    try:
        request = parse_command(text)
    except CsbotError as exc:
        assert str(exc).strip()
        return
    assert isinstance(
        request, PanelRequest | ListRequest | RenewalsRequest | HelpRequest | LogRequest
    )
    if isinstance(request, PanelRequest):
        assert request.group_query.strip() == request.group_query
        assert 1 <= request.window_days <= 365


def test_a_quoted_panel_word_names_a_group() -> None:
    assert panel('"revenue" 7d') == PanelRequest(group_query="revenue", window_days=7)
    assert parse_command('export "health" 7d') == ExportRequest(group_query="health", window_days=7)


def test_a_quoted_window_is_part_of_the_name() -> None:
    assert panel('health "90d"') == PanelRequest(panel=Panel.HEALTH, group_query="90d")


def test_the_command_word_pasted_without_a_slash_is_ignored() -> None:
    assert panel("cs health Acme") == PanelRequest(panel=Panel.HEALTH, group_query="Acme")
    assert panel("CS Acme").group_query == "Acme"


@pytest.mark.parametrize("text", ["health Acme 30 days", "health Acme 4 w", "health 2 weeks Acme"])
def test_a_spaced_window_is_one_window_and_the_rest_the_group(text: str) -> None:
    assert panel(text).group_query == "Acme"


def test_one_day_is_the_shortest_window() -> None:
    assert panel("health Acme 1d").window_days == 1


def test_zero_padded_windows_read_as_their_number() -> None:
    assert parse_window("030d") == 30
    assert parse_window("0000000030d") == 30


@pytest.mark.parametrize("text", ["health Acme -5", "health Acme +7", "health Acme \u22122"])
def test_a_signed_number_is_read_as_a_window_and_refused(text: str) -> None:
    with pytest.raises(InputError, match="is not a window"):
        parse_command(text)


def test_two_windows_are_named_in_the_refusal() -> None:
    with pytest.raises(InputError) as caught:
        parse_command("health Acme 7d 90d")
    assert str(caught.value).startswith("Give one window, not `7d` and `90d`. Windows: `7d`")


def test_long_input_is_shortened_in_messages() -> None:
    with pytest.raises(InputError) as caught:
        parse_command("list " + "b" * 60)
    assert str(caught.value) == (
        f"“{'b' * 39}…” is not a band; use `excellent`, `good`, `attention` or `critical`, "
        "e.g. `/cs list critical`."
    )
    with pytest.raises(InputError) as caught:
        parse_command("list " + "b" * 40)
    assert str(caught.value).startswith(f"“{'b' * 40}” is not a band")


def test_a_group_query_may_be_up_to_200_characters() -> None:
    assert panel("a" * 200).group_query == "a" * 200
    with pytest.raises(InputError) as caught:
        parse_command("a" * 201)
    assert str(caught.value) == (
        "That group name is 201 characters long; type part of it (at most 200), "
        "e.g. `/cs health Acme`."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("list 7d", ListRequest(window_days=7)),
        ("list all 90d private", ListRequest(window_days=90, private=True)),
        ("list private", ListRequest(private=True)),
        ("list needs_attention", ListRequest(band="Needs Attention")),
    ],
)
def test_list_window_privacy_and_band_spellings(text: str, expected: ListRequest) -> None:
    assert parse_command(text) == expected


def test_log_without_a_kind_says_what_to_type() -> None:
    with pytest.raises(InputError) as caught:
        parse_command("log lunch")
    assert str(caught.value) == "Log what? Use `/cs log ticket Acme` or `/cs log meeting Acme`."


SCORECHECK_HELP = (
    "`/cs scorecheck` looks 90 days before each renewal by default, or any number of days or "
    "weeks up to a year, e.g. `/cs scorecheck 60d` or `/cs scorecheck 13w`."
)
SCORECHECK_REFUSAL = (
    "`/cs scorecheck` takes only how long before each renewal to look, e.g. `/cs scorecheck 90d`. "
    "For a group whose name starts with “scorecheck”, quote it."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("scorecheck", ScorecheckRequest(horizon_days=90)),
        ("/cs scorecheck 60", ScorecheckRequest(horizon_days=60)),
        ("score-check 8w private", ScorecheckRequest(horizon_days=56, private=True)),
        ("private backtest 30 days", ScorecheckRequest(horizon_days=30, private=True)),
        ("Scorecheck 365d", ScorecheckRequest(horizon_days=365)),
    ],
)
def test_scorecheck_with_how_long_before_each_renewal(
    text: str, expected: ScorecheckRequest
) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scorecheck acme clinic", SCORECHECK_REFUSAL),
        ("scorecheck 60 acme", SCORECHECK_REFUSAL),
        ('scorecheck "60d"', SCORECHECK_REFUSAL),
        ("scorecheck acme", f"“acme” is not a window. {SCORECHECK_HELP}"),
        ("scorecheck 999", f"“999d” is outside 1 to 365 days. {SCORECHECK_HELP}"),
        ("scorecheck 53w", f"“53w” is outside 1 to 365 days. {SCORECHECK_HELP}"),
    ],
)
def test_scorecheck_with_anything_else_says_what_works(text: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_command(text)
    assert str(refused.value) == message


def test_a_bare_renewals_number_out_of_range_is_shown_in_days() -> None:
    with pytest.raises(InputError) as refused:
        parse_command("renewals 999")
    assert str(refused.value).startswith("“999d” is outside 1 to 365 days. `/cs renewals` looks")


def test_renewals_with_a_group_name_quotes_what_was_not_understood() -> None:
    with pytest.raises(InputError) as refused:
        parse_command("renewals acme clinic 30d")
    assert str(refused.value) == (
        "`/cs renewals` takes only how far ahead to look, e.g. `/cs renewals 90d`, not "
        "“acme clinic”. For a group whose name starts with “renewal”, quote it: "
        '`/cs "Renewal Health"`.'
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "health Sunny Days Clinic",
            PanelRequest(panel=Panel.HEALTH, group_query="Sunny Days Clinic"),
        ),
        ('Sunny "days" 7d', PanelRequest(group_query="Sunny days", window_days=7)),
        ("days 7d", PanelRequest(group_query="days", window_days=7)),
    ],
)
def test_a_unit_word_not_after_a_number_stays_in_the_group_name(
    text: str, expected: PanelRequest
) -> None:
    assert panel(text) == expected
