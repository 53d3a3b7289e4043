"""Dependencies point one way (docs/architecture.md#apps-and-what-each-owns).

``LAYERS`` is the one list of the apps, lowest first: an app may depend on the apps before it in
the list, never on one after it. A lower app reaches a higher one only through the settings that
name functions (the extension points of docs/architecture.md#extension-points), which the
project's shell wires together.

What counts as a dependency, in every Python module of an app:

* an ``import`` or ``from ... import`` anywhere: at the top, inside a function, and inside an
  ``if TYPE_CHECKING:`` block. Type-only imports count too: a lower app that names a higher
  app's class in its signatures depends on it, and a type checker follows the import;
* a model named by string: ``apps.get_model("app", "Model")``, ``get_model("app.Model")``, and
  a lazy relation (``ForeignKey("app.Model")``, ``OneToOneField``, ``ManyToManyField``);
* a module loaded by string: ``import_module``, ``import_string``, ``__import__``;
* a URL name (a string ``"app:name"``, as ``redirect``, ``reverse`` and ``success_url`` take it)
  and a template path (``"app/page.html"``).

And in every template under ``templates/<dir>/``: ``{% url 'app:name' %}``, and
``{% include %}`` / ``{% extends %}`` of another app's template.

Exempt: migrations (a cross-app migration dependency is Django's own), the tests, and the
project's shell, which exists to wire every app together: the settings (which name the
functions of the extension points), the root URLconf, the front door ``iro_service/views.py``
(which sends each role to its start page by URL name) and the templates at the top of
``templates/`` (the site's layout and navigation).

An app missing from the tree (``interchange`` and ``demo`` while they are being made) is
skipped: its name still marks it as a layer nothing below may point at.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The apps, lowest first. ``interchange`` (SSDA903 import and export) and ``demo`` (the demo
#: seeders) are the top layers: no domain app imports them (the demo may seed through interchange).
LAYERS = ["iro_service", "children", "reviews", "conferences", "voice", "disputes", "reporting", "interchange", "demo"]

#: Template directories that are not named after an app, and the app that owns them.
TEMPLATE_OWNERS = {
    "components": "iro_service",
    "accounts": "iro_service",
    "registration": "iro_service",
    "two_factor": "iro_service",
    "gds": "iro_service",  # crispy-forms-gds templates the project replaces (layout/error_summary.html)
    "django": "iro_service",  # Django's own widget templates the project replaces (forms/widgets/select.html)
    "emails": "reviews",  # the deadline digests (reviews/digests.py)
}

#: The project's shell (see the module docstring), relative to the repository.
SHELL = ("iro_service/settings/", "iro_service/urls.py", "iro_service/views.py")

LAZY_RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
LOADERS = {"import_module", "import_string", "__import__"}
URL_NAME = re.compile(r"^([a-z_][a-z0-9_]*):[\w-]+$")
TEMPLATE_PATH = re.compile(r"^([a-z_][a-z0-9_]*)/[\w/.-]+\.(?:html|txt)$")
TEMPLATE_TAG = re.compile(r"""\{%-?\s*(url|include|extends)\s+(['"])([^'"]+)\2""")


@dataclass(frozen=True)
class Offence:
    where: str
    line: int
    what: str
    target: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.what} points up at {self.target}"


def rank(app: str) -> int | None:
    return LAYERS.index(app) if app in LAYERS else None


def points_up(app: str, target: str) -> bool:
    """Whether ``app`` may not depend on ``target`` (an app outside ``LAYERS`` is a library)."""
    mine, theirs = rank(app), rank(target)
    return mine is not None and theirs is not None and theirs > mine


def _module_of(node: ast.ImportFrom, module: str) -> str:
    """The absolute module a ``from`` import names (``module`` is the importing module's name)."""
    if not node.level:
        return node.module or ""
    package = module.split(".")[: -node.level]
    return ".".join([*package, node.module] if node.module else package)


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _references_in_call(node: ast.Call) -> list[tuple[str, str]]:
    """(what, target app) for a call that names an app by string."""
    name, first = _called(node), _text(node.args[0]) if node.args else None
    if name == "get_model":
        model = first or _text(next((k.value for k in node.keywords if k.arg == "app_label"), None))
        return [(f"get_model({model!r})", model.split(".")[0])] if model else []
    if name in LAZY_RELATIONS:
        model = first or _text(next((k.value for k in node.keywords if k.arg == "to"), None))
        return [(f"{name}({model!r})", model.split(".")[0])] if model and "." in model else []
    if name in LOADERS and first:
        return [(f"{name}({first!r})", first.split(".")[0])]
    return []


def python_offences(app: str, where: str, source: str) -> list[Offence]:
    """Every dependency of the module ``where`` (in ``app``) on an app above ``app``."""
    module = where.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(ast.parse(source, filename=where)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, f"import {alias.name}", alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _module_of(node, module)
            found.append((node.lineno, f"from {target} import", target.split(".")[0]))
        elif isinstance(node, ast.Call):
            found += [(node.lineno, what, target) for what, target in _references_in_call(node)]
        elif (text := _text(node)) is not None:
            if match := URL_NAME.match(text):
                found.append((node.lineno, f"URL name {text!r}", match.group(1)))
            elif match := TEMPLATE_PATH.match(text):
                owner = TEMPLATE_OWNERS.get(match.group(1), match.group(1))
                found.append((node.lineno, f"template {text!r}", owner))
    return [Offence(where, line, what, target) for line, what, target in sorted(set(found)) if points_up(app, target)]


def template_offences(owner: str, where: str, text: str) -> list[Offence]:
    """Every URL of, or template from, an app above ``owner`` in the template ``where``."""
    offences = []
    for number, line in enumerate(text.splitlines(), start=1):
        for tag, _quote, argument in TEMPLATE_TAG.findall(line):
            if tag == "url":
                target = argument.split(":")[0] if ":" in argument else None
            else:
                directory = argument.split("/")[0] if "/" in argument else None
                target = TEMPLATE_OWNERS.get(directory, directory) if directory else None
            if target and points_up(owner, target):
                offences.append(Offence(where, number, f"{{% {tag} '{argument}' %}}", target))
    return offences


def _is_exempt(where: str) -> bool:
    parts = where.split("/")
    return "migrations" in parts or "__pycache__" in parts or where.startswith(SHELL)


def tree_offences() -> list[Offence]:
    offences = []
    for app in LAYERS:
        package = ROOT / app
        if not package.is_dir():
            continue  # not made yet (interchange, demo): nothing of it to check
        for path in sorted(package.rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            if not _is_exempt(where):
                offences += python_offences(app, where, path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "templates").rglob("*")):
        where = path.relative_to(ROOT).as_posix()
        directory = path.relative_to(ROOT / "templates").parts[0]
        if path.is_file() and path.parent != ROOT / "templates":  # top-level templates: the shell
            owner = TEMPLATE_OWNERS.get(directory, directory)
            if owner not in LAYERS:
                offences.append(Offence(where, 0, f"templates/{directory}/ belongs to no app in LAYERS", owner))
            else:
                offences += template_offences(owner, where, path.read_text(encoding="utf-8"))
    return offences


def test_every_app_points_only_down():
    offences = tree_offences()
    assert not offences, "Dependencies must point one way (docs/architecture.md), but:\n" + "\n".join(
        map(str, offences)
    )


def test_every_app_of_the_project_is_a_layer():
    """A new app is checked only once it has a place in LAYERS."""
    apps = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))
    assert set(apps) <= set(LAYERS), f"Add {sorted(set(apps) - set(LAYERS))} to LAYERS"


# ----------------------------------------------------------------------- the test can fail

PYTHON_OFFENDERS = [
    ("children", "import reviews\n", "import reviews"),
    ("children", "import reviews.models as m\n", "import reviews.models"),
    ("children", "from reviews.models import Review\n", "from reviews.models import"),
    ("children", "def f():\n    from reviews import selectors\n", "from reviews import"),
    (
        "reviews",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from disputes.models import Dispute\n",
        "from disputes.models import",
    ),
    ("reviews", "from reporting.periods import ReportingYear\n", "from reporting.periods import"),
    ("reviews", "from ...reporting import periods\n", "from reporting import"),
    ("iro_service", "from children.models import Child\n", "from children.models import"),
    ("children", "from django.apps import apps\napps.get_model('reviews', 'Review')\n", "get_model('reviews')"),
    ("children", "from django.apps import apps\napps.get_model('reviews.Review')\n", "get_model('reviews.Review')"),
    ("children", "def f(apps):\n    return apps.get_model(app_label='reviews', model_name='Review')\n", "get_model"),
    (
        "children",
        "from django.db import models\nx = models.ForeignKey('reviews.Review', on_delete=None)\n",
        "ForeignKey",
    ),
    (
        "reviews",
        "from django.utils.module_loading import import_string\nimport_string('disputes.x.y')\n",
        "import_string",
    ),
    ("reviews", "import importlib\nimportlib.import_module('reporting.figures')\n", "import_module"),
    (
        "children",
        "from django.shortcuts import redirect\nredirect('reviews:timeline', child_pk=1)\n",
        "'reviews:timeline'",
    ),
    ("children", "success_url = 'reviews:home'\n", "'reviews:home'"),
    ("children", "TEMPLATE = 'reviews/_schedule_summary.html'\n", "'reviews/_schedule_summary.html'"),
    ("iro_service", "TEMPLATE = 'emails/deadline_digest_iro.txt'\n", "'emails/deadline_digest_iro.txt'"),
    ("reporting", "from demo import seed\n", "from demo import"),
    ("reporting", "import interchange.importer\n", "import interchange.importer"),
    ("interchange", "from demo.seed import seed\n", "from demo.seed import"),
]


@pytest.mark.parametrize(("app", "source", "expected"), PYTHON_OFFENDERS)
def test_an_upward_reference_in_python_is_reported(app, source, expected):
    offences = python_offences(app, f"{app}/example.py", source)
    assert any(expected in str(offence) for offence in offences), offences
    assert all(str(offence).startswith(f"{app}/example.py:") for offence in offences)


PYTHON_ALLOWED = [
    ("reviews", "from children.models import Child\nfrom iro_service.audit import audited\n"),
    ("reviews", "from . import deadlines\nfrom .models import Review\nfrom ..children import ages\n"),
    ("children", "from django.apps import apps\napps.get_model('children', 'Child')\n"),
    ("disputes", "from django.shortcuts import redirect\nredirect('reviews:timeline', child_pk=1)\n"),
    ("children", "x = 'admin:index'\nimport django.db.models\nfrom simple_history.models import HistoricalRecords\n"),
    ("demo", "import interchange\nfrom reporting import models\n"),
    ("reporting", "'''Reviews are in reviews:timeline, see reviews/models.py.'''\n"),
]


@pytest.mark.parametrize(("app", "source"), PYTHON_ALLOWED)
def test_a_downward_reference_in_python_is_allowed(app, source):
    assert python_offences(app, f"{app}/example.py", source) == []


TEMPLATE_OFFENDERS = [
    ("children", "<a href=\"{% url 'reviews:book' change.child.pk %}\">Book</a>", "{% url 'reviews:book' %}"),
    ("reviews", '{% if x %}<a href="{% url "reporting:records" %}?kind=not_held">', "{% url 'reporting:records' %}"),
    ("reviews", '{% include "disputes/_since_last_review.html" with x=y only %}', "{% include 'disputes/"),
    ("children", '{% extends "reviews/base.html" %}', "{% extends 'reviews/base.html' %}"),
    ("iro_service", "{% url 'children:detail' child.pk %}", "{% url 'children:detail' %}"),
    ("iro_service", '{% include "emails/deadline_digest_iro.txt" %}', "{% include 'emails/"),
]


@pytest.mark.parametrize(("owner", "text", "expected"), TEMPLATE_OFFENDERS)
def test_an_upward_reference_in_a_template_is_reported(owner, text, expected):
    offences = template_offences(owner, f"templates/{owner}/example.html", f"<p>\n{text}\n")
    assert [offence.line for offence in offences] == [2]
    assert expected.replace(" %}", "") in str(offences[0]), offences


def test_a_downward_reference_in_a_template_is_allowed():
    text = "{% url 'children:detail' 1 %}{% include \"components/_pagination.html\" %}{% url 'admin:index' %}"
    assert template_offences("reviews", "templates/reviews/example.html", text) == []
