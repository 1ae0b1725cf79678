"""SAKI AOI panel XML → WATS UUT reports, one per board of the panel
(vendor-saki-sigmaquest-listen-klippel.md §1).

Each `Image` becomes a sequence `Image <id>` with `False Calls` (judged good at review) and
`Failed` (confirmed defects) sub-sequences, one string-value step per inspected component. An
image with a barcode of its own is a separate board and gets its own report; images without one
belong to the panel's barcode.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from pywats.report import SequenceCall, UUTReport
from pywats_client.converters._base import Converter, Source
from pywats_client.converters._mapping import (
    WITH_TIMEZONE,
    checked,
    localize,
    station_name,
    unit_identity,
    zone_from_name,
)
from pywats_client.converters._params import Parameter
from pywats_client.converters._xml import XmlDocument, child, children, load_xml, local

__all__ = ["SakiConverter"]

#: Image barcodes that name no board (the machine writes N/A when it read none).
_NO_BARCODE = {"", "N/A", "NA", "NONE"}
#: Component attributes kept beside the designator, and the defect attributes a SAKI
#: configuration may add (code, name, pin), under the names WATS shows.
_COMPONENT = (("partNumber", "Part number"), ("package", "Package"),
              ("description", "Description"))  # fmt: skip
_DEFECT = (("defectCode", "Defect code"), ("code", "Defect code"), ("defect", "Defect"),
           ("defectName", "Defect"), ("pin", "Pin"), ("pinNumber", "Pin"))  # fmt: skip


class SakiConverter(Converter):
    """SAKI AOI panel XML → one UUT report per board (image barcode, else the panel's)."""

    name = "saki"
    description = "SAKI AOI inspection results (panel XML)"
    patterns = ("*.xml",)
    parameters = (
        *WITH_TIMEZONE,
        Parameter("sequence_name", str, "SoftwareName",
                  "Sequence name when the file's Program has no name."),
        Parameter("sequence_version", str, "1.0.0",
                  "Sequence version when the file's Program has no version."),
    )  # fmt: skip

    def convert(self, source: Source) -> list[UUTReport]:
        doc = load_xml(source)
        panel = doc.root
        if local(panel) != "Panel":
            raise doc.error(panel, "is not a SAKI Panel root")
        serial = (panel.get("barcode") or "").strip()
        if not serial:
            raise doc.error(panel, "has no barcode (the panel serial number)")
        start = self._start(doc, panel)
        boards: dict[str, list[ET.Element]] = {serial: []}
        for image in children(panel, "Image"):
            own = (image.get("barcode") or "").strip()
            boards.setdefault(serial if own.upper() in _NO_BARCODE else own, []).append(image)
        if not boards[serial] and len(boards) > 1:
            del boards[serial]  # every image is a board of its own
        reports = []
        for index, (board, images) in enumerate(boards.items()):
            report = self._report(source, doc, panel, board, images, start, index)
            reports.append(checked(report, source, doc.where(images[0] if images else panel)))
        return reports

    def _start(self, doc: XmlDocument, panel: ET.Element) -> datetime:
        text = f"{panel.get('startDate') or ''} {panel.get('startTime') or ''}".strip()
        try:
            moment = datetime.strptime(text, "%m/%d/%Y %H:%M:%S")
            return localize(moment, zone_from_name(str(self.values["timezone"])))
        except ValueError:
            raise doc.error(
                panel, f"startDate/startTime {text!r} is not MM/dd/yyyy HH:mm:ss"
            ) from None

    def _report(
        self,
        source: Source,
        doc: XmlDocument,
        panel: ET.Element,
        serial: str,
        images: list[ET.Element],
        start: datetime,
        index: int,
    ) -> UUTReport:
        program = child(panel, "Program")
        attrs: dict[str, Any] = program.attrib if program is not None else {}
        identity = unit_identity(
            source, self.defaults, part_number=(panel.get("side") or "").strip() or None,
            revision=None, process_code=None, where=doc.where(panel),
        )  # fmt: skip
        report = UUTReport.new(
            id=source.report_id(index),
            part_number=identity.part_number,
            serial_number=serial,
            revision=identity.revision,
            process_code=identity.process_code,
            station_name=station_name(None, self.defaults.station_name, source),
            location=source.station.location,
            purpose=source.station.purpose,
            operator=(panel.get("operator") or "").strip() or self.defaults.operator,
            start=start,
            sequence_name=attrs.get("name") or str(self.values["sequence_name"]),
            sequence_version=attrs.get("ver") or str(self.values["sequence_version"]),
        )
        for image in images:
            self._image(doc, report.root, image)
        report.propagate_failures()
        # The panel's verdict for the panel board; a board of its own has its images' verdict.
        verdicts = [panel.get("result")] if serial == (panel.get("barcode") or "").strip() else []
        verdicts = verdicts or [image.get("result") for image in images]
        failed = any((v or "").strip().lower() == "failed" for v in verdicts)
        report.result = "F" if failed else "P"
        return report

    def _image(self, doc: XmlDocument, root: SequenceCall, image: ET.Element) -> None:
        sequence = root.add_sequence(f"Image {image.get('id') or ''}".strip())
        results = child(image, "Results")
        if results is None:
            raise doc.error(image, "has no Results")
        for list_name, title, status in (("FalseCalls", "False Calls", "P"),
                                         ("Failed", "Failed", "F")):  # fmt: skip
            references = children(child(results, list_name), "Reference")
            if not references:
                continue
            group = sequence.add_sequence(title)
            for reference in references:
                self._component(doc, group, reference, status)
            group.status = status
        sequence.status = "F" if (image.get("result") or "").strip().lower() == "failed" else "P"

    def _component(
        self, doc: XmlDocument, group: SequenceCall, reference: ET.Element, status: str
    ) -> None:
        designator = (reference.get("designator") or "").strip()
        if not designator:
            raise doc.error(reference, "has no designator")
        # A string-value step without a measurement, as the reference writes it: AOI judges
        # the component, it measures nothing.
        step = group.add_string(designator, "")
        step.measurements.clear()
        step.status = status
        details = [(label, reference.get(key)) for key, label in _COMPONENT]
        defects = [(label, reference.get(key)) for key, label in _DEFECT]
        for defect in children(reference, "Defect"):
            defects += [(label, defect.get(key)) for key, label in _DEFECT]
        props = [{"name": label, "type": "String", "value": value}
                 for label, value in details + defects if value]  # fmt: skip
        if props:
            step.add_additional_result("Component", props)
        named = [f"{label} {value}" for label, value in defects if value]
        if named:
            step.report_text = ", ".join(named)
