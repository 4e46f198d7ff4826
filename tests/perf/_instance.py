"""One "web instance" for tests/perf/test_scale_out.py: a separate Python process with its own Django and its
own database connection, as a second gunicorn instance would be. Reads one JSON command from argv:

* {"op": "login", "user": pk}: signs the user in (a database session) and prints the session cookie;
* {"op": "post", "cookie": ..., "url": ..., "data": {...}, "ready": path, "go": path}: writes `ready`, waits for
  `go` (the test's barrier across processes), POSTs through the whole middleware stack, prints the status.
"""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fallmanagement.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> None:
    cmd = json.loads(sys.argv[1])
    client = Client(enforce_csrf_checks=False)
    if cmd["op"] == "login":
        from org.models import Staff

        client.force_login(
            Staff.objects.get(pk=cmd["user"]), backend="django.contrib.auth.backends.ModelBackend"
        )
        print(json.dumps({"cookie": client.cookies[settings.SESSION_COOKIE_NAME].value}))
        return
    client.cookies[settings.SESSION_COOKIE_NAME] = cmd["cookie"]
    client.get("/")  # warm: the first request of a process loads the URLconf and templates
    with open(cmd["ready"], "w") as f:
        f.write("ready")
    deadline = time.monotonic() + 60
    while not os.path.exists(cmd["go"]) and time.monotonic() < deadline:
        time.sleep(0.005)
    response = client.post(cmd["url"], cmd["data"])
    print(json.dumps({"status": response.status_code}))


if __name__ == "__main__":
    main()
