"""A typed client of the control API, for the CLI and the configurator.

It imports httpx and the contract (`_control_models`), never the server stack (Starlette,
uvicorn): `pywats-client status` and the configurator stay quick to start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from pywats_client._control_models import (
    ENDPOINT_FILE,
    TOKEN_FILE,
    ConverterEntry,
    DryRunRequest,
    DryRunResult,
    Endpoint,
    ErrorBody,
    Health,
    Item,
    QuarantinedFile,
    ReloadResult,
    RetryNowResult,
    ServiceStatus,
    VerifyProblem,
)

__all__ = ["ControlClient", "ControlError", "ServiceNotRunning"]

_T = TypeVar("_T")
_M = TypeVar("_M", bound=BaseModel)
# Answers that are bodies, not errors, whatever their status (503 degraded, 422 refused).
_BODY_ON_ERROR = ("/health", "/dry-run", "/config/reload")


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
            url = Endpoint.model_validate_json(text).url
        except ValidationError:
            raise ServiceNotRunning(
                f'{endpoint_file}: expected the JSON object with a "url" that the running '
                "service writes; restart the service to write it again"
            ) from None
        return cls(url, token, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ControlClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The answer, checked to be the service's; ControlError carries its error message."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ServiceNotRunning(
                f"the service does not answer at {self._http.base_url}: {exc}"
            ) from None
        if response.status_code >= 400 and path not in _BODY_ON_ERROR:
            try:
                error = ErrorBody.model_validate_json(response.content).error
            except ValidationError:
                raise self._stranger(method, path, response) from None
            raise ControlError(f"{method} {path}: {response.status_code} {error}")
        return response

    def _get(self, shape: type[_M], method: str, path: str, **kwargs: Any) -> _M:
        response = self._send(method, path, **kwargs)
        try:
            return shape.model_validate_json(response.content)
        except ValidationError:
            raise self._stranger(method, path, response) from None

    def _list(self, shape: TypeAdapter[list[_T]], path: str, **kwargs: Any) -> list[_T]:
        response = self._send("GET", path, **kwargs)
        try:
            return shape.validate_json(response.content)
        except ValidationError:
            raise self._stranger("GET", path, response) from None

    def _text(self, path: str) -> str:
        response = self._send("GET", path)
        if not response.headers.get("content-type", "").startswith("text/plain"):
            raise self._stranger("GET", path, response)
        return response.text

    def _stranger(self, method: str, path: str, response: httpx.Response) -> ControlError:
        # Something answers at the endpoint the service wrote, but not as the service does:
        # the service has stopped and another program took its port, or its token changed.
        return ControlError(
            f"{method} {path}: {self._http.base_url} answered {response.status_code} but not as "
            "a pywats-client service; if the service is running, restart it to write its "
            "endpoint and token files again"
        )

    def status(self) -> ServiceStatus:
        return self._get(ServiceStatus, "GET", "/status")

    def health(self) -> Health:
        return self._get(Health, "GET", "/health")

    def metrics(self) -> str:
        return self._text("/metrics")

    def outbox(self, state: str | None = None, limit: int = 100) -> list[Item]:
        """Outbox items in queue order, optionally of one state."""
        params: dict[str, Any] = {"limit": limit}
        if state:
            params["state"] = state
        return self._list(_ITEMS, "/outbox", params=params)

    def retry_item(self, report_id: str) -> None:
        self._send("POST", f"/outbox/{report_id}/retry")

    def retry_now(self) -> int:
        """Try every pending report now; returns how many were waiting."""
        return self._get(RetryNowResult, "POST", "/outbox/retry-now").pending

    def delete_item(self, report_id: str) -> None:
        self._send("DELETE", f"/outbox/{report_id}")

    def verify(self) -> list[VerifyProblem]:
        """Where outbox documents and rows disagree."""
        return self._list(_PROBLEMS, "/outbox/verify")

    def quarantine(self) -> list[QuarantinedFile]:
        return self._list(_FILES, "/quarantine")

    def quarantine_log(self, name: str) -> str:
        return self._text(f"/quarantine/{name}/log")

    def retry_quarantined(self, name: str) -> None:
        self._send("POST", f"/quarantine/{name}/retry")

    def delete_quarantined(self, name: str) -> None:
        self._send("DELETE", f"/quarantine/{name}")

    def converters(self) -> list[ConverterEntry]:
        return self._list(_CONVERTERS, "/converters")

    def dry_run(
        self, converter: str, name: str, data: bytes, parameters: dict[str, Any] | None = None
    ) -> DryRunResult:
        """Convert `data` as file `name` in the service without queueing."""
        body = DryRunRequest.of(converter, name, data, parameters)
        return self._get(DryRunResult, "POST", "/dry-run", json=body.model_dump())

    def reload(self) -> ReloadResult:
        """Re-read the config file: what was applied, what needs a restart, or the error."""
        return self._get(ReloadResult, "POST", "/config/reload")


_ITEMS = TypeAdapter(list[Item])
_FILES = TypeAdapter(list[QuarantinedFile])
_PROBLEMS = TypeAdapter(list[VerifyProblem])
_CONVERTERS = TypeAdapter(list[ConverterEntry])
