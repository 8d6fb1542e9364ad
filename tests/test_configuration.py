"""Every environment variable of the warehouse is documented in one table (docs/configuration.md),
and the table lists nothing the code no longer reads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "configuration.md"
# a name ends in a letter or digit: "VOICE_MONITOR_SPARK_*" in prose is not a variable
NAME = re.compile(r"\bVOICE_MONITOR_[A-Z0-9_]*[A-Z0-9]\b")
# where the product, its tools and dbt read or set variables
SOURCES = ("orchestration", "tools", "expectations", "models", "macros")
FILES = ("profiles.yml", "dbt_project.yml", "Makefile", ".ci/run")


def variables_in_code(root: Path = ROOT) -> dict[str, set[str]]:
    """Variable -> the files that name it."""
    found: dict[str, set[str]] = {}
    paths = [p for folder in SOURCES for p in (root / folder).rglob("*")
             if p.suffix in (".py", ".sql", ".yml", ".yaml")]
    paths += [root / name for name in FILES if (root / name).exists()]
    for path in paths:
        for name in NAME.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(path.relative_to(root)))
    return found


def documented(doc: Path = DOC) -> set[str]:
    """The variables in the first column of the tables of docs/configuration.md."""
    return {m.group(1) for m in re.finditer(r"^\| `(VOICE_MONITOR_[A-Z0-9_]+)` \|", doc.read_text(encoding="utf-8"),
                                            re.MULTILINE)}


def test_every_variable_the_code_reads_is_in_the_table():
    missing = {name: sorted(files) for name, files in variables_in_code().items() if name not in documented()}
    assert not missing, f"not in docs/configuration.md: {missing}"


def test_the_table_lists_only_variables_the_code_reads():
    assert documented() - set(variables_in_code()) == set()


def test_the_check_finds_an_undocumented_variable(tmp_path):
    """The scan itself: a variable read in a module (or set by profiles.yml) is found."""
    (tmp_path / "orchestration").mkdir()
    (tmp_path / "orchestration" / "x.py").write_text('import os\nos.environ.get("VOICE_MONITOR_NEW_THING", "1")\n'
                                                     '# VOICE_MONITOR_SPARK_* in prose\n')
    (tmp_path / "profiles.yml").write_text("threads: \"{{ env_var('VOICE_MONITOR_OTHER', '2') }}\"\n")
    assert set(variables_in_code(tmp_path)) == {"VOICE_MONITOR_NEW_THING", "VOICE_MONITOR_OTHER"}


def test_the_readme_links_the_table():
    assert "docs/configuration.md" in (ROOT / "README.md").read_text(encoding="utf-8")
