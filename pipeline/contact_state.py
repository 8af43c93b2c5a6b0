"""Each person's first and last contact date, and the last import that wrote one of his contacts, in one row
(contact_state), kept by the imports.

What asks about a person's whole history (never contacted, contacted before the pairing, the last contact before a
period, any earlier contact, 报送情况's last contact log of a unit) reads one row per person through
int_person_contact instead of every stored contact: at province scale, half a million rows instead of ten million.
An import stamps its batch on the contacts it adds or changes and no contact is ever deleted, so a person's last
import only moves forward, to the batch that writes one of his contacts. The rows are written in the import's
transaction, right after its contacts (merge._load_visits), so they are committed or rolled back with them; a backup
carries them like any table.

contact_state_mark holds how many contacts the rows account for. A query binds $contact_state_ok (bind()) and
int_person_contact reads the rows only while the mark equals the contacts stored; a contact written any other way
(by hand, by a tool) makes it read the contacts themselves until rebuild(): slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from pipeline import db

PARAMETER = "contact_state_ok"


def ok(con: duckdb.DuckDBPyConnection, inserted: int = 0) -> bool:
    """Whether the rows account for every stored contact (but the `inserted` a batch has just added)."""
    return bool(con.execute(db.read_sql("contact_state/state_ok.sql"), {"inserted": inserted}).fetchall()[0][0])


def bind(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]) -> dict[str, object]:
    """The parameters of a statement, with $contact_state_ok when the statement names it."""
    bound = dict(params)
    if f"${PARAMETER}" in sql:
        bound[PARAMETER] = ok(con)
    return bound


def after_batch(con: duckdb.DuckDBPyConnection, batch_id: int, inserted: int, updated: int) -> None:
    """Bring the rows of the people a batch wrote contacts for up to date, inside the import's transaction.

    The batch's contacts (`inserted` new, `updated` changed) widen the people's first and last contact and make the
    batch their last import of contacts; when it changed stored contacts, the people with a contact whose date can
    have moved (one with 记录编号) have their rows worked out again from all their contacts. Rows that were behind
    before the batch are rebuilt whole.
    """
    if not inserted and not updated:
        return
    if not ok(con, inserted):
        rebuild(con)
        return
    con.execute(db.read_sql("contact_state/batch_people.sql"), {"batch_id": batch_id})
    con.execute(db.read_sql("contact_state/add_batch.sql"))
    if updated:
        con.execute(db.read_sql("contact_state/redo_people.sql"))
    con.execute(db.read_sql("contact_state/mark.sql"))


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Every person's row worked out again from all the contacts."""
    con.execute(db.read_sql("contact_state/rebuild.sql"))
    con.execute(db.read_sql("contact_state/mark.sql"))
