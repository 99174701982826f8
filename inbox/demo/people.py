"""The demo municipality's departments and staff (fictional people)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DepartmentPlan:
    slug: str
    name: str
    leader: str
    staff: tuple[str, ...]
    is_frontline: bool = False

    @property
    def email(self) -> str:
        return f"{self.slug}@alver.kommune.no"


DEPARTMENTS = (
    DepartmentPlan(
        "innbyggjarservice",
        "Innbyggjarservice",
        "Solveig Mjelde",
        ("Kari Haugland", "Ingrid Fosse", "Magnus Rongved"),
        is_frontline=True,
    ),
    DepartmentPlan("byggesak", "Byggesak", "Torbjørn Knarvik", ("Eirik Seim", "Hilde Lygre")),
    DepartmentPlan("barnehage", "Barnehage", "Marit Alver", ("Synnøve Hope", "Jon Manger")),
    DepartmentPlan("skule", "Skule", "Arne Radøy", ("Liv Frekhaug", "Per Hjelmås")),
    DepartmentPlan(
        "helse-og-omsorg", "Helse og omsorg", "Randi Lindås", ("Astrid Meland", "Odd Seim")
    ),
    DepartmentPlan("vatn-og-avlop", "Vatn og avløp", "Geir Ostereide", ("Terje Isdal", "Nils Lie")),
    DepartmentPlan(
        "eigedomsskatt", "Eigedomsskatt", "Berit Kvamme", ("Åse Hundvin", "Rune Eikanger")
    ),
)
ADMIN_NAME = "Svein Systemansvarleg"
DEMO_PASSWORD = "demo-passord-2026"

CITIZENS = (
    "Kari Nordmann",
    "Ola Hellesøy",
    "Marta Sæle",
    "Jostein Bjørsvik",
    "Anne Lise Tveit",
    "Håkon Espeland",
    "Sigrid Vikøren",
    "Lars Ove Dale",
    "Ragnhild Brakstad",
    "Knut Olsnes",
    "Tone Hellebust",
    "Bjørn Ivar Skjelde",
    "Guri Lien",
    "Even Tyssebotn",
    "Helga Litlabø",
    "Sondre Myking",
    "Eli Marie Fjell",
    "Trond Vabø",
    "Nina Hopland",
    "Asbjørn Kvalsvik",
    "Maria Gjerstad",
    "Jonas Flatøy",
    "Oda Solheim",
    "Vegard Eide",
    "Linn Kristin Hauge",
    "Stein Andersen",
    "Ahmed Hassan",
    "Agnieszka Nowak",
    "Ingeborg Røsland",
    "Fredrik Bruvik",
)


def email_address(name: str, domain: str = "alver.kommune.no") -> str:
    local = name.lower().replace(" ", ".").replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return f"{local}@{domain}"
