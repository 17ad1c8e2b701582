"""People of the firm: users, squads, and per-user permission grants."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import TimestampMixin, UTCDateTime

ROLES = ("executive", "head", "manager", "member")


class Squad(TimestampMixin, db.Model):
    __tablename__ = "squads"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    members: Mapped[list[User]] = relationship(back_populates="squad", order_by="User.name")

    def __repr__(self) -> str:
        return f"<Squad {self.name}>"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="member")
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squads.id"), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    squad: Mapped[Squad | None] = relationship(back_populates="members")
    permission_overrides: Mapped[list[PermissionOverride]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sign-in to inactive users.
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class PermissionOverride(db.Model):
    """A per-user grant (``granted=True``) or withdrawal (``False``) of one permission."""

    __tablename__ = "permission_overrides"
    __table_args__ = (UniqueConstraint("user_id", "permission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    permission: Mapped[str] = mapped_column(String(64))
    granted: Mapped[bool] = mapped_column(Boolean)

    user: Mapped[User] = relationship(back_populates="permission_overrides")
