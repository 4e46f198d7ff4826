"""gunicorn settings of the web process (gunicorn reads ./gunicorn.conf.py from its working directory).

Command-line flags override these (benchmarks/load.py sets workers and threads explicitly)."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # one per CPU: the pages are CPU-bound
worker_class = "gthread"
# Many more threads than admission slots (FM_ADMISSION_LIMIT, default 4; fallmanagement/admission.py): every
# request reaches the admission check at once and the excess is answered with 503 instead of waiting in
# gunicorn's queue (8 threads at 4× the peak: 503s after 1.2 s, admitted p95 1.4 s; 64: 0.18 s and 0.45 s,
# benchmarks/results/REPORT.md). The app itself runs only on the admission control's `limit` threads, so
# the database connections stay at limit + sign-in slots per worker whatever this number is.
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
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
