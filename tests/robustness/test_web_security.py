"""Trying to break the web app from outside: sessions, password guessing, CSRF, oversized
bodies and path traversal. Each test states what an attacker tries and what must happen."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from channels.base import InboundAttachment
from channels.email import parse_email
from inbox.cases.status_links import status_url
from inbox.clock import frozen_at
from inbox.extensions import db
from inbox.handovers.workflow import propose
from inbox.intake.receiving import receive
from inbox.models import Attachment, Case, Handover, HandoverStatus, Message
from inbox.people.users import create_api_token
from tests.factories import PASSWORD, make_department, make_user
from tests.inbox.intake_helpers import OSLO, email
from tests.inbox.web_helpers import csrf_token, log_in

THROTTLED = "For mange mislukka forsøk. Vent 30 sekund og prøv igjen."
WRONG = "Feil e-postadresse eller passord."
# Routes that authenticate with a bearer token or a provider's signature, not a session
# cookie (README: REST API and webhooks); a forged form has nothing to ride on there.
NOT_SESSION_AUTHENTICATED = ("/api/", "/webhooks/")


@pytest.fixture
def staff(app):
    frontline = make_department("innbyggjarservice", is_frontline=True, name="Innbyggjarservice")
    user = make_user(frontline, email="kari@alver.no")
    db.session.commit()
    return user


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def _is_logged_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200


def _client_with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


# --- sessions -------------------------------------------------------------------------------


def test_login_drops_a_planted_session_and_issues_a_new_cookie(app, client, staff):
    with client.session_transaction() as planted:
        planted["planted"] = "by-the-attacker"
        planted["_user_id"] = "999"  # a forged identity that login must not keep either
    before = _session_cookie(client)
    assert before is not None

    response = log_in(client, "kari@alver.no")

    assert response.status_code == 302
    after = _session_cookie(client)
    assert after is not None and after != before
    with client.session_transaction() as fresh:
        assert "planted" not in fresh
        assert fresh["_user_id"] == str(staff.id)
    # The attacker's pre-login cookie did not become a logged-in one.
    assert not _is_logged_in(_client_with_cookie(app, before))


def test_a_cookie_replayed_after_logout_is_not_logged_in(app, client, staff):
    log_in(client, "kari@alver.no")
    stolen = _session_cookie(client)
    assert _is_logged_in(_client_with_cookie(app, stolen))

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    assert response.status_code == 302
    assert not _is_logged_in(client)
    replayed = _client_with_cookie(app, stolen).get("/")
    assert replayed.status_code == 302
    assert "/login" in replayed.headers["Location"]


def test_logging_out_one_session_leaves_the_users_other_session_logged_in(app, client, staff):
    log_in(client, "kari@alver.no")
    other_device = app.test_client()
    log_in(other_device, "kari@alver.no")

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    assert not _is_logged_in(client)
    assert _is_logged_in(other_device)


def test_session_cookie_is_httponly_and_samesite(client, staff):
    response = log_in(client, "kari@alver.no")
    header = next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")
    )
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


# --- password guessing ----------------------------------------------------------------------


@pytest.fixture
def still_clock():
    """The clock stopped, so the wait a test reads does not depend on the machine's speed."""
    with frozen_at(datetime.now(UTC)):
        yield


def test_three_wrong_passwords_make_the_right_one_wait_too(app, client, staff, still_clock):
    make_user(email="per@alver.no")
    db.session.commit()
    for _ in range(3):
        wrong = log_in(client, "kari@alver.no", "not the password")
        assert wrong.status_code == 401
        assert WRONG in wrong.get_data(as_text=True)

    refused = log_in(client, "kari@alver.no", PASSWORD)

    assert refused.status_code == 429
    assert THROTTLED in refused.get_data(as_text=True)
    assert not _is_logged_in(client)
    # Another account from the same address is not affected.
    assert log_in(client, "per@alver.no").status_code == 302
    assert _is_logged_in(client)


def test_the_wait_looks_the_same_for_an_account_that_does_not_exist(client, staff, still_clock):
    for _ in range(3):
        assert log_in(client, "nobody@alver.no", "guess").status_code == 401

    refused = log_in(client, "nobody@alver.no", "guess")

    assert refused.status_code == 429
    assert THROTTLED in refused.get_data(as_text=True)


def test_the_wait_is_said_in_whole_seconds_rounded_up(client, staff):
    start = datetime.now(UTC)
    with frozen_at(start):
        for _ in range(3):
            log_in(client, "kari@alver.no", "not the password")
    with frozen_at(start + timedelta(seconds=0.4)):
        soon = log_in(client, "kari@alver.no", PASSWORD)
    with frozen_at(start + timedelta(seconds=29.2)):
        nearly = log_in(client, "kari@alver.no", PASSWORD)
    with frozen_at(start + timedelta(seconds=30)):
        after = log_in(client, "kari@alver.no", PASSWORD)

    assert THROTTLED in soon.get_data(as_text=True)
    assert "Vent 1 sekund og prøv igjen." in nearly.get_data(as_text=True)
    assert after.status_code == 302


def test_guessing_real_accounts_from_a_shared_address_locks_nobody_out(app, client, staff):
    make_user(email="per@alver.no")
    make_user(email="ola@alver.no")
    db.session.commit()
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"  # the town hall's NAT
    for _ in range(3):
        for account in ("kari@alver.no", "per@alver.no"):
            assert log_in(attacker, account, "x" * 12).status_code == 401

    assert log_in(attacker, "kari@alver.no", PASSWORD).status_code == 429
    assert log_in(attacker, "per@alver.no", PASSWORD).status_code == 429
    colleague = app.test_client()
    colleague.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert log_in(colleague, "ola@alver.no").status_code == 302
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert log_in(elsewhere, "kari@alver.no").status_code == 302


def test_the_wait_message_follows_the_browsers_language(client, staff):
    for _ in range(3):
        log_in(client, "kari@alver.no", "wrong password")
    token = csrf_token(client)
    refused = client.post(
        "/login",
        data={"email": "kari@alver.no", "password": PASSWORD, "csrf_token": token},
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.get_data(as_text=True)


# --- CSRF -----------------------------------------------------------------------------------


def _post_routes(app) -> tuple[list, list]:
    checked, skipped = [], []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        (skipped if rule.rule.startswith(NOT_SESSION_AUTHENTICATED) else checked).append(rule)
    return checked, skipped


def _count(model) -> int:
    db.session.commit()  # a new transaction sees what the requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def _paths(app, rule, values: dict) -> list[str]:
    """Every URL of ``rule``: each value of an ``any(...)`` part, the given value otherwise."""
    choices = []
    for name in sorted(rule.arguments):
        items = getattr(rule._converters[name], "items", None)
        if items:
            choices.append([(name, item) for item in sorted(items)])
        else:
            assert name in values, f"{rule.rule}: give the test a value for {name!r}"
            choices.append([(name, values[name])])
    adapter = app.url_map.bind("localhost")
    return [adapter.build(rule.endpoint, dict(chosen)) for chosen in itertools.product(*choices)]


@pytest.fixture
def case_with_handover(app, staff):
    plan = make_department("plan", name="Plan")
    case = receive(email())
    handover = propose(case, plan, staff, "Gjeld reguleringsplanen")
    db.session.commit()
    return case, handover


def test_every_form_route_refuses_a_post_without_a_csrf_token(
    app, client, staff, case_with_handover
):
    case, handover = case_with_handover
    status_before = case.status
    messages_before = _count(Message)
    # Staff are refused the administration before its forms are read; its own tests check
    # that an admin's POST without a token is refused too.
    values = {
        "reference": case.reference,
        "handover_id": handover.id,
        "department_id": case.department_id,
        "template_id": 1,
        "user_id": staff.id,
        "token_id": 1,
        "message_id": 1,
        "view_id": 1,
        "identity_id": 1,
        "token": "A" * 32,
    }
    log_in(client, "kari@alver.no")
    checked, _skipped = _post_routes(app)

    assert len(checked) >= 15, [rule.rule for rule in checked]
    form = {
        "text": "forged",
        "note": "forged",
        "reason": "forged",
        "language": "en",
        "assignee": str(staff.id),
        "department": "plan",
        "outcome": "reached",
        "name": "Forged",
        "phone": "+4791234567",
        "about": "forged",
        "email": "kari@alver.no",
        "password": PASSWORD,
        "channel": "letter",
        "subject": "forged",
    }
    refused = {}
    for rule in checked:
        for path in _paths(app, rule, values):
            without = client.post(path, data=form)
            forged = client.post(path, data={**form, "csrf_token": "forged-token"})
            refused[path] = (without.status_code, forged.status_code)

    wrong = {path: codes for path, codes in refused.items() if not set(codes) <= {400, 403}}
    assert wrong == {}, "routes that did not refuse a POST without a valid CSRF token"
    assert _is_logged_in(client), "the forged logout must not have logged the user out"
    db.session.commit()
    assert db.session.get(Case, case.id).status == status_before
    assert db.session.get(Handover, handover.id).status == HandoverStatus.PENDING
    assert _count(Message) == messages_before
    assert _count(Case) == 1
    assert f"/handovers/{handover.id}/accept" in refused  # every action of the route was tried


def test_the_same_post_with_its_token_goes_through(app, client, staff, case_with_handover):
    """The control for the test above: the refusal is the missing token, not the request."""
    case, _handover = case_with_handover
    log_in(client, "kari@alver.no")
    token = csrf_token(client, f"/cases/{case.reference}")
    messages_before = _count(Message)

    response = client.post(
        f"/cases/{case.reference}/note", data={"text": "Ringde innbyggjaren", "csrf_token": token}
    )

    assert response.status_code == 302
    assert _count(Message) == messages_before + 1


def test_the_skip_list_holds_only_token_and_signature_routes(app):
    _checked, skipped = _post_routes(app)
    prefixes = {
        prefix
        for rule in skipped
        for prefix in NOT_SESSION_AUTHENTICATED
        if rule.rule.startswith(prefix)
    }
    assert prefixes == set(NOT_SESSION_AUTHENTICATED)
    for rule in skipped:
        blueprint = rule.endpoint.split(".")[0]
        assert blueprint in app.blueprints
        assert blueprint in {"api", "webhooks"}, rule.rule


# --- oversized bodies -----------------------------------------------------------------------


def _too_large(app) -> bytes:
    return b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1)


def test_an_oversized_callback_form_gets_413_with_a_reason(app, client, staff):
    token = csrf_token(client, "/ring-meg")
    body = b"csrf_token=" + token.encode() + b"&name=Kari&phone=91234567&about=" + _too_large(app)

    response = client.post("/ring-meg", data=body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "For stor" in page
    assert "Det du sende, er større enn Svarfrist tek imot." in page
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_an_oversized_file_on_the_status_page_gets_413_and_adds_nothing(app, client, staff):
    case = receive(email())
    path = urlsplit(status_url(case, "http://localhost")).path
    db.session.commit()
    token = csrf_token(client, path)

    response = client.post(
        path,
        data={"csrf_token": token, "text": "x", "file": (io.BytesIO(_too_large(app)), "stor.pdf")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 413
    assert "For stor" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Message.channel == "web")) == 0


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/webhooks/twilio/sms", "application/x-www-form-urlencoded"),
        ("/webhooks/twilio/status", "application/x-www-form-urlencoded"),
        ("/webhooks/meta", "application/json"),
    ],
)
def test_an_oversized_webhook_gets_413_in_plain_text(app, client, path, content_type):
    response = client.post(path, data=b"Body=" + _too_large(app), content_type=content_type)

    assert response.status_code == 413
    assert response.content_type.startswith("text/plain")
    assert "413 Request Entity Too Large" in response.get_data(as_text=True)


def test_an_oversized_api_call_gets_a_413_problem(app, client, staff):
    token = create_api_token(staff)
    db.session.commit()

    response = client.post(
        "/api/v1/callbacks",
        data=_too_large(app),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 413


# --- path traversal -------------------------------------------------------------------------


@pytest.fixture
def outside_file(app, tmp_path):
    """A file beside the blob store that no download may ever serve."""
    secret = tmp_path / "outside-secret.txt"
    secret.write_text("TOP-SECRET-OUTSIDE-THE-BLOB-STORE")
    return secret


TRAVERSALS = [
    "/attachments/..%2f..%2f..%2fetc%2fpasswd",
    "/attachments/../../../etc/passwd",
    "/attachments/%2e%2e/%2e%2e/etc/passwd",
    "/attachments/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/attachments/..%5c..%5cetc%5cpasswd",
    "/attachments/..\\..\\etc\\passwd",
    "/attachments//etc/passwd",
    "/attachments/%2fetc%2fpasswd",
    "/attachments/1%00",
    "/attachments/1%00.txt",
    "/attachments/-1",
    "/attachments/999999",
    "/attachments/99999999999999999999",
    "/attachments/1/../../../etc/passwd",
    "/static/../inbox/app.py",
    "/static/%2e%2e/inbox/app.py",
    "/static/..%2finbox%2fapp.py",
    "/static/..%5cinbox%5capp.py",
    "/static/%2fetc%2fpasswd",
    "/static/css%00/svarfrist.css",
    "/reports/channels/chart/..%2f..%2fetc%2fpasswd.svg",
]


def test_download_routes_never_serve_a_file_outside_the_blob_store(
    app, client, staff, outside_file
):
    receive(email(attachments=(InboundAttachment("brev.pdf", "application/pdf", b"%PDF-1.4 ok"),)))
    db.session.commit()
    log_in(client, "kari@alver.no")
    attacks = [*TRAVERSALS, f"/attachments/{outside_file}", f"/static/{outside_file}"]
    answers = {}
    for path in attacks:
        response = client.get(path)
        body = response.get_data()
        answers[path] = response.status_code
        assert b"root:" not in body, path
        assert b"TOP-SECRET-OUTSIDE-THE-BLOB-STORE" not in body, path
        assert b"create_app" not in body, path

    unexpected = {path: code for path, code in answers.items() if code not in (400, 404, 308)}
    assert unexpected == {}
    # A redirect (werkzeug normalising a path) must not lead anywhere that serves a file.
    for path, code in answers.items():
        if code == 308:
            followed = client.get(path, follow_redirects=True)
            assert followed.status_code in (400, 404), path


def _download(client, attachment: Attachment):
    return client.get(f"/attachments/{attachment.id}")


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd",
        "/etc/passwd",
        "..\\..\\windows\\system32\\drivers\\etc\\hosts",
        "C:\\Users\\kari\\passwd",
        "rapport\x00.pdf/../../passwd",
    ],
)
def test_an_attachment_named_like_a_path_is_served_without_the_path(app, client, staff, filename):
    case = receive(
        email(attachments=(InboundAttachment(filename, "text/plain", b"harmless content"),))
    )
    db.session.commit()
    attachment = db.session.scalars(select(Attachment)).one()
    blob_root = (app.extensions["svarfrist"].data_dir / "blobs").resolve()
    stored = blob_root / attachment.sha256[:2] / attachment.sha256[2:4] / attachment.sha256
    assert stored.read_bytes() == b"harmless content"
    assert not (blob_root.parent.parent / "etc" / "passwd").exists()
    log_in(client, "kari@alver.no")

    response = _download(client, attachment)

    assert response.status_code == 200
    assert response.get_data() == b"harmless content"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition and "\\" not in disposition and ".." not in disposition
    assert "\x00" not in disposition
    assert "passwd" in disposition or "hosts" in disposition
    assert case.reference


def test_an_e_mail_with_a_traversal_filename_is_stored_and_served_safely(app, client, staff):
    raw = (
        b"From: Kari <kari.nordmann@example.no>\r\n"
        b"To: postmottak@alver.kommune.no\r\n"
        b"Subject: Vedlegg\r\n"
        b"Message-ID: <trav-1@example.no>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nSj\xc3\xa5 vedlegget.\r\n"
        b"--b\r\nContent-Type: text/plain\r\n"
        b'Content-Disposition: attachment; filename="../../etc/passwd"\r\n\r\n'
        b"root:x:0:0 pretend\r\n--b--\r\n"
    )
    inbound = parse_email(
        raw,
        account="postmottak",
        received_at=datetime(2026, 11, 20, 10, 0, tzinfo=OSLO),
        max_attachment_bytes=1000,
    )
    receive(inbound)
    db.session.commit()
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.filename == "passwd"
    log_in(client, "kari@alver.no")

    response = _download(client, attachment)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] in (
        "attachment; filename=passwd",
        'attachment; filename="passwd"',
    )


def test_a_filename_cannot_inject_a_header(app, client, staff):
    receive(
        email(
            attachments=(
                InboundAttachment('a"\r\nX-Injected: yes\r\n.txt', "text/plain", b"content"),
            )
        )
    )
    db.session.commit()
    attachment = db.session.scalars(select(Attachment)).one()
    log_in(client, "kari@alver.no")

    response = _download(client, attachment)

    assert response.status_code == 200
    assert "X-Injected" not in response.headers
    assert "\r" not in response.headers["Content-Disposition"]
    assert "\n" not in response.headers["Content-Disposition"]


# --- odd characters in addresses ------------------------------------------------------------


def test_a_nul_byte_in_a_case_reference_is_no_case(app, client, staff):
    """PostgreSQL's text cannot hold U+0000: the address is no case (404), not a 500."""
    token = create_api_token(staff)
    db.session.commit()
    log_in(client, "kari@alver.no")

    page = client.get("/cases/2026-000001%00")
    api = client.get("/api/v1/cases/2026-000001%00", headers={"Authorization": f"Bearer {token}"})

    assert page.status_code == 404
    assert api.status_code == 404
    assert api.content_type == "application/problem+json"


# --- a database connection dropped during a request -----------------------------------------


def test_a_connection_dropped_before_the_requests_rollback_is_a_503_not_a_bare_500(
    app, client, staff
):
    log_in(client, "kari@alver.no")
    dropped = OperationalError("ROLLBACK", {}, Exception("server closed the connection"))

    def drop_connection(connection):
        connection.connection.dbapi_connection.close()  # the server has gone: locks are freed
        raise dropped

    event.listen(db.engine, "rollback", drop_connection)
    try:
        response = client.get("/")
    finally:
        event.remove(db.engine, "rollback", drop_connection)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"


def test_an_attachment_is_served_for_no_cache_to_keep(app, client, staff):
    """Attachments hold personal data, as pages do: no browser or proxy may store them."""
    receive(email(attachments=(InboundAttachment("brev.pdf", "application/pdf", b"%PDF-1.4 ok"),)))
    db.session.commit()
    attachment = db.session.scalars(select(Attachment)).one()
    log_in(client, "kari@alver.no")

    response = _download(client, attachment)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
