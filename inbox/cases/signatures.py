"""Signatures: the writer's own and the department's, put at the end of answers to citizens.

The composer fills them in (editable before sending); an answer given by phone or at the desk
gets none, since nothing is sent.
"""

from __future__ import annotations

from inbox.models import Case, Department, User
from inbox.people import audit

#: The longest signature a user or an administrator may set.
MAX_SIGNATURE_LENGTH = 1000


class SignatureError(ValueError):
    """The signature cannot be saved; ``code`` says why (``too_long``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def signature_for(writer: User, case: Case) -> str:
    """What ends ``writer``'s answers on ``case``: their own signature, then the case's
    department's, a blank line apart; ``""`` when neither is set."""
    parts = [(writer.signature or "").strip(), (case.department.signature or "").strip()]
    return "\n\n".join(part for part in parts if part)


def with_signature(text: str, signature: str) -> str:
    """``text`` followed by ``signature`` (unchanged when it already ends with it)."""
    if not signature or text.rstrip().endswith(signature):
        return text
    return f"{text.rstrip()}\n\n{signature}" if text.strip() else f"\n\n{signature}"


def set_user_signature(user: User, text: str) -> None:
    """The user's own signature (empty: none); audited as ``user.signature``."""
    user.signature = _checked(text)
    audit.record("user.signature", user=user, target_user_id=user.id)


def set_department_signature(department: Department, text: str, by: User) -> None:
    """The department's signature (empty: none); audited as ``department.signature``."""
    department.signature = _checked(text)
    audit.record("department.signature", user=by, department_id=department.id)


def _checked(text: str) -> str | None:
    cleaned = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if len(cleaned) > MAX_SIGNATURE_LENGTH:
        raise SignatureError(
            "too_long", f"a signature is at most {MAX_SIGNATURE_LENGTH} characters long"
        )
    return cleaned or None
