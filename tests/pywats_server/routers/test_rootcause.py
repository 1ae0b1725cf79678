"""Tickets on the wire: the answer's keys, and which keys of a change keep, clear or refuse."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.anyio

_TICKET_KEYS = [
    "ticketId", "ticketNumber", "subject", "status", "priority", "owner", "assignee", "team",
    "origin", "reportUuid", "progress", "createdUtc", "updatedUtc", "tags", "history",
]  # fmt: skip


async def test_a_change_keeps_left_out_keys_clears_nulls_and_refuses_null_status(
    api: httpx.AsyncClient,
) -> None:
    new = {
        "subject": "Fixture wear",
        "assignee": "ola",
        "team": "Line 2",
        "tags": [{"key": "line", "value": "2"}],
        "update": {"content": "seen twice"},
    }
    created = await api.post("/api/RootCause/Ticket", json=new)
    assert created.status_code == 200, created.text
    ticket = created.json()
    assert list(ticket) == _TICKET_KEYS
    assert ticket["tags"] == [{"key": "line", "value": "2"}]
    entry = ticket["history"][0]
    assert list(entry) == ["updateId", "updateUtc", "updateUser", "content", "updateType",
                           "attachments"]  # fmt: skip
    assert (entry["content"], entry["updateType"]) == ("seen twice", 0)

    ticket_id = ticket["ticketId"]
    changed = await api.put(
        "/api/RootCause/Ticket",
        json={"ticketId": ticket_id, "assignee": None, "tags": [{"key": "line", "change": 3}]},
    )
    assert changed.status_code == 200, changed.text
    after = changed.json()
    assert (after["assignee"], after["team"], after["tags"]) == (None, "Line 2", [])
    assert after["history"][-1]["content"] == "assignee (none)"

    for key in ("status", "priority", "subject"):
        refused = await api.put("/api/RootCause/Ticket", json={"ticketId": ticket_id, key: None})
        assert refused.status_code == 400, refused.text
        assert key in refused.json()["Message"]
    kept = await api.get("/api/RootCause/Ticket", params={"ticketId": ticket_id})
    assert (kept.json()["status"], kept.json()["priority"]) == (1, 1)
