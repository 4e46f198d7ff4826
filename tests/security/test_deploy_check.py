"""`manage.py check --deploy --fail-level WARNING` is clean under production settings (issue 6)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_check(*extra):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "fallmanagement.jobcenter.example",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process only
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(databases=[])
def test_check_deploy_security_clean():
    result = run_check("--tag", "security")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db(databases=[])
def test_check_deploy_all_clean():
    result = run_check()
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db(databases=[])
def test_production_refuses_to_start_without_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.django_db(databases=[])
def test_check_deploy_warns_without_second_factor_for_privileged_roles(monkeypatch):
    """Issue 15 finding 8: production without the second factor for admin, datenschutz, TL, BL is flagged."""
    monkeypatch.setenv("FM_OTP_REQUIRED_ROLES", "admin")
    result = run_check()
    assert result.returncode != 0 and "fallmanagement.W101" in (result.stdout + result.stderr)
