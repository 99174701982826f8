"""Department suggestions: the trained models, and whether staff followed what they said."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from inbox.columns import UTCDateTime
from inbox.extensions import db


class SuggestionModel(db.Model):
    """One training of the department classifier; its numbers live in the blob store."""

    __tablename__ = "suggestion_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: How many cases it learned from (older and newer part together).
    cases: Mapped[int]
    #: Top-1 and top-3 accuracy on the newest fifth of the cases, held out while training.
    accuracy: Mapped[float] = mapped_column(Float)
    top3_accuracy: Mapped[float] = mapped_column(Float)
    #: SHA-256 of the arrays (NumPy ``.npz``, no pickle) in the blob store; this row is
    #: written only by this installation's own training, so it names only what it wrote.
    #: ``None`` once a newer model replaced it (its arrays are removed, its figures kept).
    blob_sha256: Mapped[str | None] = mapped_column(String(64))
    #: Seconds the training took, for the administration page.
    training_seconds: Mapped[float] = mapped_column(Float)

    def __repr__(self) -> str:
        return f"<SuggestionModel {self.id} cases={self.cases} accuracy={self.accuracy:.2f}>"


class SuggestionChoice(db.Model):
    """A handover offered from a case that had a suggestion: did staff take the first one?"""

    __tablename__ = "suggestion_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    model_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestion_models.id", ondelete="SET NULL")
    )
    #: The department the model put first, and the one the case was offered to.
    suggested_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    chosen_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    is_followed: Mapped[bool]
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<SuggestionChoice case={self.case_id} followed={self.is_followed}>"
