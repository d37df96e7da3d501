"""Summarise a mutmut run (scripts/mutation.sh): per file mutants, killed, survived, percent.

Run inside a .mutation/<path>/ work folder. A timeout counts as killed (the change hung the
tests); "no tests" and "suspicious" count as survived. `--names` lists the survivors only.
With MUTATION_ONLY (mutant name patterns, as scripts/mutation.sh takes them) only the matching
mutants are counted.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from pathlib import Path

from mutmut.stats import status_by_exit_code

KILLED = {"killed", "timeout", "caught by type check"}


def statuses(prefix: str) -> dict[str, dict[str, str]]:
    """Per source file under `prefix`: each mutant's status."""
    found = {}
    only = os.environ.get("MUTATION_ONLY", "").split()
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        source = str(meta.relative_to("mutants")).removesuffix(".meta")
        if source.startswith(prefix):
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            found[source] = {
                name: status_by_exit_code[code]
                for name, code in codes.items()
                if not only or any(fnmatch.fnmatch(name, pattern) for pattern in only)
            }
    return found


def main(prefix: str, names_only: bool) -> None:
    by_file = statuses(prefix)
    survivors = [
        (name, status)
        for status_by_name in by_file.values()
        for name, status in sorted(status_by_name.items())
        if status not in KILLED
    ]
    if names_only:
        print(*(name for name, _ in survivors), sep="\n")
        return
    rows = [(src, len(s), sum(v in KILLED for v in s.values())) for src, s in by_file.items()]
    rows.append(("total", sum(r[1] for r in rows), sum(r[2] for r in rows)))
    for source, total, killed in rows:
        share = 100 * killed / max(total, 1)
        left = total - killed
        print(f"{source:44} {total:5} mutants {killed:5} killed {left:4} left {share:5.1f} %")
    here = Path.cwd().name
    print(f"\nsurvivors (see one: cd .mutation/{here} && ../../.venv/bin/mutmut show NAME):")
    print(*(f"{name} ({status})" for name, status in survivors), sep="\n")


if __name__ == "__main__":
    main(sys.argv[1], "--names" in sys.argv[2:])
