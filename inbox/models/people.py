"""Departments, staff users, their API tokens and login attempts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inbox.columns import UTCDateTime, enum_column
from inbox.extensions import db
from inbox.roles import Role

department_members = Table(
    "department_members",
    db.metadata,
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Department(db.Model):
    """An avdeling; the frontline one (Innbyggjarservice) receives new cases."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short name used in URLs, the CLI and configuration, e.g. ``byggesak``.
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    #: The name in Nynorsk, and the name wherever no other is given.
    name: Mapped[str] = mapped_column(String(200))
    #: The name in Bokmål, when it differs from the Nynorsk one.
    name_nb: Mapped[str | None] = mapped_column(String(200))
    #: The name in English.
    name_en: Mapped[str | None] = mapped_column(String(200))
    #: The department's shared e-mail address, for notifications.
    email: Mapped[str | None] = mapped_column(String(320))
    #: The user who gets escalations and handover reminders.
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True, ondelete="SET NULL")
    )
    #: Innbyggjarservice / servicetorg: new cases land here.
    is_frontline: Mapped[bool] = mapped_column(default=False)
    #: An inactive department keeps its history but takes no new cases or handovers.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: Only the leader (or an admin) may accept handovers to this department.
    is_leader_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Put at the end of answers to the department's citizens, below the writer's own.
    signature: Mapped[str | None] = mapped_column(Text)

    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id])
    members: Mapped[list[User]] = relationship(
        secondary=department_members, back_populates="departments"
    )

    def name_in(self, language: str) -> str:
        """The name in ``language`` (nn, nb or en), or the Nynorsk name when it has none."""
        names = {"nb": self.name_nb, "en": self.name_en}
        return names.get(language) or self.name

    def __repr__(self) -> str:
        return f"<Department {self.slug}>"


class User(UserMixin, db.Model):
    """A member of staff who logs in."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, stored lower-case.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: argon2 hash; never the password. ``None``: no password, the user signs in through the
    #: municipality's identity provider and never with a password.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.STAFF)
    #: UI language: nn, nb or en.
    language: Mapped[str] = mapped_column(String(5), default="nn")
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Raised to end every web session that logged in before (deactivation, a new password);
    #: each session holds the value it logged in with.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: May sign in with a password even when ``[auth] local_passwords = false`` (the
    #: administrator for when the identity provider is down); every such sign-in is audited.
    is_break_glass: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The identity provider (its issuer) and the person's ``sub`` there, from the first
    #: sign-in through it: the same person even after their e-mail address changes.
    oidc_issuer: Mapped[str | None] = mapped_column(String(500))
    oidc_subject: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The user's own signature, put at the end of their answers to citizens.
    signature: Mapped[str | None] = mapped_column(Text)

    departments: Mapped[list[Department]] = relationship(
        secondary=department_members, back_populates="members"
    )

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def department_ids(self) -> set[int]:
        return {department.id for department in self.departments}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id}>"


class LoginAttempt(db.Model):
    """A failed login, kept for throttling by account and by IP address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "attempted_at"),
        Index("ix_login_attempts_ip_at", "ip", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str] = mapped_column(String(45))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.id}>"
