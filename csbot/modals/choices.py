"""The fixed choices of the logging modals: (stored value, label people read)."""

from __future__ import annotations

__all__ = [
    "CATEGORIES",
    "MEETING_TYPES",
    "PRIORITIES",
    "STATUSES",
    "Choices",
    "label_of",
]

Choices = tuple[tuple[str, str], ...]

CATEGORIES: Choices = (
    ("billing", "Billing"),
    ("technical", "Technical"),
    ("training", "Training"),
    ("data", "Data"),
    ("other", "Other"),
)
PRIORITIES: Choices = (("low", "Low"), ("normal", "Normal"), ("high", "High"), ("urgent", "Urgent"))
STATUSES: Choices = (("open", "Open"), ("pending", "Pending"), ("resolved", "Resolved"))
MEETING_TYPES: Choices = (
    ("check-in", "Check-in"),
    ("qbr", "QBR"),
    ("training", "Training"),
    ("onboarding", "Onboarding session"),
    ("escalation", "Escalation"),
)


def label_of(choices: Choices, value: str) -> str:
    """The label of a stored value (the value itself if csbot no longer offers it)."""
    return dict(choices).get(value, value)
