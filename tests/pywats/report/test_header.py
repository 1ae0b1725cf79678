"""Header objects: the `uut`/`uur` views and UUR failures in the exported key order."""

from __future__ import annotations

from pywats.report import UURSubUnit, UUTInfo


def test_failures_are_written_in_export_order_without_output_only_keys() -> None:
    unit = UURSubUnit({"partType": "Main", "idx": 0})
    failure = unit.add_failure(
        "Component", "Burned Component", comment="hot", com_ref="U1", ref_step_id=5,
        art_number="IC-7", art_vendor="ACME",
    )  # fmt: skip
    assert list(failure.raw) == [
        "artNumber", "artRev", "artVendor", "artDescription", "category", "code", "comment",
        "comRef", "funcBlock", "refStepId",
    ]  # fmt: skip
    assert (failure.art_number, failure.art_vendor, failure.ref_step_id) == ("IC-7", "ACME", 5)
    assert unit.raw["failures"] == [failure.raw]


def test_uut_header_reads_and_writes_wats_keys() -> None:
    info = UUTInfo({"batchSN": "B1", "testSocketIndex": -1})
    info.fixture_id = "FX-12"
    info.step_id_caused_uut_failure = 4
    assert (info.batch_sn, info.test_socket_index) == ("B1", -1)
    assert info.raw == {
        "batchSN": "B1",
        "testSocketIndex": -1,
        "fixtureId": "FX-12",
        "stepIdCausedUUTFailure": 4,
    }
