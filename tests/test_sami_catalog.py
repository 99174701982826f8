"""The Northern Sámi catalog: every text a citizen sees, with its placeholders, and the
warning that it needs a native speaker's review."""

from __future__ import annotations

from tests.test_translations import PLACEHOLDER, ROOT, catalog, extracted

#: Files whose every text reaches the citizen.
CITIZEN_FILES = {
    "inbox/intake/acknowledgements.py",
    "inbox/intake/callbacks.py",
    "inbox/web/callback_page.py",
    "templates/callback/form.html",
    "templates/callback/receipt.html",
    "inbox/cases/citizen_status.py",
    "inbox/cases/status_links.py",
    "inbox/web/status_page.py",
    "templates/public/_page.html",
    "templates/public/status.html",
    "templates/public/status_unknown.html",
}
#: Texts for the citizen in files that are mostly staff's.
CITIZEN_MESSAGES_ELSEWHERE = {
    "%(date)s at %(time)s",  # inbox/i18n.py: every date and time we tell the citizen
    "You will get an answer by %(date)s at the latest.",  # a preliminary answer's new date
    "Your case %(reference)s is now handled by %(department)s at %(municipality)s.",
    "Your case %(reference)s is now handled by %(department)s at %(municipality)s. "
    "You will have an answer at the latest by %(due)s.",
    # The callback form's fields (inbox/web/forms.py) and the public pages' skip link.
    "Your name",
    "Phone number",
    "What is it about?",
    "Which department (if you know)",
    "When does it suit you best?",
    "Any time in our opening hours",
    "Morning",
    "Around midday",
    "Afternoon",
    "Send me an SMS saying when you will call",
    "Leave this field empty",
    "Skip to main content",
    # The status page's form (inbox/web/forms.py).
    "What would you like to add?",
    "A file (optional)",
}


def citizen_messages() -> set[str]:
    in_files = {message for filename, message in extracted() if filename in CITIZEN_FILES}
    return in_files | CITIZEN_MESSAGES_ELSEWHERE


def test_every_citizen_text_is_in_northern_sami_with_its_placeholders():
    translated = {message.id: message.string for message in catalog("se") if message.id}
    assert {message for _file, message in extracted()} >= CITIZEN_MESSAGES_ELSEWHERE
    missing = sorted(m for m in citizen_messages() if not translated.get(m))
    assert not missing, f"se: the citizen would read English: {missing}"
    dropped = [
        message
        for message in citizen_messages()
        if set(PLACEHOLDER.findall(translated[message])) != set(PLACEHOLDER.findall(message))
    ]
    assert not dropped, f"se: placeholders differ from the msgid: {dropped}"


def test_the_catalog_says_it_needs_a_native_speakers_review():
    header = (ROOT / "translations/se/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    assert "NEEDS REVIEW BY A NATIVE SPEAKER BEFORE PRODUCTION USE" in header.split("msgid")[0]
