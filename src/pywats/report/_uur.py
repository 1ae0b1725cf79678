"""UUR reports: a repair of one unit, its failures, and repairs made from a failed UUT."""

from __future__ import annotations

import uuid
from datetime import datetime

from pywats.report._header import UURInfo, UURSubUnit
from pywats.report._node import JSONObject, ListField, NodeField
from pywats.report._report import Report, new_envelope
from pywats.report._uut import UUTReport

__all__ = ["UURReport"]


def _main_unit(part_number: str, revision: str, serial_number: str) -> JSONObject:
    """The repaired unit itself as sub-unit idx 0, with no failures yet."""
    return {
        "partType": "Main",
        "pn": part_number,
        "rev": revision,
        "sn": serial_number,
        "idx": 0,
        "failures": [],
    }


class UURReport(Report):
    """A repair of one unit (`type` "R"): the envelope, the `uur` header and repaired units."""

    __slots__ = ()
    TYPE = "R"
    uur = NodeField("uur", UURInfo)
    sub_units = ListField("subUnits", UURSubUnit)

    @classmethod
    def new(
        cls,
        *,
        part_number: str,
        serial_number: str,
        revision: str,
        process_code: int,
        test_process_code: int,
        station_name: str | None = None,
        location: str,
        purpose: str,
        operator: str | None = None,
        start: datetime | str | None = None,
        id: str | uuid.UUID | None = None,
        ref_uut: str | None = None,
        comment: str | None = None,
    ) -> UURReport:
        """A new repair report with the main unit (idx 0) ready for failures.

        `process_code` is the repair operation, `test_process_code` the test operation the unit
        failed in; defaults as for `UUTReport.new`.
        """
        raw = new_envelope(
            cls.TYPE,
            id=id,
            part_number=part_number,
            serial_number=serial_number,
            revision=revision,
            process_code=process_code,
            station_name=station_name,
            location=location,
            purpose=purpose,
            start=start,
        )
        raw["uur"] = {
            "comment": comment,
            "user": operator,
            "processCode": test_process_code,
            "refUUT": ref_uut,
        }
        raw["miscInfos"] = []
        raw["subUnits"] = [_main_unit(part_number, revision, serial_number)]
        return cls(raw)

    @classmethod
    def from_uut(
        cls,
        uut: UUTReport,
        *,
        category: str,
        code: str,
        process_code: int = 500,
        station_name: str | None = None,
        location: str | None = None,
        purpose: str = "Repair",
        operator: str | None = None,
        start: datetime | str | None = None,
        id: str | uuid.UUID | None = None,
        comment: str | None = None,
    ) -> UURReport:
        """A repair of the unit tested in `uut`: same unit, `refUUT` = its id, and one failure
        (`category`/`code`) on the main unit per failed leaf step, pointing at that step."""
        report = cls.new(
            part_number=uut.part_number,
            serial_number=uut.serial_number,
            revision=uut.revision,
            process_code=process_code,
            test_process_code=uut.process_code,
            station_name=station_name,
            location=location if location is not None else uut.location,
            purpose=purpose,
            operator=operator,
            start=start,
            id=id,
            ref_uut=uut.id,
            comment=comment,
        )
        main = report.main_unit
        for step in uut.steps():
            if step.status == "F" and not step.steps:
                main.add_failure(category, code, ref_step_id=step.id)
        return report

    @property
    def main_unit(self) -> UURSubUnit:
        """The repaired unit itself (sub-unit idx 0), created when absent."""
        for unit in self.sub_units:
            if unit.idx == 0:
                return unit
        unit = UURSubUnit(_main_unit(self.part_number, self.revision, self.serial_number))
        self.sub_units.insert(0, unit)
        return unit

    def add_sub_unit(
        self,
        part_type: str,
        part_number: str,
        serial_number: str,
        revision: str | None = None,
        *,
        parent_idx: int = 0,
        position: int | None = None,
        replaced_idx: int | None = None,
    ) -> UURSubUnit:
        """Record another unit involved in the repair; `idx` continues after the largest."""
        idx = max((u.idx or 0 for u in self.sub_units), default=0) + 1
        raw: JSONObject = {
            "partType": part_type,
            "pn": part_number,
            "rev": revision,
            "sn": serial_number,
            "idx": idx,
            "parentIdx": parent_idx,
            "position": position,
            "replacedIdx": replaced_idx,
            "failures": [],
        }
        unit = UURSubUnit(raw)
        self.sub_units.append(unit)
        return unit
