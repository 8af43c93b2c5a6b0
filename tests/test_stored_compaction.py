"""Checkpoints leave deleted rows in place (db.NO_COMPACTING): the import's refresh does not pay for compacting
the stored figures it replaced, and the rows left behind do not pile up with the number of refreshes."""

from __future__ import annotations

from pipeline import db

# DuckDB's rows per row group
ROW_GROUP = 122_880
RUN = 50_000  # the rows of one "period": runs share row groups, as the stored groups of periods do


def _physical_rows(con) -> int:
    """The rows the row groups of the test's table hold on disk, deleted ones included (after a checkpoint)."""
    return con.execute(
        "select coalesce(sum(count), 0) from pragma_storage_info('churn') "
        "where column_id = 0 and segment_type <> 'VALIDITY'"
    ).fetchall()[0][0]


def _blocks(con) -> list[tuple]:
    return con.execute(
        "select row_group_id, count, block_id from pragma_storage_info('churn') "
        "where column_id = 1 and segment_type <> 'VALIDITY' order by row_group_id, segment_id"
    ).fetchall()


def _live_rows(con) -> int:
    return con.execute("select count(*) from churn").fetchall()[0][0]


def _runs(con, runs) -> None:
    """Runs of rows appended one after the other, as a refresh appends the groups of its periods."""
    for run in runs:
        con.execute("insert into churn select ?, range from range(?)", [run, RUN])


def test_a_writable_connection_does_not_compact(tmp_path):
    with db.session(tmp_path / "setting.duckdb") as con:
        assert con.execute("select current_setting('max_vacuum_tasks')").fetchall()[0][0] == 0


def test_a_checkpoint_after_deletes_rewrites_no_row_group(tmp_path):
    with db.session(tmp_path / "deletes.duckdb") as con:
        con.execute("create table churn (run integer, value bigint)")
        _runs(con, range(8))
        con.execute("checkpoint")
        before = _blocks(con)
        # half the rows deleted, spread over the first row groups: compacting would merge them into fewer
        con.execute("delete from churn where run in (1, 2, 4, 5)")
        con.execute("checkpoint")
        assert _live_rows(con) == 4 * RUN
        assert _blocks(con) == before  # the same row groups in the same blocks: nothing rewritten
        assert _physical_rows(con) == 8 * RUN
        assert con.execute("select list(distinct run order by run) from churn").fetchall()[0][0] == [0, 3, 6, 7]


def test_the_rows_a_refresh_replaces_do_not_pile_up(tmp_path):
    with db.session(tmp_path / "churn.duckdb") as con:
        con.execute("create table churn (run integer, value bigint)")
        _runs(con, range(6))
        con.execute("checkpoint")
        # refresh after refresh: the oldest run deleted, a new one appended; a row group is freed once all
        # of its rows are deleted, so what stays behind is the deleted part of a row group or two
        for run in range(6, 66):
            con.execute("delete from churn where run = ?", [run - 6])
            _runs(con, [run])
            con.execute("checkpoint")
            assert _physical_rows(con) <= 6 * RUN + 2 * ROW_GROUP
        assert _live_rows(con) == 6 * RUN
        runs = con.execute("select run, count(*), sum(value) from churn group by run order by run").fetchall()
        assert runs == [(run, RUN, RUN * (RUN - 1) // 2) for run in range(60, 66)]
