"""`/api/RootCause`: tickets, their status flow and history, comments with attachments.

Comments, re-assignment and status changes all go through `PUT /api/RootCause/Ticket`.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from .._context import Caller, ServerContext, context
from .._errors import ApiError
from .._json import StrictJsonRoute
from ..storage import TagChange
from ..storage.tickets import Comment, NewTicket, Ticket, TicketEdit
from ._answer import file_answer
from ._rootcause_answers import TicketAnswer
from ._updates import NotNull, sent
from .products import Setting

__all__ = ["router"]

router = APIRouter(route_class=StrictJsonRoute, prefix="/api/RootCause", tags=["RootCause"])
Context = Annotated[ServerContext, Depends(context)]
_MULTIPART = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        }
    }
}


class AttachmentRef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    attachmentId: str
    filename: str | None = None


class TicketUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    content: str | None = None
    updateType: int = Field(default=0, ge=0, le=3)
    attachments: list[AttachmentRef] | None = None

    def comment(self) -> Comment:
        ids = [attachment.attachmentId for attachment in self.attachments or ()]
        return Comment(self.content, self.updateType, ids)


def _tags(tags: list[Setting] | None) -> list[TagChange]:
    return [tag.tag_change() for tag in tags or ()]


class NewTicketBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    subject: str = Field(min_length=1)
    priority: int = 1
    assignee: str | None = None
    team: str | None = None
    origin: str | None = None
    reportUuid: str | None = None
    progress: str | None = None
    tags: list[Setting] | None = None
    update: TicketUpdate | None = None

    def record(self) -> NewTicket:
        return NewTicket(
            subject=self.subject,
            priority=self.priority,
            assignee=self.assignee,
            team=self.team,
            origin=self.origin,
            report_uuid=self.reportUuid,
            progress=self.progress,
            tags=_tags(self.tags),
            comment=self.update.comment() if self.update is not None else None,
        )


class TicketChange(BaseModel):
    """Left-out keys stay as stored; an explicit null clears the assignee, team, progress or
    report."""

    model_config = ConfigDict(extra="ignore")

    ticketId: str
    subject: Annotated[str | None, NotNull] = Field(default=None, min_length=1)
    status: Annotated[int | None, NotNull] = None
    priority: Annotated[int | None, NotNull] = None
    assignee: str | None = None
    team: str | None = None
    reportUuid: str | None = None
    progress: str | None = None
    tags: list[Setting] | None = None
    update: TicketUpdate | None = None

    def edit(self) -> TicketEdit:
        kept = sent(
            self,
            subject="subject",
            status="status",
            priority="priority",
            assignee="assignee",
            team="team",
            report_uuid="reportUuid",
            progress="progress",
        )
        return TicketEdit(
            self.ticketId,
            **kept,
            tags=_tags(self.tags),
            comment=self.update.comment() if self.update is not None else None,
        )


@router.get("/Ticket", response_model=TicketAnswer)
def get_ticket(ctx: Context, ticketId: str) -> Ticket:
    return ctx.tickets.get(ticketId)


@router.get("/Tickets", response_model=list[TicketAnswer])
def query_tickets(
    ctx: Context, caller: Caller, status: int = 7, view: int = 0, searchString: str | None = None
) -> list[Ticket]:
    """Tickets with any of the `status` flags: view 0 assigned to me, 1 followed, 2 all."""
    if view == 2 and not caller.is_admin:
        raise ApiError(403, f"view 2 (all tickets): user {caller.name!r} is not an administrator")
    return ctx.tickets.query(status, view, caller.name, searchString)


@router.post("/Ticket", response_model=TicketAnswer)
def create_ticket(ctx: Context, ticket: NewTicketBody, caller: Caller) -> Ticket:
    """Open a ticket owned by the caller."""
    return ctx.tickets.create(ticket.record(), caller.name)


@router.put("/Ticket", response_model=TicketAnswer)
def update_ticket(ctx: Context, ticket: TicketChange, caller: Caller) -> Ticket:
    """Change fields (left-out fields stay), comment with `update`, move the status."""
    return ctx.tickets.update(ticket.edit(), caller.name)


@router.post("/ArchiveTickets")
def archive_tickets(ctx: Context, body: list[str], caller: Caller) -> None:
    ctx.tickets.archive(body, caller.name)


@router.get("/Attachment", responses=file_answer("application/octet-stream"))
def get_attachment(ctx: Context, attachmentId: str, fileName: str | None = None) -> Response:
    name, content_type, content = ctx.tickets.attachment(attachmentId)
    headers = {"Content-Disposition": f'attachment; filename="{fileName or name}"'}
    return Response(content, media_type=content_type or "application/octet-stream", headers=headers)


def _file_part(content_type: str, body: bytes) -> tuple[str, str | None, bytes]:
    """`(file name, content type, bytes)` of the multipart part named `file`."""
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(400, f"Content-Type: expected multipart/form-data, got {content_type!r}")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            payload = part.get_payload(decode=True)
            name = part.get_filename() or "attachment"
            return name, part.get_content_type(), payload if isinstance(payload, bytes) else b""
    raise ApiError(400, "multipart body: expected a part named 'file'")


@router.post("/Attachment", openapi_extra=_MULTIPART)
async def upload_attachment(ctx: Context, request: Request, caller: Caller) -> str:
    """Store the multipart part `file`; answers the attachment id to name in an update."""
    name, content_type, data = _file_part(
        request.headers.get("content-type", ""), await request.body()
    )
    return await run_in_threadpool(
        ctx.tickets.add_attachment, name, content_type, data, caller.name
    )
