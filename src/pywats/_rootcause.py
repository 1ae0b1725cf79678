"""`client.rootcause`: root-cause tickets — open, assign, comment with attachments, move along
the status flow, query and archive.

`TicketStatus` values are bit flags: combine them to query (`OPEN | IN_PROGRESS`); a ticket has
one. An update that leaves a field out keeps it (assignee included).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import IntFlag
from typing import Any

from pydantic import Field

from pywats._service import Call, M, Service, endpoint
from pywats._wire import Params, Tag, WireModel, dump, items

__all__ = ["RootCauseService", "Ticket", "TicketAttachment", "TicketStatus", "TicketUpdate"]


class TicketStatus(IntFlag):
    OPEN = 1
    IN_PROGRESS = 2
    ON_HOLD = 4
    SOLVED = 8
    CLOSED = 16
    ARCHIVED = 32


ACTIVE = TicketStatus.OPEN | TicketStatus.IN_PROGRESS | TicketStatus.ON_HOLD


class TicketAttachment(WireModel):
    attachment_id: str
    filename: str | None = None


class TicketUpdate(WireModel):
    """One history entry; `update_type` 0 comment, 1 progress, 2 properties, 3 notification."""

    content: str | None = None
    update_type: int = 0
    update_id: str | None = None
    update_utc: datetime | None = None
    update_user: str | None = None
    attachments: list[TicketAttachment] = Field(default_factory=list)


class Ticket(WireModel):
    """A ticket; `priority` 0 low, 1 medium, 2 high. The server sets ids, owner and history."""

    subject: str
    priority: int = 1
    assignee: str | None = None
    team: str | None = None
    origin: str | None = None
    report_uuid: str | None = None
    progress: str | None = None
    tags: list[Tag] = Field(default_factory=list)
    ticket_id: str | None = None
    ticket_number: int | None = None
    status: int | None = None
    owner: str | None = None
    created_utc: datetime | None = None
    updated_utc: datetime | None = None
    history: list[TicketUpdate] = Field(default_factory=list)


def _comment(content: str | None, attachments: str | Sequence[str]) -> dict[str, Any]:
    return {"content": content, "attachments": [{"attachmentId": a} for a in items(attachments)]}


class RootCauseService(Service[M]):
    """Tickets. Unknown ids raise NotFoundError; a move the status flow forbids ConflictError."""

    @endpoint
    def get(self, ticket_id: str) -> Call[Ticket]:
        """A ticket with its history."""
        return Call("GET", "/api/RootCause/Ticket", params={"ticketId": ticket_id}, returns=Ticket)

    @endpoint
    def query(
        self, status: int = ACTIVE, *, view: int = 2, search: str | None = None
    ) -> Call[list[Ticket]]:
        """Tickets in any of the `status` flags, newest first. `view` 0 assigned to me,
        1 followed by me (owned or commented), 2 all (administrators)."""
        params: Params = {"status": int(status), "view": view, "searchString": search}
        return Call("GET", "/api/RootCause/Tickets", params=params, returns=list[Ticket])

    @endpoint
    def create(
        self,
        ticket: Ticket,
        comment: str | None = None,
        attachments: str | Sequence[str] = (),
    ) -> Call[Ticket]:
        """Open a ticket (owned by the caller), optionally with a first comment."""
        body = dump(ticket)
        for server_field in ("ticketId", "ticketNumber", "status", "owner", "history"):
            body.pop(server_field, None)
        if comment is not None or attachments:
            body["update"] = _comment(comment, attachments)
        return Call("POST", "/api/RootCause/Ticket", json=body, returns=Ticket)

    @endpoint
    def comment(
        self, ticket_id: str, content: str | None, attachments: str | Sequence[str] = ()
    ) -> Call[Ticket]:
        """Add a comment, with attachments uploaded by `upload_attachment`."""
        body = {"ticketId": ticket_id, "update": _comment(content, attachments)}
        return Call("PUT", "/api/RootCause/Ticket", json=body, returns=Ticket)

    @endpoint
    def assign(self, ticket_id: str, assignee: str | None) -> Call[Ticket]:
        """Give the ticket to `assignee` (None unassigns)."""
        body = {"ticketId": ticket_id, "assignee": assignee}
        return Call("PUT", "/api/RootCause/Ticket", json=body, returns=Ticket)

    @endpoint
    def set_status(
        self, ticket_id: str, status: TicketStatus, comment: str | None = None
    ) -> Call[Ticket]:
        """Move the ticket to `status` (ConflictError when the flow forbids it)."""
        body: dict[str, Any] = {"ticketId": ticket_id, "status": int(status)}
        if comment is not None:
            body["update"] = _comment(comment, ())
        return Call("PUT", "/api/RootCause/Ticket", json=body, returns=Ticket)

    @endpoint
    def update(self, ticket: Ticket) -> Call[Ticket]:
        """Store a ticket's changed subject, priority, assignee, team, progress or tags."""
        body = dump(ticket)
        body.pop("history", None)
        return Call("PUT", "/api/RootCause/Ticket", json=body, returns=Ticket)

    @endpoint
    def archive(self, ticket_ids: Sequence[str]) -> Call[None]:
        """Archive solved or closed tickets (all or none)."""
        return Call("POST", "/api/RootCause/ArchiveTickets", json=list(ticket_ids))

    @endpoint
    def upload_attachment(
        self, filename: str, content: bytes, content_type: str = "application/octet-stream"
    ) -> Call[str]:
        """Store a file; returns the attachment id to pass to `comment` or `create`."""
        boundary = uuid.uuid4().hex
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        body = (
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return Call("POST", "/api/RootCause/Attachment", content=body, headers=headers, returns=str)

    @endpoint
    def download_attachment(self, attachment_id: str) -> Call[bytes]:
        params = {"attachmentId": attachment_id}
        return Call("GET", "/api/RootCause/Attachment", params=params, returns=bytes)
