"""The data model; importing this package registers every table on the metadata."""

from inbox.models.account_states import AccountActivity, AccountState
from inbox.models.audit import AuditEvent
from inbox.models.cases import (
    Attachment,
    Case,
    CaseCounter,
    CaseParticipant,
    CaseStatus,
    Direction,
    Message,
    OutKind,
    Turn,
    TurnOrigin,
)
from inbox.models.contacts import Contact, ContactIdentity
from inbox.models.cursors import SourceCursor
from inbox.models.handovers import Handover, HandoverStatus
from inbox.models.heartbeats import WorkerHeartbeat
from inbox.models.notices import SentNotice
from inbox.models.outbox import OutboxMessage, OutboxStatus
from inbox.models.people import ApiToken, Department, LoginAttempt, Role, User, department_members
from inbox.models.rate_events import RateEvent
from inbox.models.reply_templates import StoredTemplate
from inbox.models.saved_views import SavedView
from inbox.models.status_links import StatusLink
from inbox.models.suggestions import SuggestionChoice, SuggestionModel
from inbox.models.turn_days import TurnDay, TurnDayChange
from inbox.models.webhook_events import WebhookEvent

__all__ = [
    "AccountActivity",
    "AccountState",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "Case",
    "CaseCounter",
    "CaseParticipant",
    "CaseStatus",
    "Contact",
    "ContactIdentity",
    "Department",
    "Direction",
    "Handover",
    "HandoverStatus",
    "LoginAttempt",
    "Message",
    "OutKind",
    "OutboxMessage",
    "OutboxStatus",
    "RateEvent",
    "Role",
    "SavedView",
    "SentNotice",
    "SourceCursor",
    "StatusLink",
    "StoredTemplate",
    "SuggestionChoice",
    "SuggestionModel",
    "Turn",
    "TurnDay",
    "TurnDayChange",
    "TurnOrigin",
    "User",
    "WebhookEvent",
    "WorkerHeartbeat",
    "department_members",
]
