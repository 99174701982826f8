"""Citizens and the addresses they write from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from channels.base import IdentityKind
from inbox.columns import UTCDateTime, enum_column
from inbox.extensions import db


class Contact(db.Model):
    """An innbyggjar: one person, whichever channels they write on."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    #: Preferred language for texts to the citizen (nn, nb, en), if known.
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    identities: Mapped[list[ContactIdentity]] = relationship(
        back_populates="contact", cascade="all, delete-orphan"
    )

    def address(self, kind: IdentityKind) -> str | None:
        """The contact's first address of a kind (e-mail, phone, ...)."""
        return next((i.value for i in self.identities if i.kind == kind), None)

    def __repr__(self) -> str:
        return f"<Contact {self.id}>"


class ContactIdentity(db.Model):
    """One address of a contact: e-mail, E.164 phone number, Messenger or Instagram id."""

    __tablename__ = "contact_identities"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[IdentityKind] = mapped_column(enum_column(IdentityKind))
    #: Normalised: e-mail lower-case, phone in E.164.
    value: Mapped[str] = mapped_column(String(320))
    #: When the citizen answered STOP on this number; nothing is sent to it until START.
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contact: Mapped[Contact] = relationship(back_populates="identities")

    def __repr__(self) -> str:
        return f"<ContactIdentity {self.kind}:{self.id}>"
