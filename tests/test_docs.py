"""The documentation lives in the repository (docs/): code and docs cite files inside it, never a
path outside it (issue 11 part 1), and every docs/ file they cite exists."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".git", ".venv", "node_modules", "staticfiles", "var", "__pycache__", "test-artifacts"}
# Built from parts so this file does not cite what it forbids.
OUTSIDE = re.compile(re.escape(".." + "/shared") + "|" + re.escape("/work/" + "shared")
                     # the briefs by their bare names (there is no such file in the repository)
                     + r"|(?<![\w/.-])(?:DOMAIN|API|STYLE|UI)\.md")
DOCS_CITATION = re.compile(r"\bdocs/([\w.-]+\.(?:md|txt))")


def _repo_files(*suffixes):
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if path.is_file() and path.suffix in suffixes:
            yield path, rel


def test_no_py_or_md_file_cites_a_path_outside_the_repository():
    """No parent-directory or absolute path to the briefs, nor a brief by its bare upper-case name."""
    offenders = []
    for path, rel in _repo_files(".py", ".md"):
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()[:120]}")
    assert not offenders, "cite docs/... instead of the briefs outside the repository:\n" + "\n".join(offenders)


def test_every_cited_docs_file_exists():
    missing = []
    for path, rel in _repo_files(".py", ".md", ".html"):
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for name in DOCS_CITATION.findall(line):
                if not (ROOT / "docs" / name).is_file():
                    missing.append(f"{rel}:{n}: docs/{name}")
    assert not missing, "these docs/ files are cited but do not exist:\n" + "\n".join(missing)


def test_the_docs_exist_and_the_readme_points_to_them():
    for name in ("domain.md", "api.md", "ui.md", "style.md", "adding.md"):
        assert (ROOT / "docs" / name).stat().st_size > 1000, name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for app in ("subjects", "matters", "plans", "checkcode", "guidance", "supervision", "reports"):
        assert f"`{app}/`" in readme, app
    assert "docs/domain.md" in readme
