"""What the command loads to start: ``--help`` and ``status`` import only what they use.

bench_import.py measures the time; these tests keep the reasons for it from coming back
(a module-level import of attrs on the way to ``--help``, the entry-point scan or the
card tables' reader on the way to ``status``).
"""

from __future__ import annotations

import subprocess
import sys

# Run the command in a fresh interpreter and print the modules it loaded.
_RUN = """
import contextlib, io, sys
from maebashi_dx.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main({argv!r})
assert code == 0, code
print("\\n".join(sorted(sys.modules)))
"""


def _loaded(*argv: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN.format(argv=list(argv))],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(done.stdout.split())


def test_help_loads_neither_attrs_nor_the_library() -> None:
    loaded = _loaded("--help")
    ours = {m for m in loaded if m.startswith("maebashi_dx")}
    assert ours <= {
        "maebashi_dx",
        "maebashi_dx.cli",
        "maebashi_dx.cli.output",
        "maebashi_dx.cli.parser",
        "maebashi_dx.cli.problems",
        "maebashi_dx.i18n",
    }
    assert {m for m in loaded if m.startswith(("attr", "cattrs"))} == set()


def test_status_reads_no_entry_points_nor_the_card_tables_reader() -> None:
    loaded = _loaded("status")
    assert "importlib.metadata" not in loaded
    assert "maebashi_dx.io.soumu" not in loaded
