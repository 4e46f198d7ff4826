"""DRF imports the classes named in `REST_FRAMEWORK` lazily, on first use, and which setting is used first
depends on the order Django runs its system checks in (a set: it differs between runs). A class that sits in a
module importing `rest_framework.views` then fails while that module is half loaded — `manage.py check`, and so
`make run`, died on CI with "api.common does not define SafeJSONParser". Each setting is therefore loaded first
in its own fresh interpreter here."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
NAMED_CLASSES = sorted(
    key
    for key, value in settings.REST_FRAMEWORK.items()
    if any(str(item).startswith("api.") for item in (value if isinstance(value, list) else [value]))
)


def test_the_api_settings_name_classes_of_our_own():
    assert {"DEFAULT_PARSER_CLASSES", "DEFAULT_PAGINATION_CLASS", "DEFAULT_AUTHENTICATION_CLASSES"} <= set(
        NAMED_CLASSES
    )


@pytest.mark.parametrize("key", NAMED_CLASSES)
def test_each_api_setting_loads_when_used_first(key):
    code = (
        "import django; django.setup()\n"
        "from rest_framework.settings import api_settings\n"
        f"getattr(api_settings, {key!r})\n"
        "import rest_framework.views, rest_framework.generics\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "fallmanagement.settings", "DJANGO_DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
