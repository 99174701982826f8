"""Placeholders in texts the municipality writes: checked once, filled in, unknown ones named."""

from __future__ import annotations

import pytest

from inbox.i18n import Language
from inbox.settings import placeholders
from inbox.settings.config import load_settings
from rules.config import ConfigError


def test_a_text_with_known_placeholders_and_doubled_braces_is_filled_in():
    text = "Sak {reference} hos {municipality}: svar innan {due_date} {{ikkje ein plasshaldar}}."
    placeholders.check(text)
    filled = placeholders.fill(
        text, {"reference": "2026-000001", "municipality": "Alver kommune", "due_date": "i dag"}
    )
    assert filled == "Sak 2026-000001 hos Alver kommune: svar innan i dag {ikkje ein plasshaldar}."


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Svar innan {frist}.", "{frist}"),
        ("Svar innan {}.", "{}"),
        ("Svar innan {0}.", "{0}"),
        ("Svar innan {due:>40}.", "{due:>40}"),
        ("Svar innan {due!r}.", "{due!r}"),
        ("Svar innan {due.year}.", "{due.year}"),
    ],
)
def test_anything_but_a_known_name_is_refused_by_what_was_written(text, named):
    with pytest.raises(placeholders.PlaceholderError) as refused:
        placeholders.check(text)
    assert refused.value.placeholder == named and not refused.value.is_lone_brace
    assert f"uses {named}, which is not a placeholder" in str(refused.value)
    assert "{municipality}, {reference}, {due}, {due_date}" in str(refused.value)


@pytest.mark.parametrize(("text", "brace"), [("Pris: 5 }", "}"), ("Open { here", "{")])
def test_a_lone_brace_is_refused(text, brace):
    with pytest.raises(placeholders.PlaceholderError) as refused:
        placeholders.check(text)
    assert refused.value.is_lone_brace and refused.value.placeholder == brace


def test_a_placeholder_without_a_value_stays_as_written():
    assert placeholders.fill("Innan {due}, sak {reference}", {"reference": "X"}) == (
        "Innan {due}, sak X"
    )
    assert placeholders.used_in("{due} {reference} {due}") == ["due", "reference"]


def test_examples_are_written_in_the_language_asked_for():
    nynorsk = placeholders.example_values("Alver kommune", Language.load("nn"))
    english = placeholders.example_values("Alver kommune", Language.load("en"))
    assert nynorsk["due_date"] == "fredag 27. november 2026"
    assert english["due_date"] == "Friday, 27 November 2026"
    assert set(nynorsk) == set(placeholders.PLACEHOLDERS)


def test_a_configured_template_with_an_unknown_placeholder_is_refused_with_its_key(tmp_path):
    path = tmp_path / "svarfrist.toml"
    path.write_text('[[templates]]\nname = "Takk"\ntext = "Hei {namn}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(path)
    (line,) = str(refused.value).splitlines()
    assert line.startswith(f"{path}: templates[0].text: cannot be filled in: uses {{namn}}")
