"""WATS reports: lossless typed models, builders, limit evaluation, WSJF and WSXF I/O.

Loading keeps the document itself as storage, so a report read from WATS and written back is the
same JSON (unknown keys, key order, number types and date-time text included)::

    from pywats.report import UUTReport, read_wsjf, write_wsjf

    report = UUTReport.new(part_number="PCBA-1", serial_number="SN0001", revision="A",
                           process_code=100, location="Line 2", purpose="Production")
    power = report.root.add_sequence("Power")
    power.add_numeric("3V3 rail", 3.31, low=3.2, high=3.4, unit="V")
    power.add_pass_fail("Power good", True)
    report.propagate_failures()
    text = write_wsjf(report)
    assert read_wsjf(text) == report
"""

from pywats.report._codes import ChartType, CompOp, Status, StepGroup
from pywats.report._header import (
    AssetStats,
    AssetUsage,
    Failure,
    MiscInfo,
    SubUnit,
    UURInfo,
    UURSubUnit,
    UUTInfo,
)
from pywats.report._limits import numeric_passes, string_passes
from pywats.report._node import NodeList
from pywats.report._operations import Operations
from pywats.report._payloads import (
    AdditionalData,
    Attachment,
    BooleanMeasurement,
    CallExeInfo,
    Chart,
    ChartSeries,
    Loop,
    MessagePopupInfo,
    NumericMeasurement,
    SeqCallInfo,
    StringMeasurement,
)
from pywats.report._report import Report
from pywats.report._sequence import SequenceCall
from pywats.report._step import Step, StepList, UnknownStep, step_class_for
from pywats.report._step_types import (
    ActionStep,
    CallExecutableStep,
    ChartStep,
    FlowStep,
    MessagePopupStep,
    MultiNumericLimitStep,
    MultiPassFailStep,
    MultiStringValueStep,
    NumericLimitStep,
    PassFailStep,
    StringValueStep,
)
from pywats.report._timestamp import Timestamp
from pywats.report._uur import UURReport
from pywats.report._uut import UUTReport
from pywats.report._validate import (
    StepPath,
    StepRules,
    report_problems,
    searchable,
    station_problems,
    step_path,
)
from pywats.report._wsjf import read_wsjf, read_wsjf_all, report_from_json, write_wsjf
from pywats.report._wsxf_read import read_wsxf, read_wsxf_all
from pywats.report._wsxf_write import write_wsxf

__all__ = [
    "ActionStep",
    "AdditionalData",
    "AssetStats",
    "AssetUsage",
    "Attachment",
    "BooleanMeasurement",
    "CallExeInfo",
    "CallExecutableStep",
    "Chart",
    "ChartSeries",
    "ChartStep",
    "ChartType",
    "CompOp",
    "Failure",
    "FlowStep",
    "Loop",
    "MessagePopupInfo",
    "MessagePopupStep",
    "MiscInfo",
    "MultiNumericLimitStep",
    "MultiPassFailStep",
    "MultiStringValueStep",
    "NodeList",
    "NumericLimitStep",
    "NumericMeasurement",
    "Operations",
    "PassFailStep",
    "Report",
    "SeqCallInfo",
    "SequenceCall",
    "Status",
    "Step",
    "StepGroup",
    "StepList",
    "StepPath",
    "StepRules",
    "StringMeasurement",
    "StringValueStep",
    "SubUnit",
    "Timestamp",
    "UURInfo",
    "UURReport",
    "UURSubUnit",
    "UUTInfo",
    "UUTReport",
    "UnknownStep",
    "numeric_passes",
    "read_wsjf",
    "read_wsjf_all",
    "read_wsxf",
    "read_wsxf_all",
    "report_from_json",
    "report_problems",
    "searchable",
    "station_problems",
    "step_class_for",
    "step_path",
    "string_passes",
    "write_wsjf",
    "write_wsxf",
]
