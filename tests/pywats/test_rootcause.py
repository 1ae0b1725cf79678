"""`client.rootcause` against the real server: the ticket workflow as a team uses it."""

from __future__ import annotations

import httpx
import pytest

from pywats import (
    WATS,
    AsyncWATS,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    Ticket,
    TicketStatus,
)
from pywats_server.storage import Database, UserStore


def _engineer(server_db_url: str, name: str) -> str:
    """A non-administrator user in the server database; returns its token."""
    database = Database(server_db_url)
    users = UserStore(database)
    users.create_user(name, is_admin=False)
    token = users.issue_token(name)
    database.dispose()
    return token


@pytest.mark.anyio
async def test_ticket_workflow(aclient: AsyncWATS, unique: str) -> None:
    log = await aclient.rootcause.upload_attachment("scope.png", b"\x89PNG fake", "image/png")
    opened = await aclient.rootcause.create(
        Ticket(subject=f"3V3 rail low on PCB-{unique}", priority=2, team="Test"),
        comment="seen on 4 boards",
        attachments=[log],
    )
    assert (opened.status, opened.owner, opened.priority) == (TicketStatus.OPEN, "admin", 2)
    assert opened.ticket_id is not None
    ticket_id = opened.ticket_id
    assert opened.history[0].content == "seen on 4 boards"
    assert [a.filename for a in opened.history[0].attachments] == ["scope.png"]
    assert await aclient.rootcause.download_attachment(log) == b"\x89PNG fake"

    assigned = await aclient.rootcause.assign(ticket_id, f"eve-{unique}")
    assert assigned.assignee == f"eve-{unique}"
    assert assigned.history[-1].update_type == 2
    commented = await aclient.rootcause.comment(ticket_id, "R12 is 1k instead of 10k")
    assert commented.assignee == f"eve-{unique}"  # left out of the comment, kept
    progressing = await aclient.rootcause.set_status(ticket_id, TicketStatus.IN_PROGRESS)
    assert "status Open -> In progress" in (progressing.history[-1].content or "")

    with pytest.raises(ConflictError, match=r"is In progress: it can move to .*not Archived"):
        await aclient.rootcause.set_status(ticket_id, TicketStatus.ARCHIVED)
    with pytest.raises(ConflictError, match="only solved or closed tickets are archived"):
        await aclient.rootcause.archive([ticket_id])
    with pytest.raises(BadRequestError, match="status: expected one status value"):
        await aclient.rootcause.set_status(ticket_id, TicketStatus.OPEN | TicketStatus.SOLVED)
    with pytest.raises(BadRequestError, match="is unknown or already attached"):
        await aclient.rootcause.comment(ticket_id, "again", attachments=[log])

    await aclient.rootcause.set_status(ticket_id, TicketStatus.SOLVED, comment="BOM fixed")
    await aclient.rootcause.archive([ticket_id])
    archived = await aclient.rootcause.get(ticket_id)
    assert archived.status == TicketStatus.ARCHIVED
    with pytest.raises(ConflictError, match="is archived: it cannot change"):
        await aclient.rootcause.comment(ticket_id, "late note")
    with pytest.raises(NotFoundError, match="ticket 'nope' not found"):
        await aclient.rootcause.get("nope")


@pytest.mark.anyio
async def test_queries_by_status_view_and_text(
    aclient: AsyncWATS, asgi_transport: httpx.ASGITransport, server_db_url: str, unique: str
) -> None:
    engineer = f"eng-{unique}"
    token = _engineer(server_db_url, engineer)
    first = await aclient.rootcause.create(Ticket(subject=f"Fixture {unique} worn"))
    second = await aclient.rootcause.create(Ticket(subject=f"Probe {unique} bent"))
    assert first.ticket_id is not None
    assert second.ticket_id is not None
    await aclient.rootcause.assign(second.ticket_id, engineer)
    await aclient.rootcause.set_status(first.ticket_id, TicketStatus.ON_HOLD)

    held = await aclient.rootcause.query(TicketStatus.ON_HOLD, search=unique)
    assert [t.ticket_id for t in held] == [first.ticket_id]
    both = await aclient.rootcause.query(search=unique)
    assert [t.ticket_id for t in both] == [second.ticket_id, first.ticket_id]

    async with AsyncWATS(base_url="http://t", token=token, transport=asgi_transport) as mine:
        assigned = await mine.rootcause.query(view=0)
        assert [t.ticket_id for t in assigned] == [second.ticket_id]
        assert await mine.rootcause.query(view=1) == []
        await mine.rootcause.comment(first.ticket_id, "I can look at it")
        assert [t.ticket_id for t in await mine.rootcause.query(view=1)] == [first.ticket_id]
        with pytest.raises(PermissionDeniedError, match="is not an administrator"):
            await mine.rootcause.query(view=2)


def test_tickets_over_a_socket(client: WATS, unique: str) -> None:
    ticket = client.rootcause.create(Ticket(subject=f"Socket {unique}"))
    assert ticket.ticket_id is not None
    attachment = client.rootcause.upload_attachment("log.txt", b"line 1\n", "text/plain")
    updated = client.rootcause.comment(ticket.ticket_id, "log attached", [attachment])
    assert updated.history[-1].attachments[0].attachment_id == attachment
    client.rootcause.set_status(ticket.ticket_id, TicketStatus.CLOSED)
    with pytest.raises(ConflictError, match="is Closed: it can move to Open, Archived"):
        client.rootcause.set_status(ticket.ticket_id, TicketStatus.SOLVED)
