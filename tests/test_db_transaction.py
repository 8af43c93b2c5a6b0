"""db.transaction(): the one way the pipeline begins, commits and rolls back a transaction."""

from __future__ import annotations

import duckdb
import pytest

from pipeline import db


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("create table t (k integer)")
    yield connection
    connection.close()


def _keys(con) -> list[int]:
    return [k for (k,) in con.execute("select k from t order by k").fetchall()]


def test_the_block_is_committed_when_it_ends(con):
    with db.transaction(con):
        con.execute("insert into t values (1)")
    with db.transaction(con):  # nothing left open: a new transaction can begin
        con.execute("insert into t values (2)")
    assert _keys(con) == [1, 2]


def test_an_error_rolls_the_block_back_and_is_raised(con):
    with pytest.raises(ValueError, match="bad row"), db.transaction(con):
        con.execute("insert into t values (1)")
        raise ValueError("bad row")
    assert _keys(con) == []
    with db.transaction(con):  # the failed block left no transaction open
        con.execute("insert into t values (2)")
    assert _keys(con) == [2]


def test_rollback_undoes_the_block_without_an_error(con):
    with db.transaction(con):
        con.execute("insert into t values (1)")
        raise db.Rollback
    assert _keys(con) == []
    with db.transaction(con):
        con.execute("insert into t values (2)")
    assert _keys(con) == [2]


def test_a_failed_statement_is_rolled_back_and_its_error_kept(con):
    con.execute("create table u (k integer primary key)")
    with pytest.raises(duckdb.ConstraintException), db.transaction(con):
        con.execute("insert into t values (1)")
        con.execute("insert into u values (1), (1)")
    assert _keys(con) == []


def test_a_nested_use_is_refused_and_the_callers_transaction_left_to_the_caller(con):
    con.execute("begin transaction")
    con.execute("insert into t values (1)")
    with pytest.raises(duckdb.TransactionException, match="within a transaction"), db.transaction(con):
        con.execute("insert into t values (2)")
    # DuckDB has marked the caller's transaction failed; transaction() did not end it: the caller's rollback does
    with pytest.raises(duckdb.TransactionException, match="aborted"):
        con.execute("insert into t values (3)")
    con.execute("rollback")
    assert _keys(con) == []
