"""The PostgreSQL runtime role: what the application connects as, separate from the schema owner.

The owner (MIGRATE_DATABASE_URL) runs migrations and owns every table. The runtime role (DATABASE_URL)
gets ordinary DML on the application's tables and sequences, SELECT on django_migrations, and only
INSERT and SELECT on the append-only tables: without UPDATE, DELETE or TRUNCATE, and without ownership
(so it cannot ALTER TABLE ... DISABLE TRIGGER or DROP TRIGGER), the database itself refuses any rewrite.

`runtime_role_statements` builds the SQL (shown by `wegwijzer db runtime-role NAME --print`);
`runtime_role_apply` runs it idempotently and then checks the result with has_table_privilege, so a
grant inherited through role membership or PUBLIC is reported instead of silently left in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils.translation import gettext as _

from .pg import PROTECTED_TABLES

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
FORBIDDEN_ON_PROTECTED = ("UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
READ_ONLY_TABLES = ("django_migrations",)


class RoleError(Exception):
    """A runtime role that cannot be set up safely; the message is Dutch and meant for the operator."""


@dataclass(frozen=True)
class Context:
    database: str
    schema: str
    owner: str


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    # standard_conforming_strings is on by default since PostgreSQL 9.1: only quotes need doubling.
    return "'" + value.replace("'", "''") + "'"


def validate_role_name(name: str) -> str:
    if not ROLE_NAME.match(name or ""):
        raise RoleError(
            _("Ongeldige rolnaam '%(name)s': gebruik kleine letters, cijfers en _ (begin met een letter of _, "
              "hoogstens 63 tekens).") % {"name": name}
        )
    return name


def context(*, using: str = "default") -> Context:
    """Database, schema, and the owner of the migrated tables (the role whose future tables need grants)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_database(), current_schema(), "
            "COALESCE((SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename = 'django_migrations'), current_user)"
        )
        database, schema, owner = cursor.fetchone()
    return Context(database=database, schema=schema, owner=owner)


def runtime_role_statements(*, role: str, ctx: Context, password: str | None, show_password: bool = True) -> list[str]:
    """Every statement that creates or brings the runtime role to exactly the privileges it needs."""
    validate_role_name(role)
    r, schema, owner = _ident(role), _ident(ctx.schema), _ident(ctx.owner)
    protected = ", ".join(f"{schema}.{_ident(t)}" for t in PROTECTED_TABLES)
    read_only = ", ".join(f"{schema}.{_ident(t)}" for t in READ_ONLY_TABLES)
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
    if password is not None:
        attributes += " PASSWORD " + (_literal(password) if show_password else "'…'")
    return [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(role)}) "
        f"THEN CREATE ROLE {r}; END IF; END $$",
        f"ALTER ROLE {r} {attributes}",
        f"REVOKE ALL ON DATABASE {_ident(ctx.database)} FROM {r}",
        f"GRANT CONNECT ON DATABASE {_ident(ctx.database)} TO {r}",
        f"REVOKE ALL ON SCHEMA {schema} FROM {r}",
        f"GRANT USAGE ON SCHEMA {schema} TO {r}",
        # Start from nothing, so a re-run also takes back what an earlier grant gave.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {r}",
        f"REVOKE INSERT, UPDATE, DELETE ON {read_only} FROM {r}",
        f"REVOKE UPDATE, DELETE ON {protected} FROM {r}",
        # Tables and sequences that later migrations create (as the owner) are reachable without a re-run;
        # a new append-only table still needs a re-run, which takes its UPDATE/DELETE back.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]


def problems(*, role: str, ctx: Context, using: str = "default") -> list[str]:
    """What the role can still do to the append-only tables (e.g. inherited); empty when it is safe."""
    found: list[str] = []
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            return [_("De rol %(role)s bestaat niet.") % {"role": role}]
        if row[0]:
            found.append(_("De rol %(role)s is superuser.") % {"role": role})
        for table in PROTECTED_TABLES:
            qualified = f"{_ident(ctx.schema)}.{_ident(table)}"
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [qualified])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute(
                "SELECT pg_has_role(%s, c.relowner, 'MEMBER') FROM pg_class c WHERE c.oid = %s::regclass",
                [role, qualified],
            )
            if cursor.fetchone()[0]:
                found.append(_("De rol %(role)s is (lid van) de eigenaar van %(table)s.") % {"role": role, "table": table})
            # NOINHERIT hides a member role's rights from has_table_privilege, but SET ROLE reaches them.
            cursor.execute(
                "SELECT rolname, rolsuper FROM pg_roles WHERE pg_has_role(%s, oid, 'MEMBER') ORDER BY rolname",
                [role],
            )
            for holder, superuser in cursor.fetchall():
                via = "" if holder == role else _(" (via SET ROLE %(holder)s)") % {"holder": holder}
                if superuser and holder != role:
                    found.append(_("De rol %(role)s kan superuser %(holder)s worden.") % {"role": role, "holder": holder})
                for privilege in FORBIDDEN_ON_PROTECTED:
                    cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [holder, qualified, privilege])
                    if cursor.fetchone()[0]:
                        found.append(
                            _("De rol %(role)s heeft nog %(privilege)s op %(table)s%(via)s.")
                            % {"role": role, "privilege": privilege, "table": table, "via": via}
                        )
    return found


def runtime_role_apply(*, role: str, password: str | None, using: str = "default") -> list[str]:
    """Create or update the runtime role (idempotent); returns the statements run. Raises RoleError."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise RoleError(_("Een aparte runtime-rol bestaat alleen op PostgreSQL; SQLite kent geen rollen."))
    validate_role_name(role)
    if password is not None and "\x00" in password:
        raise RoleError(_("Het wachtwoord mag geen NUL-teken bevatten."))
    ctx = context(using=using)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (current,) = cursor.fetchone()
    if role in (current, ctx.owner):
        raise RoleError(
            _("De runtime-rol %(role)s mag niet de eigenaar van het schema zijn; kies een andere naam.")
            % {"role": role}
        )
    statements = runtime_role_statements(role=role, ctx=ctx, password=password)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        found = problems(role=role, ctx=ctx, using=using)
        if found:
            raise RoleError(" ".join(found))
    return runtime_role_statements(role=role, ctx=ctx, password=password, show_password=False)


def post_migrate_hint(sender, using="default", verbosity=1, **kwargs) -> None:
    """After `migrate` on PostgreSQL: remind the operator to re-run the runtime-role command.

    Default privileges already reach new tables, but only a re-run takes UPDATE/DELETE on a new
    append-only table back, so the reminder is printed whenever a runtime role has been set up.
    """
    import sys

    connection = connections[using]
    if connection.vendor != "postgresql" or verbosity < 1:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT grantee.rolname FROM pg_default_acl d, aclexplode(d.defaclacl) a "
            "JOIN pg_roles grantee ON grantee.oid = a.grantee WHERE d.defaclobjtype = 'r' ORDER BY 1"
        )
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        sys.stdout.write(
            _("Draai nu `wegwijzer db runtime-role %(name)s` opnieuw, zodat de runtime-rol precies de juiste "
              "rechten op de tabellen van deze migratie heeft.") % {"name": name} + "\n"
        )
