"""Loop protection: which messages get no automatic acknowledgement, and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rules.autoreply import AcknowledgementLimits, Hold, hold_for_headers, hold_for_history

OURS = ("postmottak@alver.kommune.no",)
PERSON = "kari.saele@example.com"


@pytest.mark.parametrize(
    ("headers", "sender", "expected"),
    [
        ({}, PERSON, None),
        ({"auto_submitted": "no"}, PERSON, None),
        ({"auto_submitted": "auto-replied"}, PERSON, Hold.AUTO_SUBMITTED),
        ({"auto_submitted": "auto-generated; owner-email=x@y"}, PERSON, Hold.AUTO_SUBMITTED),
        ({"x_autoreply": "yes"}, PERSON, Hold.AUTO_SUBMITTED),
        ({"precedence": "bulk"}, PERSON, Hold.BULK),
        ({"precedence": "Junk"}, PERSON, Hold.BULK),
        ({"precedence": "list"}, PERSON, Hold.BULK),
        ({"precedence": "first-class"}, PERSON, None),
        ({"list_id": "<nyheiter.alver.no>"}, PERSON, Hold.MAILING_LIST),
        ({"list_unsubscribe": "<mailto:u@x.no>"}, PERSON, Hold.MAILING_LIST),
        ({"return_path": "<>"}, PERSON, Hold.EMPTY_RETURN_PATH),
        ({"return_path": "<kari.saele@example.com>"}, PERSON, None),
        ({"x_auto_response_suppress": "All"}, PERSON, Hold.SUPPRESSED),
        ({"x_auto_response_suppress": "DR, OOF"}, PERSON, Hold.SUPPRESSED),
        ({"x_auto_response_suppress": "AutoReply"}, PERSON, Hold.SUPPRESSED),
        ({"x_auto_response_suppress": "DR, RN"}, PERSON, None),
        ({}, "Postmottak@Alver.Kommune.no", Hold.OWN_ADDRESS),
        ({}, "MAILER-DAEMON@mx.example.com", Hold.ROBOT_SENDER),
        ({}, "postmaster@example.com", Hold.ROBOT_SENDER),
        ({}, "no-reply@altinn.no", Hold.ROBOT_SENDER),
        ({}, "noreply@example.com", Hold.ROBOT_SENDER),
        ({}, "do_not_reply@bank.no", Hold.ROBOT_SENDER),
        ({}, "bounce+abc@lists.example", Hold.ROBOT_SENDER),
        ({}, "norea@example.com", None),  # a person called Norea
        ({}, "postmottaket.kari@example.com", None),
    ],
)
def test_headers_and_senders_that_hold_the_acknowledgement(headers, sender, expected):
    assert hold_for_headers(headers, sender, OURS) == expected


NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LIMITS = AcknowledgementLimits(per_sender=timedelta(hours=24), quiet_period=timedelta(hours=2))


def test_one_acknowledgement_per_sender_per_period():
    just_inside = NOON - timedelta(hours=23, minutes=59)
    just_outside = NOON - timedelta(hours=24)
    assert (
        hold_for_history(NOON, LIMITS, last_to_sender=just_inside, last_on_case=None)
        == Hold.RECENTLY_ACKNOWLEDGED
    )
    assert hold_for_history(NOON, LIMITS, last_to_sender=just_outside, last_on_case=None) is None


def test_a_follow_up_on_the_case_within_the_quiet_period_is_not_acknowledged():
    assert (
        hold_for_history(
            NOON, LIMITS, last_to_sender=None, last_on_case=NOON - timedelta(minutes=90)
        )
        == Hold.QUIET_PERIOD
    )
    assert (
        hold_for_history(NOON, LIMITS, last_to_sender=None, last_on_case=NOON - timedelta(hours=3))
        is None
    )


def test_nothing_earlier_holds_nothing():
    assert hold_for_history(NOON, LIMITS, last_to_sender=None, last_on_case=None) is None
