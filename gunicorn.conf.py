"""gunicorn settings of the web process (gunicorn reads ./gunicorn.conf.py from its working directory).

Command-line flags override these (benchmarks/load.py sets workers and threads explicitly)."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # one per CPU: the pages are CPU-bound
worker_class = "gthread"
# More threads than admission slots (FM_ADMISSION_LIMIT, default 4; fallmanagement/admission.py): the
# extra threads answer overload at once with 503 instead of leaving it queued in the socket.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 30
graceful_timeout = 10
# Load Django once in the master: workers fork from it (shared memory pages, fast restarts).
preload_app = True
# gunicorn ≥ 24 opens a control socket at one fixed path per user; several instances on one machine (two
# `make run`s, the scale-out benchmark) would fight over it, and nothing here uses it.
control_socket_disable = True


def pre_fork(server, worker):
    # Everything the master loaded (Django, the apps, their modules) lives as long as the worker. Without
    # freezing, every full garbage collection in a worker walks all of it again: a 50–70 ms pause in
    # some requests, which is what the p95 of the pages measured (benchmarks/results/REPORT.md).
    gc.freeze()
