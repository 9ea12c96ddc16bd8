"""No secret in the repository: every real secret comes from the environment.

The tracked files (`git ls-files`) are searched for key material, files that usually hold
secrets, settings given a literal secret, and passwords in URLs. The few literals that look like
secrets and are not are listed in ALLOWED with the reason. Production refusing the development
SECRET_KEY is tests/test_config.py.
"""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

KEY_MATERIAL = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----"  # PEM keys (RSA, EC, OpenSSH, PKCS#8)
    r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key id
    r"|\bgh[pousr]_[A-Za-z0-9]{36}\b"  # GitHub tokens
    r"|\bglpat-[A-Za-z0-9_-]{20}\b"  # GitLab personal access token
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"  # Slack tokens
    r"|\bsk_live_[A-Za-z0-9]{16,}"  # Stripe secret key
)
SECRET_FILES = re.compile(r"(^|/)(\.env|id_rsa.*|id_ed25519.*|.*\.(pem|key|p12|pfx|sqlite3?|db))$")
# NAME = "literal" (or NAME: "literal") for a name that holds a secret (not PASSWORD_HASH_METHOD).
LITERAL_SETTING = re.compile(
    r"""\b(?P<name>[A-Z_]*(SECRET(_KEY)?|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE_KEY))\s*[:=]\s*["'](?P<value>[^"']+)["']"""
)
URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:(?P<password>[^@\s/]+)@")
# Placeholders in examples: nobody's password.
PLACEHOLDERS = {"pass", "password", "secret", "PASSWORD", "***"}

# (file, name) → why this literal is not a secret.
ALLOWED = {
    ("config.py", "SECRET_KEY"): "TestingConfig's key: tests only; production refuses keys it was not given",
    ("trainer/demo/data.py", "DEMO_PASSWORD"): "the demo accounts' password, published in the README on purpose",
    ("bench/seeding.py", "PASSWORD"): "accounts the benchmark creates in its own throwaway database",
    ("bench/load.py", "PASSWORD"): "accounts the load test creates in its own throwaway database",
}


def _tracked_files() -> list[str]:
    try:
        output = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: nothing to tell tracked files from others")
    return [name for name in output.decode().split("\0") if name]


def _texts() -> list[tuple[str, str]]:
    texts = []
    for name in _tracked_files():
        path = ROOT / name
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        data = path.read_bytes()
        if b"\0" not in data[:4096]:  # text, not a font or an image
            texts.append((name, data.decode("utf-8", errors="replace")))
    return texts


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    found = _texts()
    assert len(found) > 100, "the search found almost nothing to search"
    return found


def test_no_key_material(texts):
    found = [f"{name}: {match.group(0)[:20]}…" for name, text in texts for match in KEY_MATERIAL.finditer(text)]
    assert not found


def test_no_file_that_usually_holds_secrets_is_tracked():
    assert not [name for name in _tracked_files() if SECRET_FILES.search(name)]


def test_local_secrets_and_data_are_ignored_by_git():
    _tracked_files()  # skips outside a git checkout
    candidates = [".env", "instance/trainer.sqlite3", "instance/uploads/x", "instance/mail/x.eml"]
    ignored = subprocess.run(
        ["git", "check-ignore", *candidates], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    assert sorted(ignored) == sorted(candidates)


def test_no_setting_holds_a_literal_secret(texts):
    found = []
    for name, text in texts:
        if name.startswith("tests/") or not name.endswith((".py", ".cfg", ".toml", ".yml", ".yaml", ".ini", ".sh")):
            continue
        for match in LITERAL_SETTING.finditer(text):
            if (name, match.group("name")) not in ALLOWED:
                found.append(f"{name}: {match.group(0)}")
    assert not found, "read these from the environment (config.py), or justify them in ALLOWED"


def test_no_password_in_a_url(texts):
    found = [
        f"{name}: {match.group(0)}"
        for name, text in texts
        for match in URL_PASSWORD.finditer(text)
        if match.group("password") not in PLACEHOLDERS
    ]
    assert not found


def test_the_patterns_find_what_they_are_for():
    """The searches above are only as good as their patterns: each finds a sample of its kind."""
    pem = "-----BEGIN " + "OPENSSH PRIVATE KEY-----"
    assert KEY_MATERIAL.search(pem) and KEY_MATERIAL.search("key = AKIA" + "ABCDEFGHIJKLMNOP")
    assert KEY_MATERIAL.search("ghp_" + "a" * 36)
    assert SECRET_FILES.search("deploy/.env") and SECRET_FILES.search("certs/site.key")
    assert not SECRET_FILES.search("trainer/environment.py")
    setting = LITERAL_SETTING.search('    SECRET_KEY = "' + "x9f2" * 8 + '"')
    assert setting and setting.group("name") == "SECRET_KEY"
    assert LITERAL_SETTING.search("MAIL_PASSWORD: 'hunter2'")
    assert not LITERAL_SETTING.search('SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_KEY)')
    assert not LITERAL_SETTING.search('PASSWORD_HASH_METHOD = "scrypt"')
    assert URL_PASSWORD.search("postgresql+psycopg://trainer:" + "s3cr3t@db.example.org/trainer")
    assert not URL_PASSWORD.search("postgresql+psycopg://trainer@127.0.0.1/trainer_test")
