"""Guards the repository layout (docs/style.md, issue 11 part 1), by reading the source with `ast`:

- apps import only downward: subjects <- matters <- plans <- checkcode <- guidance <- supervision <- reports;
- the plumbing package `jiujiang_inspect` imports no app (the root URL map names apps by string only);
- no `import_module(...)`, `__import__` or `except ImportError` fallback: a renamed module fails at import;
- one module per kind: no `views_*.py`, `api_*.py` (except `api_urls.py`), `serializers_*.py`, `forms_*.py`,
  `filters_*.py`, `exceptions_*.py`, `urls_*.py`, `factories_*.py` suffix modules or packages.

Each check is a function over (path, source) so the tests below also prove it catches a violation.
"""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["subjects", "matters", "plans", "checkcode", "guidance", "supervision", "reports"]
PLUMBING = "jiujiang_inspect"
SKIP_DIRS = {".venv", ".git", "node_modules", "static", "var", "migrations", "__pycache__", "docs"}
SUFFIX = re.compile(r"^(views|api|serializers|forms|filters|exceptions|urls|factories)_\w+$")
ALLOWED_SUFFIX = {"api_urls"}


def project_files():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP_DIRS.intersection(rel.parts):
            continue
        yield rel, path.read_text(encoding="utf-8")


def imported_roots(source: str):
    """(line, top-level package) of every absolute import in `source`, at any depth (lazy imports too)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def layering_violations(rel: Path, source: str):
    owner = rel.parts[0]
    if owner == PLUMBING:
        return [f"{rel}:{line} imports app {root}" for line, root in imported_roots(source) if root in APPS]
    if owner not in APPS:
        return []
    rank = APPS.index(owner)
    return [f"{rel}:{line} ({owner}) imports {root}, an app above it"
            for line, root in imported_roots(source) if root in APPS and APPS.index(root) > rank]


def fallback_violations(rel: Path, source: str):
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in {"import_module", "__import__"}:
                found.append(f"{rel}:{node.lineno} calls {name}()")
        elif isinstance(node, ast.ImportFrom) and node.module == "importlib":
            found.append(f"{rel}:{node.lineno} imports from importlib")
        elif isinstance(node, ast.Import) and any(a.name == "importlib" for a in node.names):
            found.append(f"{rel}:{node.lineno} imports importlib")
        elif isinstance(node, ast.ExceptHandler) and node.type is not None:
            types = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            for t in types:
                if isinstance(t, ast.Name) and t.id in {"ImportError", "ModuleNotFoundError"}:
                    found.append(f"{rel}:{node.lineno} catches {t.id}")
    return found


def suffix_violations(rel: Path):
    names = [*rel.parts[:-1], rel.stem]
    return [f"{rel}: suffix module or package {n!r}" for n in names
            if SUFFIX.match(n) and n not in ALLOWED_SUFFIX and not n.startswith("test_")]


def test_apps_import_only_downward_and_plumbing_imports_no_app():
    found = [v for rel, src in project_files() for v in layering_violations(rel, src)]
    assert found == []


def test_no_import_module_or_import_error_fallbacks():
    found = [v for rel, src in project_files() for v in fallback_violations(rel, src)]
    assert found == []


def test_one_module_per_kind_no_suffix_modules():
    found = [v for rel, _src in project_files() for v in suffix_violations(rel)]
    assert found == []


def test_every_app_has_its_html_views_in_views_py_or_a_views_package():
    for app in APPS:
        assert (ROOT / app / "views.py").is_file() != (ROOT / app / "views" / "__init__.py").is_file(), app
        assert not (ROOT / app / "web").exists(), f"{app}/web: HTML views belong in {app}/views"


@pytest.mark.parametrize(("rel", "source", "expected"), [
    ("plans/services/x.py", "from checkcode.models import CheckCode\n", "imports checkcode, an app above it"),
    ("matters/x.py", "def f():\n    import reports.selectors\n", "imports reports, an app above it"),
    ("jiujiang_inspect/x.py", "from subjects.models import User\n", "imports app subjects"),
])
def test_layering_check_catches_an_upward_import(rel, source, expected):
    assert [v for v in layering_violations(Path(rel), source) if expected in v]


def test_layering_check_allows_downward_and_third_party_imports():
    src = "import django\nfrom plans.models import Inspection\nfrom subjects import roles\n"
    assert layering_violations(Path("checkcode/views/staff.py"), src) == []


@pytest.mark.parametrize("source", [
    "from importlib import import_module\nimport_module('plans.api')\n",
    "try:\n    import x\nexcept ImportError:\n    x = None\n",
    "try:\n    import x\nexcept (ValueError, ModuleNotFoundError):\n    pass\n",
    "m = __import__('plans')\n",
])
def test_fallback_check_catches_dynamic_imports(source):
    assert fallback_violations(Path("plans/urls.py"), source)


@pytest.mark.parametrize("rel", ["plans/views_registry/enterprises.py", "plans/api_inspections.py",
                                 "checkcode/views_public.py", "plans/tests/factories_inspections.py",
                                 "plans/serializers_registry.py", "plans/exceptions_inspections.py"])
def test_suffix_check_catches_suffix_modules(rel):
    assert suffix_violations(Path(rel))


def test_suffix_check_allows_api_urls_and_tests():
    assert suffix_violations(Path("plans/api_urls.py")) == []
    assert suffix_violations(Path("plans/tests/test_api_contract.py")) == []
