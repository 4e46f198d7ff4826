"""Two database roles (issue 15, DP-2): the owner migrates, the application runs with only what it needs.

- The **owner** (`DATABASE_OWNER_URL`) owns every table, runs `migrate` and `setup_db_roles`.
- The **application role** (the user of `DATABASE_URL`) gets SELECT/INSERT/UPDATE/DELETE on the tables and
  the sequences, nothing else: no TRUNCATE, no DDL, no ownership (so it cannot disable a trigger), and on the
  logs — the access log, the change-history event tables, pghistory's context table and the lifecycle
  events — only SELECT and INSERT. `pgtrigger.ignore` then has no effect for it: the trigger is not the only
  guard, the privilege is missing. Only SELECT on the hash chain's head (only the SECURITY DEFINER
  trigger function writes it).
- The two sanctioned ways to remove logged data are SECURITY DEFINER functions owned by the owner, each of
  which leaves its own trace: `fm_history_shred` (DP-5, shreds only the history of clients already
  anonymised) and `fm_access_log_purge` (the access log's own retention, leaves a checkpoint entry).

`apply_grants` is idempotent and runs after every `migrate` (post_migrate, `audit.apps`) when an
application role is configured, so new tables get the same grants.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import connections

# The lifecycle events are a log as well; named by label (audit knows the cases app only by data).
EXTRA_APPEND_ONLY = ("cases.CaseEvent",)
# Tables the application never changes after writing a row, beside the append-only logs.
NO_DELETE = ("audit.PurgeRun",)


def append_only_tables() -> list[str]:
    """The tables the application role may only read and append to."""
    import pghistory.models

    tables = [apps.get_model("audit", "AccessLog")._meta.db_table, "pghistory_context"]
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy and model._meta.managed:
            tables.append(model._meta.db_table)
    for label in EXTRA_APPEND_ONLY:
        tables.append(apps.get_model(label)._meta.db_table)
    return sorted(set(tables))


def app_role() -> str:
    """The application's database role: FM_DB_APP_ROLE, else the user of DATABASE_URL when a separate
    owner is configured; "" when the application runs as the owner (development without roles)."""
    return settings.FM_DB_APP_ROLE


def _q(name: str) -> str:
    return connections["default"].ops.quote_name(name)


def role_exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def ensure_role(cursor, role: str, *, password: str | None, login: bool = True) -> bool:
    """Create the role if missing (True when created); set its password when given. Never a superuser,
    never CREATEROLE/CREATEDB, never BYPASSRLS."""
    created = False
    if not role_exists(cursor, role):
        cursor.execute(f"CREATE ROLE {_q(role)} {'LOGIN' if login else 'NOLOGIN'}")
        created = True
    cursor.execute(f"ALTER ROLE {_q(role)} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION")
    if password:
        cursor.execute(f"ALTER ROLE {_q(role)} PASSWORD %s", [password])
    return created


def apply_grants(cursor, role: str) -> None:
    """(Re)grant exactly what the application needs on every table of the schema (idempotent)."""
    r = _q(role)
    cursor.execute("SELECT current_database()")
    database = cursor.fetchone()[0]
    cursor.execute(f"GRANT CONNECT, TEMPORARY ON DATABASE {_q(database)} TO {r}")
    cursor.execute(f"GRANT USAGE ON SCHEMA public TO {r}")
    cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM {r}")
    cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}")
    cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}")
    cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}")
    for table in append_only_tables():
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {_q(table)} FROM {r}")
    for label in NO_DELETE:
        cursor.execute(f"REVOKE DELETE, TRUNCATE ON {_q(apps.get_model(label)._meta.db_table)} FROM {r}")
    head = apps.get_model("audit", "AccessLogChainHead")._meta.db_table
    cursor.execute(f"REVOKE ALL ON {_q(head)} FROM {r}")
    cursor.execute(f"GRANT SELECT ON {_q(head)} TO {r}")  # verify_audit_log runs as the application
    cursor.execute(f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {r}")


# django-pgtrigger's ignore check, hardened: `pgtrigger.ignore` is honoured only for a role that may change
# the schema (the owner, and the SECURITY DEFINER functions running as it) — never for the application role,
# which can set the variable but thereby switches off neither a protection nor a change-history trigger.
# pgtrigger re-creates this function when it installs triggers (post_migrate of the pgtrigger app, which
# runs before the audit app's), so it is re-hardened after every migrate.
HARDENED_IGNORE = r"""
CREATE OR REPLACE FUNCTION "public"._pgtrigger_should_ignore(trigger_name NAME) RETURNS BOOLEAN AS $$
DECLARE
    _pgtrigger_ignore TEXT[];
    _result BOOLEAN;
BEGIN
    IF NOT has_schema_privilege(current_user, 'public', 'CREATE') THEN
        RETURN FALSE;
    END IF;
    BEGIN
        SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
        EXCEPTION WHEN OTHERS THEN
    END;
    IF _pgtrigger_ignore IS NOT NULL THEN
        SELECT trigger_name = ANY(_pgtrigger_ignore) INTO _result;
        RETURN _result;
    ELSE
        RETURN FALSE;
    END IF;
END;
$$ LANGUAGE plpgsql;
"""


def harden_trigger_ignore(cursor) -> None:
    cursor.execute(HARDENED_IGNORE)


def post_migrate_grants(sender, using="default", **kwargs) -> None:
    """After `migrate`: harden pgtrigger's ignore check; re-grant when an application role is configured
    and exists (new tables)."""
    with connections[using].cursor() as cursor:
        harden_trigger_ignore(cursor)
    role = app_role()
    if not role:
        return
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role or not role_exists(cursor, role):
            return
        apply_grants(cursor, role)
