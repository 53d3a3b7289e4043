"""Run the DfE CIN census validator (csc-validator-be-cin, package cin_validator) over a return's XML.

Runs under .venv-cin (tools/ensure-cin-validator), not the project's venv:

    .venv-cin/bin/python tools/validate_cin.py FILE.xml RULESET

RULESET is a rule pack such as cin2024_25. Prints one JSON object:
{"ruleset", "rules_run", "rules_crashed", "tables": {table: rows}, "errors": [...], "return_errors": [...]},
where each error has rule, description, table, fields, row (0-based row of that table) and child;
``return_errors`` are the rules about the whole return (the Header, or LA-level rules).
"""

import contextlib
import importlib
import io
import json
import logging
import re
import sys
import xml.etree.ElementTree as ET  # noqa: N817, S405 - the validator's own reader; our own file

logging.disable(logging.CRITICAL)

from cin_validator import cin_validator  # noqa: E402


def _plain(value):
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    try:
        return value.item()
    except AttributeError:
        return value


def main(filename: str, ruleset: str) -> int:
    root = ET.parse(filename).getroot()  # noqa: S314 - our own export
    data = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        validator = cin_validator.CinValidator(data, registry)
    crashed = sorted(set(re.findall(r"Error with rule (\S+):", printed.getvalue())))
    errors = [
        {
            "rule": str(row["rule_code"]),
            "description": row["rule_description"],
            "table": str(row["tables_affected"]),
            "fields": _plain(row["columns_affected"]),
            "row": _plain(row["row_id"]),
            "child": _plain(row.get("child_id")),
        }
        for row in validator.full_issue_df.to_dict("records")
    ]
    return_errors = [
        {"rule": str(r["rule_code"]), "description": r["rule_description"]}
        for r in validator.multichild_issues.to_dict("records")
    ]
    print(
        json.dumps(
            {
                "ruleset": ruleset,
                "rules_run": len(registry),
                "rules_crashed": crashed,
                "tables": {name: len(frame) for name, frame in data.items()},
                "errors": errors,
                "return_errors": return_errors,
            },
            default=str,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
