"""Input files of every kind for whole-station tests, and the check that each was handled."""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from pathlib import Path

from pywats_client.converters import report_id

from ._harness import Expected


class Inputs(Expected):
    """Files written into a watch folder: reports of each kind and files no converter reads."""

    def __init__(self, station: str) -> None:
        super().__init__(station)
        self.broken: list[str] = []

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

    def check_quarantined(self, quarantine: Path) -> None:
        """Every unreadable file is in `quarantine` once, with the converter's reason."""
        for name in self.broken:
            reasons = list(quarantine.glob(f"*{name}.reason.json"))
            assert len(reasons) == 1, f"{name} not quarantined exactly once"
            assert "not a WSJF report" in json.loads(reasons[0].read_text())["reason"]
