"""Input files for whole-station tests, and the check that everything arrived."""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pywats import WATS, NotFoundError
from pywats_client.converters import report_id


@dataclass
class Inputs:
    """Files written into a watch folder and the reports each must become on the server."""

    station: str
    expected: dict[str, dict[str, Any]] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)

    def write(self, folder: Path, samples: Path, copies: int = 1) -> None:
        """Per copy: a UUT and a UUR with their own ids, a two-report file without ids, and
        one file no converter can read."""
        folder.mkdir(parents=True, exist_ok=True)
        uut = json.loads((samples / "wats" / "uut-wsjf-export.json").read_bytes())
        uur = json.loads((samples / "wats" / "uur-example.json").read_bytes())
        for n in range(copies):
            for name, template in (("uut", uut), ("uur", uur)):
                document = copy.deepcopy(template)
                document["id"] = str(uuid.uuid4())
                document["sn"] = f"{self.station}-{name}-{n}"
                (folder / f"{name}-{n}.json").write_text(json.dumps(document))
                self.expected[document["id"]] = document
            batch = []
            for index in range(2):
                document = copy.deepcopy(uut)
                del document["id"]
                document["sn"] = f"{self.station}-batch-{n}-{index}"
                batch.append(document)
            data = json.dumps(batch).encode()
            (folder / f"batch-{n}.json").write_bytes(data)
            digest = hashlib.sha256(data).hexdigest()
            for index, document in enumerate(batch):
                expected_id = report_id(self.station, digest, index)
                self.expected[expected_id] = dict(document, id=expected_id)
            (folder / f"broken-{n}.json").write_text('{"type": "T", "sn": ')
            self.broken.append(f"broken-{n}.json")

    def missing_on(self, client: WATS) -> list[str]:
        """Expected ids the server does not have yet."""
        missing = []
        for expected_id in self.expected:
            try:
                client.reports.get(expected_id)
            except NotFoundError:
                missing.append(expected_id)
        return missing

    def check(self, client: WATS, quarantine: Path) -> None:
        """Every input is on the server with the expected content, or quarantined with a
        reason; the server holds no other report from this station."""
        for expected_id, document in self.expected.items():
            assert client.reports.get(expected_id).raw == document, expected_id
        found = {
            header.uuid.lower()
            for kind in ("U", "R")
            for header in client.reports.query_headers(
                f"startswith(serialNumber,'{self.station}-')", report_type=kind, top=10_000
            )
        }
        assert found == set(self.expected), "unexpected or missing ids on the server"
        for name in self.broken:
            reasons = list(quarantine.glob(f"*{name}.reason.json"))
            assert len(reasons) == 1, f"{name} not quarantined exactly once"
            assert "not a WSJF report" in json.loads(reasons[0].read_text())["reason"]
