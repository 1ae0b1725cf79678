"""Response models of `/api/RootCause` (tickets and their history), read from the store's
`Ticket` records."""

from __future__ import annotations

from ._answer import Answer, Instant
from ._product_answers import TagAnswer

__all__ = ["TicketAnswer"]


class AttachmentRef(Answer):
    attachment_id: str
    filename: str | None


class TicketUpdate(Answer):
    update_id: str
    update_utc: Instant
    update_user: str | None
    content: str | None
    update_type: int
    attachments: list[AttachmentRef]


class TicketAnswer(Answer):
    ticket_id: str
    ticket_number: int
    subject: str | None
    status: int
    priority: int
    owner: str | None
    assignee: str | None
    team: str | None
    origin: str | None
    report_uuid: str | None
    progress: str | None
    created_utc: Instant
    updated_utc: Instant
    tags: list[TagAnswer]
    history: list[TicketUpdate]
