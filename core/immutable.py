"""PostgreSQL triggers that keep the audit trail as it was written.

The admin and the API offer no way to edit or delete a transition log row or
a money record; these make the database itself refuse it, whatever the
client (a shell, a script, a future view). One trigger function,
`pea_immutable_guard()`, reads its rule from the trigger's arguments:

    frozen   columns never changed once the row exists ('*': the whole row)
    once     columns set once: from NULL (or '') to a value, never again —
             the facts the app records later (paid_at, approved_by, number …)
    deletable_while
             a column that, while blank, lets the row be deleted (the
             unresolved lines of a settlement report being recomputed);
             otherwise DELETE is always refused

Columns the app legitimately keeps updating (status, the PDF file paths,
rendered_at, downloads, counters, outcome) are in neither list.

Refusals raise SQLSTATE 23001 (restrict_violation): Django raises
IntegrityError. TRUNCATE fires no row trigger: test flushes keep working,
and the production role is not to be granted TRUNCATE on these tables.
A data migration that must correct a row disables the trigger for its
statement (ALTER TABLE … DISABLE TRIGGER …), in its own reviewed migration.

SQLite (the embedded mode) has no such triggers: `install` and `uninstall`
do nothing there."""

from dataclasses import dataclass

FUNCTION = "pea_immutable_guard"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    frozen text[] := TG_ARGV[0]::text[];
    once text[] := TG_ARGV[1]::text[];
    deletable_while text := TG_ARGV[2];
    col text;
    hit boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF deletable_while <> '' THEN
            EXECUTE format($q$SELECT coalesce(($1).%I::text, '') = ''$q$, deletable_while)
                INTO hit USING OLD;
            IF hit THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION '% rows are part of the audit trail and are never deleted',
            TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation',
                  HINT = 'Record a correcting entry (credit note, refund) instead.';
    END IF;
    IF frozen = ARRAY['*'] THEN
        IF OLD IS DISTINCT FROM NEW THEN
            RAISE EXCEPTION '% rows are part of the audit trail and are never changed',
                TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
    ELSE
        FOREACH col IN ARRAY frozen LOOP
            EXECUTE format('SELECT ($1).%1$I IS DISTINCT FROM ($2).%1$I', col)
                INTO hit USING OLD, NEW;
            IF hit THEN
                RAISE EXCEPTION '%.% is part of the audit trail and is never changed',
                    TG_TABLE_NAME, col
                    USING ERRCODE = 'restrict_violation';
            END IF;
        END LOOP;
    END IF;
    FOREACH col IN ARRAY once LOOP
        EXECUTE format(
            $q$SELECT ($1).%1$I IS DISTINCT FROM ($2).%1$I
               AND coalesce(($1).%1$I::text, '') <> ''$q$, col)
            INTO hit USING OLD, NEW;
        IF hit THEN
            RAISE EXCEPTION '%.% was recorded once and is never changed',
                TG_TABLE_NAME, col
                USING ERRCODE = 'restrict_violation';
        END IF;
    END LOOP;
    RETURN NEW;
END;
$$;
"""


@dataclass(frozen=True)
class Rule:
    """Field names (not columns) of one model; see the module docstring."""

    frozen: tuple[str, ...] = ("*",)
    once: tuple[str, ...] = ()
    deletable_while: str = ""


def _array(columns) -> str:
    return "{" + ",".join(columns) + "}"


def _columns(model, names) -> list[str]:
    if tuple(names) == ("*",):
        return ["*"]
    return [model._meta.get_field(name).column for name in names]


def trigger_name(table: str) -> str:
    return f"{table}_immutable"


def install(apps, schema_editor, rules: dict) -> None:
    """Create the function and one trigger per model of `rules`
    ({"app_label.Model": Rule}); historical models give tables and columns."""
    if schema_editor.connection.vendor != "postgresql":
        return
    # params=None: the SQL has % signs of its own (format()), no placeholders.
    schema_editor.execute(FUNCTION_SQL, params=None)
    for label, rule in rules.items():
        model = apps.get_model(label)
        table = model._meta.db_table
        frozen = _columns(model, rule.frozen)
        once = _columns(model, rule.once)
        deletable = (
            model._meta.get_field(rule.deletable_while).column
            if rule.deletable_while
            else ""
        )
        name = trigger_name(table)
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{name}" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}"
            f"('{_array(frozen)}', '{_array(once)}', '{deletable}')"
        )


def uninstall(apps, schema_editor, rules: dict) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for label in rules:
        table = apps.get_model(label)._meta.db_table
        schema_editor.execute(
            f'DROP TRIGGER IF EXISTS "{trigger_name(table)}" ON "{table}"'
        )
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
