"""Run the DfE SSDA903 validator (csc-validator-be-903) over a directory of CSV tables.

Runs under .venv-903 (tools/ensure-903-validator), not the project's venv:

    .venv-903/bin/python tools/validate_903.py DIR END_YEAR [LA_CODE]

END_YEAR is the year the collection ends ("2024" is 2023/24). Prints one JSON object:
{"ruleset", "tables", "rules_run", "rules_skipped", "rules_failed", "errors": [...]},
where each error has rule, description, table, row (0-based data row), child and fields.
The validator's command line hard-codes 2022/23, so this calls its Python API.
"""

import importlib
import json
import logging
import sys
from pathlib import Path

logging.disable(logging.CRITICAL)

from lac_validator.lac_validator import LacValidator  # noqa: E402
from lac_validator.report import Report  # noqa: E402


def main(directory: str, end_year: str, la_code: str = "E09000027") -> int:
    end = int(end_year)
    ruleset = f"lac{end - 1}_{end % 100:02d}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    files = [
        {"name": p.name, "file_content": p.read_bytes(), "description": "This year"}
        for p in sorted(Path(directory).glob("*.csv"))
    ]
    validator = LacValidator(
        metadata={"collectionYear": str(end), "localAuthority": la_code},
        files=files,
        registry=registry,
    )
    errors = []
    report = Report(validator.ds_results, registry)
    frame = report.report
    for column in [c for c in frame.columns if c.startswith("ERR_")]:
        code = column[4:]
        rule = registry[code]
        for _, row in frame[frame[column] == True].iterrows():  # noqa: E712
            errors.append(
                {
                    "rule": code,
                    "description": rule.message,
                    "fields": list(rule.affected_fields),
                    "table": row["Table"],
                    "row": int(row["RowID"]),
                    "child": row["CHILD"],
                }
            )
    print(
        json.dumps(
            {
                "ruleset": ruleset,
                "tables": sorted(validator.dfs),
                "rules_run": len(validator.dones),
                "rules_skipped": sorted(validator.skips),
                "rules_failed": sorted(validator.fails),
                "errors": errors,
            },
            default=str,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
