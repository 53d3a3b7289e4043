"""The hand-made SSDA903 return (data/hand_made) and ways to alter it for the tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

HAND_MADE = Path(__file__).parent / "data" / "hand_made"
SYNTHETIC = Path(__file__).resolve().parents[2] / "tools" / "synthetic_903.py"


def hand_made_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(HAND_MADE.glob("*.csv"))}


def as_files(texts: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(name, text.encode("utf-8")) for name, text in texts.items()]


def hand_made_files() -> list[tuple[str, bytes]]:
    return as_files(hand_made_texts())


def with_cell(texts: dict[str, str], file: str, line: int, column: str, value: str) -> dict[str, str]:
    """A copy of ``texts`` with one cell changed (``line`` counts the header as 1)."""
    lines = texts[file].splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    return {**texts, file: "\n".join(lines) + "\n"}


def with_line(texts: dict[str, str], file: str, row: str) -> dict[str, str]:
    return {**texts, file: texts[file] + row + "\n"}


def synthetic_files(size: int, directory: Path, *, seed: int) -> list[tuple[str, bytes]]:
    """A valid synthetic return of ``size`` children (tools/synthetic_903.py), as files."""
    spec = importlib.util.spec_from_file_location("synthetic_903", SYNTHETIC)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write(size, directory, seed=seed)
    return [(p.name, p.read_bytes()) for p in sorted(directory.glob("*.csv"))]
