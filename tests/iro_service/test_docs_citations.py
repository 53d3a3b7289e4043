"""Every citation in the code leads somewhere a clone holds: ``docs/<page>.md#anchor`` names a
page in the repository and an anchor on it, and nothing points outside the repository (the
shared notes the project started from, or the seed documents by number)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CITATION = re.compile(r"docs/([a-z0-9/_-]+\.md)(?:#([a-z0-9-]+))?")
OUTSIDE = re.compile(r"IRO-RULES\.md|\.\./shared/|\bseeds?/?\s*00\d|\bseed 00\d")
ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')
SOURCES = (".py", ".html", ".txt", ".md", ".toml", ".cfg", ".yml", ".yaml", "Makefile")


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],  # noqa: S607 (git on PATH, as CI has)
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if name.endswith(SOURCES) and (ROOT / name).is_file()]


def _anchors(page: Path) -> set[str]:
    text = page.read_text()
    headings = {
        re.sub(r"[^a-z0-9 -]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
        for line in text.splitlines()
        if line.startswith("#")
    }
    return set(ANCHOR.findall(text)) | headings


def citations_in(text: str) -> list[tuple[str, str | None]]:
    return [(page, anchor or None) for page, anchor in CITATION.findall(text)]


def broken_citations(files: list[Path]) -> list[str]:
    anchors: dict[str, set[str] | None] = {}
    broken = []
    here = Path(__file__).resolve()
    for path in files:
        if path == here:
            continue
        text = path.read_text(errors="replace")
        for page, anchor in citations_in(text):
            if page not in anchors:
                target = ROOT / "docs" / page
                anchors[page] = _anchors(target) if target.is_file() else None
            known = anchors[page]
            where = path.relative_to(ROOT)
            if known is None:
                broken.append(f"{where}: docs/{page} does not exist")
            elif anchor and anchor not in known:
                broken.append(f"{where}: docs/{page} has no anchor #{anchor}")
    return sorted(set(broken))


def outside_citations(files: list[Path]) -> list[str]:
    here = Path(__file__).resolve()
    return sorted(
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in files
        if path != here
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1)
        if OUTSIDE.search(line)
    )


def test_every_docs_citation_names_a_page_and_anchor_that_exist():
    assert broken_citations(_tracked_files()) == []


def test_nothing_cites_a_document_outside_the_repository():
    assert outside_citations(_tracked_files()) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see docs/rules.md#turning-18", []),
        ("see docs/rules.md#no-such-rule", ["docs/rules.md has no anchor #no-such-rule"]),
        ("see docs/no-such-page.md", ["docs/no-such-page.md does not exist"]),
    ],
)
def test_the_checker_reports_a_missing_page_or_anchor(tmp_path, text, expected):
    cited = ROOT / "docs" / "_checker_probe.py"
    cited.write_text(text)
    try:
        found = [line.split(": ", 1)[1] for line in broken_citations([cited])]
    finally:
        cited.unlink()
    assert found == expected


@pytest.mark.parametrize("line", ["(IRO-RULES.md section 2)", "see ../shared/seeds", "as seed 004 shows"])
def test_the_checker_reports_a_citation_outside_the_repository(tmp_path, line):
    cited = ROOT / "docs" / "_outside_probe.py"
    cited.write_text(line)
    try:
        assert len(outside_citations([cited])) == 1
    finally:
        cited.unlink()
