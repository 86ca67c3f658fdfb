"""The CI supply-chain steps: bandit fails on a real finding; pip-audit's verdicts are read right."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_pip_audit_script():
    spec = importlib.util.spec_from_file_location("ci_pip_audit", ROOT / ".ci" / "pip_audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dep(name, version="1.0", vulns=(), skip_reason=None):
    d = {"name": name, "version": version}
    if skip_reason:
        d["skip_reason"] = skip_reason
    else:
        d["vulns"] = list(vulns)
    return d


def test_pip_audit_known_vulnerability_fails():
    ci = load_pip_audit_script()
    report = {
        "dependencies": [
            dep("flask", "3.1.3"),
            dep("werkzeug", "2.0.0", vulns=[{"id": "PYSEC-2023-58", "fix_versions": ["2.2.3"]}]),
        ]
    }
    verdict, message = ci.classify(report, "", 1)
    assert verdict == "vulnerable"
    assert "werkzeug 2.0.0: PYSEC-2023-58 (fixed in 2.2.3)" in message


def test_pip_audit_clean_report_passes_and_lists_unaudited():
    ci = load_pip_audit_script()
    report = {"dependencies": [dep("flask"), dep("local-pkg", skip_reason="not on PyPI")]}
    verdict, message = ci.classify(report, "", 0)
    assert verdict == "ok"
    assert "1 dependencies audited" in message
    assert "local-pkg" in message


def test_pip_audit_every_dependency_skipped_means_unreachable():
    ci = load_pip_audit_script()
    reason = "Dependency not found on PyPI and could not be audited: flask (3.1.3)"
    report = {"dependencies": [dep("flask", skip_reason=reason), dep("rq", skip_reason=reason)]}
    assert ci.classify(report, "", 0)[0] == ci.UNREACHABLE


def test_pip_audit_network_error_is_unreachable_but_other_errors_fail():
    ci = load_pip_audit_script()
    stderr = "requests.exceptions.ConnectionError: Max retries exceeded with url: /v1/query"
    assert ci.classify(None, stderr, 1)[0] == ci.UNREACHABLE
    verdict, message = ci.classify(None, "ResolutionImpossible: no version of foo==9", 1)
    assert verdict == "error"
    assert "ResolutionImpossible" in message


def test_pip_audit_script_offline_does_not_fail_but_says_so(monkeypatch, capsys):
    ci = load_pip_audit_script()
    monkeypatch.setattr(ci, "probe", lambda service: f"{service} unreachable in this test")
    monkeypatch.delenv("CI_REQUIRE_AUDIT", raising=False)
    assert ci.main() == 0
    assert "pip-audit could not reach the vulnerability database" in capsys.readouterr().out
    monkeypatch.setenv("CI_REQUIRE_AUDIT", "1")
    assert ci.main() == 1


def run_bandit(target: Path):
    if shutil.which("bandit", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("bandit is not installed (make dev-deps installs it)")
    return subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", str(target), "-c", str(ROOT / "pyproject.toml")],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_bandit_config_fails_on_real_finding(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n")
    result = run_bandit(tmp_path)
    assert result.returncode == 1
    assert "B602" in result.stdout
