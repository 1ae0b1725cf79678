"""Product endpoints the SDK does not cover byte for byte: WSBF documents as uploaded."""

from __future__ import annotations

import httpx
import pytest


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<BOM", "not well-formed XML"),
        (b'<Bill Partnumber="X" Revision="A"/>', "expected a <BOM> root element"),
        (b'<BOM Revision="A"/>', "needs the attributes Partnumber and Revision"),
        (b'<BOM Partnumber="X" Revision="A"><Component Number="R" Qty="two"/></BOM>', "Qty"),
    ],
)
async def test_bad_wsbf_names_the_problem(
    api: httpx.AsyncClient, document: bytes, message: str
) -> None:
    headers = {"Content-Type": "application/xml"}
    response = await api.put("/api/Product/BOM", content=document, headers=headers)
    assert response.status_code == 400
    assert message in response.json()["Message"]
