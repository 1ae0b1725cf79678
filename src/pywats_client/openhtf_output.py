"""An OpenHTF output callback that gets every test record into WATS without losing one.

    import openhtf
    from pywats_client.openhtf_output import WatsOutput

    test = openhtf.Test(...)
    test.add_output_callbacks(WatsOutput(folder="C:/WATS/openhtf"))

With only `folder`, each record is written there as OpenHTF JSON (atomically: a temporary name,
fsync, rename, fsync of the folder), for the station service to convert (converter type
`openhtf` watching that folder), queue and upload. With `client` as well, the record is
converted and submitted directly through the SDK, for stations that run no service; when that
fails for any reason the record is written to `folder` instead, so it is never lost, and the
error is logged. OpenHTF itself is imported only when a record arrives.
"""

from __future__ import annotations

import importlib
import json
import logging
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pywats import WATS, WATSError
from pywats_client._durable import DiskIO
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

    `folder` is the watch folder of an `openhtf` converter in the station service (and the
    fallback when a direct submit fails). `client` submits directly; `parameters` are the
    `openhtf` converter parameters (part number, revision, operation code, ...) and `station`
    the identity written into directly submitted reports.
    """

    def __init__(
        self,
        *,
        folder: str | Path,
        client: WATS | None = None,
        parameters: Mapping[str, object] | None = None,
        station: Station | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.client = client
        self.converter = OpenHtfConverter(parameters)
        self.station = station or Station.detect()
        self.folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, test_record: Any) -> None:
        data = record_json(test_record)
        name = f"{_safe(test_record)}-{uuid.uuid4().hex[:12]}.json"
        if self.client is not None:
            try:
                self._submit(name, data)
                return
            except (WATSError, ConversionError, OSError) as exc:
                _log.warning("direct submit of %s failed, kept in %s: %s", name, self.folder, exc)
        self._write(name, data)

    def _submit(self, name: str, data: bytes) -> None:
        assert self.client is not None
        source = Source(self.folder / name, data, self.station)
        for report in self.converter.convert(source):
            self.client.reports.submit(report)

    def _write(self, name: str, data: bytes) -> Path:
        """Write `data` as `folder/name` so that the file appears complete or not at all."""
        final = self.folder / name
        DiskIO().write_atomic(final, data)
        return final


def _safe(test_record: Any) -> str:
    dut = (
        test_record.get("dut_id")
        if isinstance(test_record, Mapping)
        else getattr(test_record, "dut_id", None)
    )
    text = str(dut or "record")
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)[:64]
