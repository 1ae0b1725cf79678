"""Report header objects: `uut` / `uur` headers, misc infos, sub-units, failures, assets."""

from __future__ import annotations

from pywats.report._node import Field, JSONObject, ListField, Node, TimeField

__all__ = [
    "AssetStats",
    "AssetUsage",
    "Failure",
    "MiscInfo",
    "SubUnit",
    "UURInfo",
    "UURSubUnit",
    "UUTInfo",
]


class UUTInfo(Node):
    """The `uut` object: who ran the test, where, how long, and which step failed the unit."""

    __slots__ = ()
    user: Field[str | None] = Field("user")
    comment: Field[str | None] = Field("comment")
    exec_time: Field[float | None] = Field("execTime")
    fixture_id: Field[str | None] = Field("fixtureId")
    test_socket_index: Field[int | None] = Field("testSocketIndex")
    batch_sn: Field[str | None] = Field("batchSN")
    batch_fail_count: Field[int | None] = Field("batchFailCount")
    batch_loop_index: Field[int | None] = Field("batchLoopIndex")
    error_code: Field[int | None] = Field("errorCode")
    error_message: Field[str | None] = Field("errorMessage")
    step_id_caused_uut_failure: Field[int | None] = Field("stepIdCausedUUTFailure")


class UURInfo(Node):
    """The `uur` object: the repair operator and the failed test run it repairs.

    `process_code` is the *test* operation the unit failed in (the envelope's is the repair's).
    """

    __slots__ = ()
    user: Field[str | None] = Field("user")
    comment: Field[str | None] = Field("comment")
    process_code: Field[int | None] = Field("processCode")
    process_name: Field[str | None] = Field("processName")
    ref_uut: Field[str | None] = Field("refUUT")
    confirm_date = TimeField("confirmDate")
    finalize_date = TimeField("finalizeDate")
    exec_time: Field[float | None] = Field("execTime")
    parent: Field[str | None] = Field("parent")
    active: Field[bool | None] = Field("active")


class MiscInfo(Node):
    """A `miscInfos` element: a searchable label with a text and/or a numeric value."""

    __slots__ = ()
    description: Field[str] = Field("description")
    text: Field[str | None] = Field("text")
    numeric: Field[float | int | None] = Field("numeric")


class SubUnit(Node):
    """A UUT `subUnits` element: a component built into the tested unit."""

    __slots__ = ()
    part_type: Field[str | None] = Field("partType")
    part_number: Field[str] = Field("pn")
    revision: Field[str | None] = Field("rev")
    serial_number: Field[str] = Field("sn")
    idx: Field[int | None] = Field("idx")
    position: Field[int | None] = Field("position")


class Failure(Node):
    """A UUR failure: fail-code `category`/`code`, where it was found, and the failed part."""

    __slots__ = ()
    category: Field[str | None] = Field("category")
    code: Field[str | None] = Field("code")
    comment: Field[str | None] = Field("comment")
    com_ref: Field[str | None] = Field("comRef")
    func_block: Field[str | None] = Field("funcBlock")
    ref_step_id: Field[int | None] = Field("refStepId")
    ref_step_name: Field[str | None] = Field("refStepName")
    art_number: Field[str | None] = Field("artNumber")
    art_rev: Field[str | None] = Field("artRev")
    art_vendor: Field[str | None] = Field("artVendor")
    art_description: Field[str | None] = Field("artDescription")


class UURSubUnit(SubUnit):
    """A UUR `subUnits` element: a unit involved in the repair (idx 0 is the repaired unit)."""

    __slots__ = ()
    parent_idx: Field[int | None] = Field("parentIdx")
    replaced_idx: Field[int | None] = Field("replacedIdx")
    failures = ListField("failures", Failure)

    def add_failure(
        self,
        category: str,
        code: str,
        *,
        comment: str | None = None,
        com_ref: str | None = None,
        func_block: str | None = None,
        ref_step_id: int | None = None,
        art_number: str | None = None,
        art_rev: str | None = None,
        art_vendor: str | None = None,
        art_description: str | None = None,
    ) -> Failure:
        """Record a failure; `category`/`code` are names from the repair operation's fail-code
        tree, `ref_step_id` the id of the UUT step that detected it."""
        raw: JSONObject = {
            "artNumber": art_number,
            "artRev": art_rev,
            "artVendor": art_vendor,
            "artDescription": art_description,
            "category": category,
            "code": code,
            "comment": comment,
            "comRef": com_ref,
            "funcBlock": func_block,
            "refStepId": ref_step_id,
        }
        failure = Failure(raw)
        self.failures.append(failure)
        return failure


class AssetUsage(Node):
    """An `assets` element: test equipment used in the run (`sn` must be registered)."""

    __slots__ = ()
    serial_number: Field[str] = Field("sn")
    usage_count: Field[int | None] = Field("usageCount")
    asset_type: Field[str | None] = Field("assetType")
    part_number: Field[str | None] = Field("partNumber")
    calibration_date = TimeField("calibrationDate")
    calibration_due = TimeField("calibrationDue")


class AssetStats(Node):
    """An `assetStats` element (computed by the server; kept as received)."""

    __slots__ = ()
    serial_number: Field[str | None] = Field("sn")
    running_count: Field[int | None] = Field("runningCount")
    total_count: Field[int | None] = Field("totalCount")
    message: Field[str | None] = Field("message")
