"""A typed client of the control API, for the CLI and the configurator."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx

from pywats_client._control import ENDPOINT_FILE, TOKEN_FILE
from pywats_client._outbox import Item
from pywats_client._quarantine import QuarantinedFile

__all__ = ["ControlClient", "ControlError", "ServiceNotRunning"]


class ControlError(Exception):
    """The control API answered with an error; the message is the service's."""


class ServiceNotRunning(ControlError):
    """No service answers for this data folder."""


class ControlClient:
    """Talks to one running service. Build it with `for_data_folder(config.paths.data)`."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0) -> None:
        self._http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout
        )

    @classmethod
    def for_data_folder(cls, data: Path, *, timeout: float = 10.0) -> ControlClient:
        """Find the service through the endpoint and token files it keeps in `data`.

        Raises ServiceNotRunning when they are absent, or naming the endpoint file when it is
        not one the service wrote (truncated, edited).
        """
        endpoint_file = data / ENDPOINT_FILE
        try:
            text = endpoint_file.read_text(encoding="utf-8")
            token = (data / TOKEN_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            raise ServiceNotRunning(
                f"no running service found for data folder {data} (start it with "
                "`pywats-client run --config FILE` or `pywats-client start`)"
            ) from None
        try:
            url = json.loads(text)["url"]
        except (ValueError, TypeError, KeyError):
            url = None
        if not isinstance(url, str):
            raise ServiceNotRunning(
                f'{endpoint_file}: expected the JSON object with a "url" that the running '
                "service writes; restart the service to write it again"
            )
        return cls(url, token, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ServiceNotRunning(
                f"the service does not answer at {self._http.base_url}: {exc}"
            ) from None
        if response.headers.get("content-type", "").startswith("text/plain"):
            body: Any = response.text
        else:
            try:
                body = response.json()
            except ValueError:
                raise self._stranger(method, path, response) from None
        if response.status_code >= 400 and path not in ("/health", "/dry-run", "/config/reload"):
            if not (isinstance(body, dict) and "error" in body):
                raise self._stranger(method, path, response)
            raise ControlError(f"{method} {path}: {response.status_code} {body['error']}")
        return body

    def _stranger(self, method: str, path: str, response: httpx.Response) -> ControlError:
        # Something answers at the endpoint the service wrote, but not as the service does:
        # the service has stopped and another program took its port, or its token changed.
        return ControlError(
            f"{method} {path}: {self._http.base_url} answered {response.status_code} but not as "
            "a pywats-client service; if the service is running, restart it to write its "
            "endpoint and token files again"
        )

    def status(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/status")
        return result

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/health")
        return result

    def metrics(self) -> str:
        return str(self._call("GET", "/metrics"))

    def outbox(self, state: str | None = None, limit: int = 100) -> list[Item]:
        """Outbox items in queue order, optionally of one state."""
        params: dict[str, Any] = {"limit": limit}
        if state:
            params["state"] = state
        return [Item(**row) for row in self._call("GET", "/outbox", params=params)]

    def retry_item(self, report_id: str) -> None:
        self._call("POST", f"/outbox/{report_id}/retry")

    def retry_now(self) -> int:
        """Try every pending report now; returns how many were waiting."""
        return int(self._call("POST", "/outbox/retry-now")["pending"])

    def delete_item(self, report_id: str) -> None:
        self._call("DELETE", f"/outbox/{report_id}")

    def verify(self) -> list[tuple[str, str]]:
        """`(file, problem)` pairs where outbox files and rows disagree."""
        return [(p["file"], p["problem"]) for p in self._call("GET", "/outbox/verify")]

    def quarantine(self) -> list[QuarantinedFile]:
        return [QuarantinedFile(**row) for row in self._call("GET", "/quarantine")]

    def quarantine_log(self, name: str) -> str:
        return str(self._call("GET", f"/quarantine/{name}/log"))

    def retry_quarantined(self, name: str) -> None:
        self._call("POST", f"/quarantine/{name}/retry")

    def delete_quarantined(self, name: str) -> None:
        self._call("DELETE", f"/quarantine/{name}")

    def converters(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/converters")
        return result

    def dry_run(
        self, converter: str, name: str, data: bytes, parameters: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Convert `data` as file `name` in the service without queueing: `ok`, `reports` (WSJF
        objects) or `error`, and `log`."""
        body = {
            "converter": converter,
            "name": name,
            "content_base64": base64.b64encode(data).decode("ascii"),
            "parameters": parameters or {},
        }
        result: dict[str, Any] = self._call("POST", "/dry-run", json=body)
        return result

    def reload(self) -> dict[str, Any]:
        """Re-read the config file: `ok`, `applied`, `restart_required` or `error`."""
        result: dict[str, Any] = self._call("POST", "/config/reload")
        return result
