"""Response models of `/api/RootCause` (tickets and their history)."""

from __future__ import annotations

from ._answer import Answer, Instant
from ._product_answers import TagAnswer

__all__ = ["TicketAnswer"]


class AttachmentRef(Answer):
    attachmentId: str
    filename: str | None


class TicketUpdate(Answer):
    updateId: str
    updateUtc: Instant
    updateUser: str | None
    content: str | None
    updateType: int
    attachments: list[AttachmentRef]


class TicketAnswer(Answer):
    ticketId: str
    ticketNumber: int
    subject: str | None
    status: int
    priority: int
    owner: str | None
    assignee: str | None
    team: str | None
    origin: str | None
    reportUuid: str | None
    progress: str | None
    createdUtc: Instant
    updatedUtc: Instant
    tags: list[TagAnswer]
    history: list[TicketUpdate]
