"""`ProcessStore.operations`: what the submit rules check, read fresh for every report."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from pywats.report import Operations
from pywats_server.storage import Database, ProcessStore
from pywats_server.storage.processes import Process, RepairCategory, RepairOperation

_codes = itertools.count(9100)


@pytest.fixture
def database(server_db_url: str) -> Iterator[Database]:
    database = Database(server_db_url)
    yield database
    database.dispose()


def _recomputed(store: ProcessStore) -> Operations:
    """The operations as the process list and the repair configurations describe them."""

    def below(node: RepairCategory) -> frozenset[str]:
        return frozenset(c.description for c in node.children).union(*map(below, node.children))

    every, configured = store.all(), store.repair_operations()
    return Operations(
        test=frozenset(p.code for p in every if p.is_test),
        repair=frozenset(p.code for p in every if p.is_repair),
        fail_codes={op.code: {c.description: below(c) for c in op.categories} for op in configured},
        uut_required=frozenset(op.code for op in configured if op.uut_required),
    )


def test_the_operations_are_the_processes_and_their_fail_code_trees(database: Database) -> None:
    store = ProcessStore(database)
    operations = store.operations()
    assert operations == _recomputed(store)
    assert operations.test
    assert operations.fail_codes


def test_an_edit_through_another_server_counts_for_the_next_report(
    database: Database, server_db_url: str
) -> None:
    reader = ProcessStore(database)
    reader.operations()  # read once, so that what it remembers is now out of date
    other = Database(server_db_url)
    writer = ProcessStore(other)
    code = next(_codes)
    try:
        writer.save(Process(code, f"Rework {code}", is_repair=True))
        tree = (RepairCategory("Solder", children=(RepairCategory("Bridge"),)),)
        writer.save_repair_operation(RepairOperation(code, uut_required=0, categories=tree))
        operations = reader.operations()
        assert code in operations.repair
        assert operations.fail_codes[code] == {"Solder": frozenset({"Bridge"})}
        assert code not in operations.uut_required

        deeper = (
            RepairCategory(
                "Solder",
                children=(RepairCategory("Bridge", children=(RepairCategory("Cold joint"),)),),
            ),
        )
        writer.save_repair_operation(RepairOperation(code, uut_required=1, categories=deeper))
        operations = reader.operations()
        assert operations.fail_codes[code] == {"Solder": frozenset({"Bridge", "Cold joint"})}
        assert code in operations.uut_required
        assert operations == _recomputed(reader)
    finally:
        writer.delete(code)
        other.dispose()
    operations = reader.operations()
    assert code not in operations.repair
    assert code not in operations.fail_codes
