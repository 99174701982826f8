"""Staff signed in through the municipality's OpenID Connect provider: the user an ID token's
claims name, created at the first sign-in and given role and departments at every one.

The provider is the source of truth: a person moved there is moved here at their next
sign-in, and a person with no mapped claim value is refused and loses their sessions and
API tokens here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from inbox.extensions import db
from inbox.models import Department, Role, User
from inbox.people import audit
from inbox.people.users import (
    create_user,
    end_sessions_and_tokens,
    is_email_address,
    normalise_email,
    user_with_email,
)
from inbox.settings.auth import Grant, OidcProvider
from rules.config import ConfigError, Problem

# Higher gives more: a person with several mapped values gets the highest role among them.
RANKS = {Role.STAFF: 0, Role.LEADER: 1, Role.ADMIN: 2}


class SignInRefused(Exception):
    """The provider vouched for the person, but Svarfrist does not let them in.

    ``reason`` is a short code for the audit log; the message is for the log (English).
    """

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def check_departments(provider: OidcProvider | None, source: str) -> None:
    """Raise :class:`ConfigError` (naming the key in ``source``) for every department slug in
    ``[auth.oidc.roles]`` that no department here has."""
    if provider is None:
        return
    try:
        known = set(db.session.scalars(select(Department.slug)))
    except SQLAlchemyError:  # no tables yet: `svarfrist db upgrade` comes first, and says so
        db.session.rollback()
        return
    problems = [
        Problem(
            f'auth.oidc.roles."{value}".departments',
            f"no department with slug {slug!r}; known: {', '.join(sorted(known)) or 'none'}",
        )
        for value, grant in provider.roles.items()
        for slug in grant.departments
        if slug not in known
    ]
    if problems:
        raise ConfigError(source, problems)


def claim_values(claims: Mapping[str, Any], name: str) -> list[str]:
    """The values of the roles claim: an array of strings, or one string."""
    value = claims.get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def sign_in(claims: Mapping[str, Any], provider: OidcProvider, *, language: str = "nn") -> User:
    """The user for a verified ID token's claims, created (with the pages in ``language``)
    or brought up to date (flushed).

    Found by issuer and ``sub`` first, then by e-mail address (any case). Raises
    :class:`SignInRefused` when no claim value is mapped (after ending the user's sessions
    and tokens, when there is a user), and for a deactivated user.
    """
    issuer, subject = str(claims.get("iss", "")), str(claims.get("sub", ""))
    if not issuer or not subject:
        raise SignInRefused("no_subject", "the ID token has no iss or sub")
    user = db.session.scalar(
        select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
    )
    email = _email(claims)
    if user is None and email is not None:
        user = user_with_email(email)
        if user is not None and user.oidc_subject not in (None, subject):
            raise SignInRefused(
                "email_of_another",
                f"user {user.id} has the e-mail address but another identity at the provider",
            )
    values = set(claim_values(claims, provider.roles_claim)) & set(provider.roles)
    grants = [provider.roles[value] for value in sorted(values)]
    if not grants:
        if user is not None:
            revoked = end_sessions_and_tokens(user)
            audit.record("user.oidc_sessions_ended", user=user, tokens_revoked=revoked)
        raise SignInRefused(
            "no_mapped_claim", f"no value of the claim {provider.roles_claim!r} is mapped"
        )
    if user is not None and not user.is_enabled:
        raise SignInRefused("deactivated", f"user {user.id} is deactivated")
    role, departments = _combined(grants)
    if user is None:
        if email is None:
            raise SignInRefused("no_email", "the ID token has no e-mail address (email claim)")
        user = create_user(
            email=email,
            name=_name(claims, email),
            password=None,
            role=role,
            departments=departments,
            language=language,
        )
        audit.record("user.create", user_id_created=user.id, role=role.value, source="oidc")
    changed = _update(user, claims, email, role, departments)
    user.oidc_issuer, user.oidc_subject = issuer, subject
    db.session.flush()
    if changed:
        audit.record("user.oidc_update", user=user, changed=changed)
    return user


def _combined(grants: list[Grant]) -> tuple[Role, list[Department]]:
    role = max((grant.role for grant in grants), key=RANKS.__getitem__)
    slugs = sorted({slug for grant in grants for slug in grant.departments})
    departments = list(db.session.scalars(select(Department).where(Department.slug.in_(slugs))))
    missing = set(slugs) - {department.slug for department in departments}
    if missing:
        raise SignInRefused(
            "unknown_department", f"[auth.oidc.roles] names no department {sorted(missing)}"
        )
    return role, departments


def _update(
    user: User, claims: Mapping[str, Any], email: str | None, role: Role, departments: list
) -> list[str]:
    changed = []
    if email is not None and email != user.email and user_with_email(email) is None:
        user.email = email
        changed.append("email")
    name = _name(claims, user.email)
    if name != user.name:
        user.name = name
        changed.append("name")
    if role != user.role:
        user.role = role
        changed.append("role")
    if {department.id for department in departments} != user.department_ids:
        user.departments = departments
        changed.append("departments")
    return changed


def _email(claims: Mapping[str, Any]) -> str | None:
    """``email``, else Entra ID's ``preferred_username`` (the UPN) when it is an address."""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and is_email_address(normalise_email(value)):
            return normalise_email(value)
    return None


def _name(claims: Mapping[str, Any], email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:200]
    parts = [claims.get("given_name"), claims.get("family_name")]
    joined = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return joined[:200] or email
