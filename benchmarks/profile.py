"""Profile one bench page with pyinstrument (issue 17: the pages that miss their target, measured, not guessed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fm_bench_pages DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only \\
        .venv/bin/python -m benchmarks.profile fm_start [--runs 30] [--html out.html]

Runs the page scenario (benchmarks/pages.py keys; `floor` = the framework floor) `runs` times in process after a
warm-up under the sampling profiler and prints the call tree (time summed over the runs).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()
gc.freeze()

from pyinstrument import Profiler  # noqa: E402

from benchmarks import generate, pages  # noqa: E402
from benchmarks.floor import FLOOR_URL  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("key")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--html", default="")
    parser.add_argument("--as", dest="username", default="bench_fm", help="persona for `floor`")
    args = parser.parse_args(argv)
    from org.models import Staff

    info = generate.data_info()
    staff = {s.username: s for s in Staff.objects.filter(username__startswith="bench_")}
    if args.key == "floor":
        username, url = args.username, FLOOR_URL
    else:
        found = [s for s in pages.scenarios(special_case_id=info["special_case_id"],
                                            staff_ids={k: v.pk for k, v in staff.items()}) if s.key == args.key]  # fmt: skip
        if not found:
            print(f"unknown page {args.key!r}", file=sys.stderr)
            return 2
        username, url = found[0].username, found[0].url
    client = pages.signed_in_client(staff[username])
    for _ in range(3):
        assert client.get(url).status_code == 200
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.runs):
        client.get(url)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        with open(args.html, "w") as f:
            f.write(profiler.output_html())
    return 0


if __name__ == "__main__":
    sys.exit(main())
