"""bandit finds nothing of medium or high severity in the shipped code, and every exception is justified.

Settings are in pyproject.toml ([tool.bandit]); `make lint` runs the same command.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", ".", "--severity-level", "medium"]
NOSEC = re.compile(r"#\s*nosec\b(?P<rest>.*)$")
JUSTIFIED = re.compile(r"^\s+B\d{3}(,\s*B\d{3})*\s+#\s*\S.{9,}$")  # `# nosec B704 # why, in a few words`


def test_bandit_finds_no_medium_or_high_issue():
    run = subprocess.run([*COMMAND, "--format", "json", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    report = json.loads(run.stdout)
    scanned = {Path(name).as_posix().removeprefix("./") for name in report["metrics"] if name != "_totals"}
    assert {"trainer/__init__.py", "config.py", "trainer/groups/work.py"} <= scanned, "bandit scanned too little"
    assert not any(name.startswith(("tests/", "bench/", "migrations/", ".venv/")) for name in scanned)
    issues = [
        f"{issue['filename']}:{issue['line_number']} {issue['test_id']} {issue['issue_text']}"
        for issue in report["results"]
    ]
    assert not issues and run.returncode == 0, "\n".join(issues) or run.stderr


def test_every_nosec_names_its_test_and_says_why():
    found = []
    for path in [ROOT / "config.py", ROOT / "wsgi.py", *sorted((ROOT / "trainer").rglob("*.py"))]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = NOSEC.search(line)
            if match and not JUSTIFIED.match(match.group("rest")):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "write `# nosec BXXX # the reason` (a test id, then why it is safe)"
