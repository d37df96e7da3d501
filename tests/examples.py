"""How many examples a property test tries: its own number, or at most CSBOT_TEST_EXAMPLES.

scripts/mutation.sh sets that cap: each mutant reruns every test that reaches the changed
function, and a few hundred generated groups per mutant would take hours on two cores.
"""

from __future__ import annotations

import os

from hypothesis import settings


def examples(wanted: int) -> int:
    cap = os.environ.get("CSBOT_TEST_EXAMPLES")
    return min(wanted, int(cap)) if cap else wanted


def hypothesis_profile() -> None:
    """Under the cap, property tests without their own number try at most that many too."""
    cap = os.environ.get("CSBOT_TEST_EXAMPLES")
    if cap:
        settings.register_profile("capped", max_examples=int(cap))
        settings.load_profile("capped")
