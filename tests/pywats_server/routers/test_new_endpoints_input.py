"""Bad input to the endpoints added for issue 13 gets a 4xx naming what is wrong, never a 5xx:
tampered session cookies, bodies of the wrong shape, forged tokens, unknown ids."""

from __future__ import annotations

import httpx
import pytest

CASES = [
    ("POST", "/api/internal/UnitFlow", {"json": [1, 2]}, 400),
    ("POST", "/api/internal/UnitFlow", {"json": {"processCodes": "ten"}}, 400),
    ("POST", "/api/internal/UnitFlow/SplitBy", {"json": {}}, 400),
    ("GET", "/api/internal/UnitFlow/Nodes", {"cookies": {"WATS_UnitFlow": "%%%"}}, 200),
    ("POST", "/api/App/OeeAnalysis", {"json": {"dateFrom": "yesterday"}}, 400),
    ("GET", "/api/Report/Certificate/nope", {}, 404),
    ("GET", "/api/SCIM/v2/Token", {"params": {"duration": "x"}}, 400),
    ("POST", "/api/internal/App/MeasurementList", {"params": {"stepFilters": "<a"}}, 400),
    ("GET", "/api/internal/App/StepStatusList", {"params": {"days": 1}}, 400),
    ("GET", "/api/internal/Production/GetUnitInfo", {"params": {"serialNumber": "x"}}, 400),
    (
        "GET",
        "/api/internal/Production/GetUnitPhase",
        {"params": {"serialNumber": "x", "partNumber": "y"}},
        404,
    ),
    (
        "PUT",
        "/api/internal/Production/SerialNumbers/Free",
        {"json": [{"serialNumberType": 3}]},
        400,
    ),
    ("PUT", "/api/internal/Production/SerialNumbers/Free", {"json": []}, 400),
    ("DELETE", "/api/Product/BOM", {}, 405),
    ("DELETE", "/api/Product/nope-product", {}, 404),
    ("GET", "/api/Production/Unit/Query", {"params": {"$filter": "serialNumber eq"}}, 400),
    ("GET", "/api/Production/Unit/Query", {"params": {"$expand": "subUnits"}}, 400),
    (
        "PUT",
        "/api/Production/UnitTag",
        {"params": {"serialNumber": "x", "partNumber": "y", "key": "k"}},
        404,
    ),
    ("GET", "/api/internal/Software/GetSoftwareEntityDetails", {"params": {"packageId": "x"}}, 404),
    (
        "GET",
        "/api/internal/Software/GetPackageHistory",
        {"params": {"tags": "a", "status": "Gone"}},
        400,
    ),
    (
        "POST",
        "/api/internal/Software/DeletePackageFolderFiles",
        {"params": {"packageFolderFileIds": ","}},
        400,
    ),
    ("GET", "/api/internal/Software/Log", {"params": {"packageId": "x", "downloadSize": 1}}, 404),
    ("GET", "/api/internal/Software/Log", {"params": {"packageId": "x", "downloadSize": "a"}}, 400),
    ("GET", "/api/internal/Software/GetPackageDownloadHistory", {}, 400),
    ("POST", "/api/internal/Trigger/GetAlarmAndNotificationLogs", {"json": {"topCount": -1}}, 400),
    (
        "POST",
        "/api/internal/Trigger/GetAlarmAndNotificationLogs",
        {"json": {"dateFrom": "yesterday"}},
        400,
    ),
    ("POST", "/api/internal/Trigger/GetAlarmAndNotificationLogs", {"json": {"colour": 1}}, 400),
    ("POST", "/api/Product/ProductGroup", {"json": {"name": ""}}, 400),
    ("DELETE", "/api/Product/ProductGroup/notanumber", {}, 400),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("method", "path", "options", "status"), CASES)
async def test_bad_input_is_a_clear_4xx(
    api: httpx.AsyncClient, method: str, path: str, options: dict[str, object], status: int
) -> None:
    options = dict(options)  # the cases are shared by the SQLite and PostgreSQL runs
    cookies = options.pop("cookies", None)
    if cookies is not None:
        api.cookies.update(cookies)  # type: ignore[arg-type]
    answer = await api.request(method, path, **options)  # type: ignore[arg-type]
    assert answer.status_code == status, answer.text
    if status >= 400:
        assert answer.json()["Message"]


@pytest.mark.anyio
async def test_a_forged_bearer_token_is_401(api: httpx.AsyncClient) -> None:
    for token in ("a.b.c", "not-a-jwt", "eyJ9.eyJjcmVkIjogMX0.x"):
        answer = await api.get("/api/SCIM/v2/Users", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401
