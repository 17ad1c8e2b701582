"""Imports: an uploaded file of contacts, its preview, its progress and the rows it wrote.

The file itself is kept in the database, so the scheduler process (possibly on another host)
can run it, and a run stopped half way can be resumed from the rows already recorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, utcnow
from webapp.models.people import User

IMPORT_STATUSES = ("previewed", "queued", "running", "done", "failed", "undone")
ROW_OUTCOMES = ("create", "update", "unchanged", "duplicate_in_file", "error")


class Import(db.Model):
    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Whose the new contacts are: the importer, or (for a manager) someone in their squad.
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    format: Mapped[str] = mapped_column(String(40))
    encoding: Mapped[str] = mapped_column(String(40))
    # The file's columns in order, each with a few sample values: [{"name", "samples"}].
    columns: Mapped[list] = mapped_column(JSON, default=list)
    # Column of the file -> Rapport field (``services.imports.mapping.FIELDS``).
    mapping: Mapped[dict] = mapped_column(JSON, default=dict)
    overwrite: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="previewed", index=True)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    # Counts by outcome, from the preview and then from the run.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    # The preview's problems: [{"row", "field", "message"}], the first few hundred.
    errors: Mapped[list] = mapped_column(JSON, default=list)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    # What undo kept because it was edited after the import: [{"type", "id", "name", "fields"}].
    undo_kept: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The running process touches this as it goes; a stale one means the process died.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == "done" else 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def is_finished(self) -> bool:
        return self.status in ("done", "failed", "undone")


class ImportRow(db.Model):
    """What one row of a run did: its outcome, the contact it wrote, the fields it changed."""

    __tablename__ = "import_rows"
    __table_args__ = (UniqueConstraint("import_id", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"))
    row_number: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(20))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    # Companies this row created (a new company is archived on undo).
    created_company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL")
    )
    field: Mapped[str | None] = mapped_column(String(80))
    message: Mapped[str | None] = mapped_column(Text)
    # For an update: {field: {"before", "after"}}, so undo can restore what it changed.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    # The row as read from the file, for the downloadable list of failed rows.
    source: Mapped[dict] = mapped_column(JSON, default=dict)
