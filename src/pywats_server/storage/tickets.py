"""Root-cause tickets: subject, priority, owner/assignee, a status flow, tags, and a history
of updates (comments with attachments, progress, property changes).

Status values are bit flags (1 Open, 2 In progress, 4 On hold, 8 Solved, 16 Closed,
32 Archived) so queries can combine them; a ticket has exactly one. Allowed moves:
Open/In progress/On hold move freely among themselves or to Solved or Closed; Solved goes to
Closed or back to Open/In progress; Closed goes back to Open or to Archived; Archived is final.
Fields an edit leaves as `KEEP` stay as they are (None clears the assignee). The store takes
`NewTicket` and `TicketEdit` and answers `Ticket` records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    or_,
    select,
)

from ._database import Database
from ._domain import KEEP, Conflict, Invalid, Keep, NotFound, new_id, utcnow
from ._metadata import BigId, metadata
from ._tags import Tag, TagChange, apply_tags, read_tags, tag_table

__all__ = [
    "STATUS_NAMES",
    "AttachmentRef",
    "Comment",
    "NewTicket",
    "Ticket",
    "TicketEdit",
    "TicketEntry",
    "TicketStore",
    "ticket_attachments",
    "ticket_updates",
    "tickets",
]

tickets = Table(
    "tickets",
    metadata,
    Column("ticket_number", BigId, primary_key=True, autoincrement=True),
    Column("ticket_id", String(36), nullable=False, unique=True),
    Column("subject", String(500), nullable=False),
    Column("status", Integer, nullable=False, index=True),
    Column("priority", Integer, nullable=False),
    Column("owner", String(100)),
    Column("assignee", String(100)),
    Column("team", String(200)),
    Column("origin", String(200)),
    Column("report_uuid", String(36)),
    Column("progress", Text),
    Column("created_utc", DateTime, nullable=False),
    Column("updated_utc", DateTime, nullable=False),
)

ticket_tags = tag_table("ticket_tags", "ticket_id", "tickets.ticket_id", String(36))

ticket_updates = Table(
    "ticket_updates",
    metadata,
    Column("update_pk", BigId, primary_key=True, autoincrement=True),
    Column("update_id", String(36), nullable=False, unique=True),
    Column("ticket_id", String(36), ForeignKey("tickets.ticket_id"), nullable=False, index=True),
    Column("update_utc", DateTime, nullable=False),
    Column("update_user", String(100)),
    Column("content", Text),
    Column("update_type", Integer, nullable=False),
)

ticket_attachments = Table(
    "ticket_attachments",
    metadata,
    Column("attachment_id", String(36), primary_key=True),
    Column("file_name", String(500), nullable=False),
    Column("content_type", String(200)),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_utc", DateTime, nullable=False),
    Column("uploaded_by", String(100)),
    Column("update_id", String(36), ForeignKey("ticket_updates.update_id"), index=True),
)

STATUS_NAMES = {
    1: "Open",
    2: "In progress",
    4: "On hold",
    8: "Solved",
    16: "Closed",
    32: "Archived",
}
OPEN, ARCHIVED = 1, 32
_ACTIVE = {1, 2, 4}
_NEXT = {
    **{status: (_ACTIVE - {status}) | {8, 16} for status in _ACTIVE},
    8: {16, 1, 2},
    16: {1, 32},
    32: set(),
}
CONTENT, PROGRESS, PROPERTIES = 0, 1, 2
VIEW_ASSIGNED, VIEW_FOLLOWED, VIEW_ALL = 0, 1, 2


@dataclass(frozen=True, slots=True)
class AttachmentRef:
    attachment_id: str
    filename: str | None


@dataclass(frozen=True, slots=True)
class TicketEntry:
    """One entry of a ticket's history: a comment (0), progress (1) or property change (2)."""

    update_id: str
    update_utc: datetime
    update_user: str | None
    content: str | None
    update_type: int
    attachments: list[AttachmentRef]


@dataclass(frozen=True, slots=True)
class Ticket:
    ticket_id: str
    ticket_number: int
    subject: str
    status: int
    priority: int
    owner: str | None
    assignee: str | None
    team: str | None
    origin: str | None
    report_uuid: str | None
    progress: str | None
    created_utc: datetime
    updated_utc: datetime
    tags: list[Tag]
    history: list[TicketEntry]


@dataclass(frozen=True, slots=True)
class Comment:
    """A history entry a request adds: its text and the uploaded attachments it links."""

    content: str | None = None
    update_type: int = 0
    attachment_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class NewTicket:
    subject: str
    priority: int = 1
    assignee: str | None = None
    team: str | None = None
    origin: str | None = None
    report_uuid: str | None = None
    progress: str | None = None
    tags: list[TagChange] = field(default_factory=list)
    comment: Comment | None = None


@dataclass(frozen=True, slots=True)
class TicketEdit:
    """What a change sets; `KEEP` leaves a field as stored."""

    ticket_id: str
    subject: str | Keep = KEEP
    status: int | Keep = KEEP
    priority: int | Keep = KEEP
    assignee: str | Keep | None = KEEP
    team: str | Keep | None = KEEP
    report_uuid: str | Keep | None = KEEP
    progress: str | Keep | None = KEEP
    tags: list[TagChange] = field(default_factory=list)
    comment: Comment | None = None


def _check_priority(value: int) -> int:
    if value not in (0, 1, 2):
        raise Invalid(f"priority: expected 0 (low), 1 (medium) or 2 (high), got {value!r}")
    return value


class TicketStore:
    """Tickets and their history."""

    def __init__(self, database: Database) -> None:
        self._engine = database.engine

    def get(self, ticket_id: str) -> Ticket:
        with self._engine.connect() as connection:
            return self._ticket(connection, ticket_id)

    def query(self, status: int, view: int, user: str, search: str | None) -> list[Ticket]:
        """Tickets whose status is one of the `status` flags, seen from `view`, newest first."""
        t = tickets.c
        query = select(t.ticket_id).where(t.status.op("&")(status) != 0)
        if view == VIEW_ASSIGNED:
            query = query.where(t.assignee == user)
        elif view == VIEW_FOLLOWED:
            wrote = select(ticket_updates.c.ticket_id).where(ticket_updates.c.update_user == user)
            query = query.where(or_(t.owner == user, t.ticket_id.in_(wrote)))
        elif view != VIEW_ALL:
            raise Invalid(f"view: expected 0 (assigned to me), 1 (followed) or 2 (all), got {view}")
        if search:
            query = query.where(t.subject.contains(search, autoescape=True))
        with self._engine.connect() as connection:
            ids = connection.scalars(query.order_by(t.ticket_number.desc())).all()
            return [self._ticket(connection, ticket_id) for ticket_id in ids]

    def create(self, new: NewTicket, user: str) -> Ticket:
        """Open a ticket owned by `user`; its comment becomes its first entry."""
        now = utcnow()
        ticket_id = new_id()
        with self._engine.begin() as connection:
            connection.execute(
                tickets.insert().values(
                    ticket_id=ticket_id,
                    subject=new.subject,
                    status=OPEN,
                    priority=_check_priority(new.priority),
                    owner=user,
                    assignee=new.assignee,
                    team=new.team,
                    origin=new.origin,
                    report_uuid=new.report_uuid,
                    progress=new.progress,
                    created_utc=now,
                    updated_utc=now,
                )
            )
            apply_tags(connection, ticket_tags, "ticket_id", ticket_id, new.tags)
            if new.comment is not None and (new.comment.content or new.comment.attachment_ids):
                self._entry(connection, ticket_id, user, CONTENT, new.comment)
            return self._ticket(connection, ticket_id)

    def update(self, edit: TicketEdit, user: str) -> Ticket:
        """Apply the edit's fields, comment and tags; each changed property is noted in the
        history."""
        ticket_id = edit.ticket_id
        with self._engine.begin() as connection:
            row = self._row(connection, ticket_id)
            changes: dict[str, Any] = {}
            notes: list[str] = []
            if edit.status is not KEEP and edit.status != row.status:
                self._check_move(row, edit.status)
                changes["status"] = edit.status
                notes.append(f"status {STATUS_NAMES[row.status]} -> {STATUS_NAMES[edit.status]}")
            if edit.priority is not KEEP and edit.priority != row.priority:
                changes["priority"] = _check_priority(edit.priority)
                notes.append(f"priority {row.priority} -> {edit.priority}")
            for key, value in (
                ("assignee", edit.assignee),
                ("subject", edit.subject),
                ("team", edit.team),
            ):
                if value is not KEEP and value != getattr(row, key):
                    changes[key] = value
                    notes.append(f"{key} {value or '(none)'}")
            if edit.report_uuid is not KEEP:
                changes["report_uuid"] = edit.report_uuid
            comment = edit.comment
            commented = comment is not None and bool(comment.content or comment.attachment_ids)
            if row.status == ARCHIVED and (changes or commented):
                raise Conflict(f"ticket {row.ticket_number} is archived: it cannot change")
            if notes:
                self._entry(connection, ticket_id, user, PROPERTIES, Comment("; ".join(notes)))
            if edit.progress is not KEEP and edit.progress != row.progress:
                changes["progress"] = edit.progress
                self._entry(connection, ticket_id, user, PROGRESS, Comment(edit.progress))
            if comment is not None and commented:
                self._entry(connection, ticket_id, user, comment.update_type, comment)
            apply_tags(connection, ticket_tags, "ticket_id", ticket_id, edit.tags)
            connection.execute(
                tickets.update()
                .where(tickets.c.ticket_id == ticket_id)
                .values(updated_utc=utcnow(), **changes)
            )
            return self._ticket(connection, ticket_id)

    def archive(self, ticket_ids: Sequence[str], user: str) -> None:
        """Archive solved or closed tickets, all or none."""
        with self._engine.begin() as connection:
            for ticket_id in ticket_ids:
                row = self._row(connection, ticket_id)
                if row.status not in (8, 16):
                    raise Conflict(
                        f"ticket {row.ticket_number} is {STATUS_NAMES[row.status]}: only solved "
                        "or closed tickets are archived"
                    )
                connection.execute(
                    tickets.update()
                    .where(tickets.c.ticket_id == ticket_id)
                    .values(status=ARCHIVED, updated_utc=utcnow())
                )
                self._entry(connection, ticket_id, user, PROPERTIES, Comment("archived"))

    def add_attachment(
        self, file_name: str, content_type: str | None, data: bytes, user: str
    ) -> str:
        """Store an uploaded file; it is linked to a ticket by an update that names it."""
        attachment_id = new_id()
        with self._engine.begin() as connection:
            connection.execute(
                ticket_attachments.insert().values(
                    attachment_id=attachment_id,
                    file_name=file_name,
                    content_type=content_type,
                    content=data,
                    uploaded_utc=utcnow(),
                    uploaded_by=user,
                )
            )
        return attachment_id

    def attachment(self, attachment_id: str) -> tuple[str, str | None, bytes]:
        a = ticket_attachments.c
        with self._engine.connect() as connection:
            row = connection.execute(
                select(a.file_name, a.content_type, a.content).where(
                    a.attachment_id == attachment_id
                )
            ).one_or_none()
        if row is None:
            raise NotFound(f"attachment {attachment_id!r} not found")
        return row.file_name, row.content_type, bytes(row.content)

    # -- internals ----------------------------------------------------------------------------

    def _row(self, connection: Connection, ticket_id: str) -> Any:
        row = connection.execute(
            select(tickets).where(tickets.c.ticket_id == ticket_id)
        ).one_or_none()
        if row is None:
            raise NotFound(f"ticket {ticket_id!r} not found")
        return row

    def _check_move(self, row: Any, status: int) -> None:
        if status not in STATUS_NAMES:
            known = ", ".join(f"{v} {n}" for v, n in STATUS_NAMES.items())
            raise Invalid(f"status: expected one status value ({known}), got {status!r}")
        allowed = _NEXT[row.status]
        if status not in allowed:
            names = ", ".join(STATUS_NAMES[s] for s in sorted(allowed)) or "nothing (final)"
            raise Conflict(
                f"ticket {row.ticket_number} is {STATUS_NAMES[row.status]}: it can move to "
                f"{names}, not {STATUS_NAMES[status]}"
            )

    def _entry(
        self, connection: Connection, ticket_id: str, user: str, kind: int, comment: Comment
    ) -> None:
        update_id = new_id()
        connection.execute(
            ticket_updates.insert().values(
                update_id=update_id,
                ticket_id=ticket_id,
                update_utc=utcnow(),
                update_user=user,
                content=comment.content,
                update_type=kind,
            )
        )
        a = ticket_attachments.c
        for index, attachment_id in enumerate(comment.attachment_ids):
            linked = connection.execute(
                ticket_attachments.update()
                .where(a.attachment_id == attachment_id, a.update_id.is_(None))
                .values(update_id=update_id)
            )
            if linked.rowcount == 0:
                raise Invalid(
                    f"update.attachments[{index}]: attachment {attachment_id!r} is unknown or "
                    "already attached"
                )

    def _ticket(self, connection: Connection, ticket_id: str) -> Ticket:
        row = self._row(connection, ticket_id)
        u, a = ticket_updates.c, ticket_attachments.c
        history = []
        for entry in connection.execute(
            select(ticket_updates).where(u.ticket_id == ticket_id).order_by(u.update_pk)
        ):
            files = connection.execute(
                select(a.attachment_id, a.file_name)
                .where(a.update_id == entry.update_id)
                .order_by(a.file_name)
            )
            history.append(
                TicketEntry(
                    entry.update_id,
                    entry.update_utc,
                    entry.update_user,
                    entry.content,
                    entry.update_type,
                    [AttachmentRef(key, name) for key, name in files],
                )
            )
        return Ticket(
            ticket_id=row.ticket_id,
            ticket_number=row.ticket_number,
            subject=row.subject,
            status=row.status,
            priority=row.priority,
            owner=row.owner,
            assignee=row.assignee,
            team=row.team,
            origin=row.origin,
            report_uuid=row.report_uuid,
            progress=row.progress,
            created_utc=row.created_utc,
            updated_utc=row.updated_utc,
            tags=read_tags(connection, ticket_tags, "ticket_id", ticket_id),
            history=history,
        )
