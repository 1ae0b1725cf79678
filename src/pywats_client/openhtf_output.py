"""An OpenHTF output callback that gets every test record into WATS without losing one.

    import openhtf
    from pywats_client.openhtf_output import WatsOutput

    test = openhtf.Test(...)
    test.add_output_callbacks(WatsOutput(folder="C:/WATS/openhtf"))

With only `folder`, each record is written there as OpenHTF JSON (atomically: a temporary name,
fsync, rename, fsync of the folder), for the station service to convert (converter type
`openhtf` watching that folder), queue and upload. With `client` as well, the record is
converted and submitted directly through the SDK, for stations that run no service: the
station identity is the one the service would use (its configuration when
`$PYWATS_CLIENT_CONFIG` names one, else its defaults), and a report that cannot be submitted
waits in a pending folder that every later record (and `flush()`) submits first. A record
that cannot be converted is written to `folder`, where a station service would quarantine it
with the reason. OpenHTF itself is imported only when a record arrives.
"""

from __future__ import annotations

import importlib
import json
import logging
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pywats import WATS
from pywats.report import station_problems
from pywats_client._durable import DiskIO
from pywats_client._handoff import Handoff
from pywats_client._identity import Station
from pywats_client.converters import ConversionError, Source
from pywats_client.converters.openhtf import OpenHtfConverter

__all__ = ["WatsOutput", "record_json"]

_log = logging.getLogger(__name__)


def record_json(test_record: Any) -> bytes:
    """The OpenHTF JSON of a test record (attachments inline, NaN allowed), as UTF-8 bytes.

    Accepts an `openhtf` TestRecord, or a record already converted to base types (a mapping).
    """
    if isinstance(test_record, Mapping):
        return json.dumps(test_record, ensure_ascii=False).encode("utf-8")
    # Imported here so that the module loads (and records convert) without OpenHTF installed.
    json_factory: Any = importlib.import_module("openhtf.output.callbacks.json_factory")
    converted = json_factory.convert_test_record_to_json(test_record, inline_attachments=True,
                                                         allow_nan=True)  # fmt: skip
    return "".join(json_factory.stream_json(converted, allow_nan=True)).encode("utf-8")


class WatsOutput:
    """OpenHTF output callback: hand each record to the station service, or submit it.

    `folder` is the watch folder of an `openhtf` converter in the station service (in direct
    mode: where records that cannot be converted go). `client` submits directly;
    `parameters` are the `openhtf` converter parameters (part number, revision, operation code,
    ...), `station` the identity written into directly submitted reports and `pending` where
    reports wait that could not be submitted (default `<folder>/pending`). Missing parameters
    or a station without location or purpose raise at construction, not at the first record.
    """

    def __init__(
        self,
        *,
        folder: str | Path,
        client: WATS | None = None,
        parameters: Mapping[str, object] | None = None,
        station: Station | None = None,
        pending: str | Path | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.handoff: Handoff | None = None
        if client is not None:
            self.converter = OpenHtfConverter(parameters)
            self.handoff = Handoff(
                client=client,
                station=station,
                pending=Path(pending) if pending is not None else self.folder / "pending",
            )
            _check_identity(self.handoff.station)

    def __call__(self, test_record: Any) -> None:
        data = record_json(test_record)
        name = f"{_safe(test_record)}-{uuid.uuid4().hex[:12]}.json"
        if self.handoff is None:
            DiskIO().write_atomic(self.folder / name, data)
            return
        source = Source(self.folder / name, data, self.handoff.station)
        try:
            reports = list(self.converter.convert(source))
        except ConversionError as exc:
            _log.error("record %s cannot be converted, kept in %s: %s", name, self.folder, exc)
            DiskIO().write_atomic(self.folder / name, data)
            return
        for report in reports:
            self.handoff.deliver(report)

    def flush(self) -> int:
        """Submit the reports waiting in the pending folder; returns how many went."""
        return 0 if self.handoff is None else self.handoff.flush()


def _check_identity(station: Station) -> None:
    """Refuse a station identity that the SDK's submit rule would refuse in every report."""
    header = {"machineName": station.name, "location": station.location, "purpose": station.purpose}
    problems = station_problems(header)
    if problems:
        said = "; ".join(f"{key}: {message}" for key, message in problems)
        raise ValueError(f"station {station.name!r}: {said} (WATS refuses such reports)")


def _safe(test_record: Any) -> str:
    dut = (
        test_record.get("dut_id")
        if isinstance(test_record, Mapping)
        else getattr(test_record, "dut_id", None)
    )
    text = str(dut or "record")
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:64]
