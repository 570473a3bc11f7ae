"""The directory's search on PostgreSQL: `unaccent` (accents ignored) and `pg_trgm` (typos tolerated).

Both operations are no-ops on other databases (SQLite, the embedded default, searches with `icontains`).
No trigram index: the directory ranks a concatenation of person, function and organisation passed through
`unaccent()`, which is not immutable and so cannot be indexed; a few thousand rows are scanned in
milliseconds.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class PostgresOnlyMixin:
    """CreateExtension skips other vendors going forwards only: skip them going backwards too."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Unaccent(PostgresOnlyMixin, UnaccentExtension):
    pass


class Trigram(PostgresOnlyMixin, TrigramExtension):
    pass


class Migration(migrations.Migration):
    dependencies = [("accompagnement", "0007_roles_personnel")]

    operations = [Unaccent(), Trigram()]
