"""More ways the demo's citizens ask the same things: other phrasings in Nynorsk and Bokmål,
dialect words, short SMS-like questions and long ones, and typos.

The department suggestions (``bench/suggestions.py``) are measured on the demo's history, so
its texts must not be one sentence per topic with the street changed: a classifier would
learn the sentence. Keyed by the topic's Nynorsk subject; the topic's own text is one more.
"""

from __future__ import annotations

import random as random_module

from inbox.demo.texts import Topic

PHRASINGS: dict[str, tuple[dict[str, str], ...]] = {
    "Spørsmål om byggesøknad": (
        {
            "nn": "Kor lang tid tek det å få svar på ein byggjesøknad? Vi søkte om å byggje på "
            "huset i {street} {number} i vinter og har ikkje høyrt noko.",
            "nb": "Hvor lang tid tar det å få svar på en byggesøknad? Vi søkte om å bygge på "
            "huset i {street} {number} i vinter og har ikke hørt noe.",
        },
        {"nn": "status byggesak {street} {number}?", "nb": "status på byggesaken {street}?"},
        {
            "nn": "Hei. Arkitekten vår sende inn søknad om tilbygg og ny veranda for oss. Vi "
            "lurer på om nabovarselet var godt nok, og om det manglar dokument. Huset ligg i "
            "{street} {number}. Vi vil gjerne byrje før sommaren om det går an, så eit svar "
            "snart hadde vore fint. Helsing oss",
            "nb": "Hei. Arkitekten vår sendte inn søknad om tilbygg og ny veranda for oss. Vi "
            "lurer på om nabovarselet var godt nok, og om det mangler dokumenter. Huset ligger "
            "i {street} {number}. Vi vil gjerne begynne før sommeren om det går an, så et svar "
            "snart hadde vært fint. Hilsen oss",
        },
    ),
    "Treng eg å søkje om garasje?": (
        {
            "nn": "Må ein ha løyve for å setje opp carport? Tenkjer ca 30 kvm ved {street}.",
            "nb": "Trenger man tillatelse for å sette opp carport? Tenker ca 30 kvm ved {street}.",
        },
        {"nn": "garasje utan søknad, kor stor kan den vere", "nb": "hvor stor garasje uten søknad"},
        {
            "nn": "Vi skal byggje eit uthus/bod på tomta og lurer på kor nær nabogrensa vi kan "
            "setje det, og om vi må sende noko til kommunen.",
            "nb": "Vi skal bygge et uthus/bod på tomten og lurer på hvor nær nabogrensen vi kan "
            "sette det, og om vi må sende noe til kommunen.",
        },
    ),
    "Søknad om barnehageplass": (
        {
            "nn": "Når kjem svaret på opptaket? Vi søkte til {kindergarten} før fristen.",
            "nb": "Når kommer svaret på opptaket? Vi søkte til {kindergarten} før fristen.",
        },
        {"nn": "barnehageplass frå august?", "nb": "får vi barnehageplass fra august?"},
        {
            "nn": "Vi flytta til kommunen i haust og treng plass til guten vår (2 år). Kan han "
            "få plass i {kindergarten} før hovudopptaket, og korleis søkjer vi?",
            "nb": "Vi flyttet til kommunen i høst og trenger plass til gutten vår (2 år). Kan han "
            "få plass i {kindergarten} før hovedopptaket, og hvordan søker vi?",
        },
    ),
    "Redusert foreldrebetaling": (
        {
            "nn": "Korleis søkjer ein om lågare pris i barnehagen når ein har lita inntekt?",
            "nb": "Hvordan søker man om lavere pris i barnehagen når man har lav inntekt?",
        },
        {"nn": "moderasjon barnehage pris", "nb": "søsken moderasjon barnehage?"},
    ),
    "Skuleskyss": (
        {
            "nn": "Dottera vår på {school} har ikkje fått busskort enno. Kven ordnar skyss?",
            "nb": "Datteren vår på {school} har ikke fått busskort ennå. Hvem ordner skyss?",
        },
        {"nn": "skulebuss {street} kjem ikkje", "nb": "skolebussen i {street} kom ikke i dag"},
        {
            "nn": "Har rett på gratis skuleskyss når vegen til {school} er farleg? Det er ikkje "
            "fortau langs {street}, og ungane må gå i vegbana om morgonen.",
            "nb": "Har vi rett på gratis skoleskyss når veien til {school} er farlig? Det er ikke "
            "fortau langs {street}, og barna må gå i veibanen om morgenen.",
        },
    ),
    "Plass i SFO": (
        {
            "nn": "Kan ungen vår byrje på SFO på {school} berre tre dagar i veka?",
            "nb": "Kan barnet vårt begynne på SFO på {school} bare tre dager i uka?",
        },
        {"nn": "sfo plass? {school}", "nb": "ledig sfo-plass {school}?"},
    ),
    "Heimetenester til mor mi": (
        {
            "nn": "Far min har vorte dårlegare og klarer seg ikkje åleine lenger. Kva hjelp kan "
            "han få heime i {street}?",
            "nb": "Faren min har blitt dårligere og klarer seg ikke alene lenger. Hvilken hjelp "
            "kan han få hjemme i {street}?",
        },
        {"nn": "heimesjukepleie søknad", "nb": "søke hjemmesykepleie for mor"},
        {
            "nn": "Bestemor (91) har demens og bur framleis heime i {street} {number}. Vi "
            "pårørande er usikre på om ho bør få plass på sjukeheim eller meir hjelp heime. "
            "Kven kan vi snakke med?",
            "nb": "Bestemor (91) har demens og bor fortsatt hjemme i {street} {number}. Vi "
            "pårørende er usikre på om hun bør få plass på sykehjem eller mer hjelp hjemme. "
            "Hvem kan vi snakke med?",
        },
    ),
    "Tryggleiksalarm": (
        {
            "nn": "Alarmen til mor piper heile tida. Kan nokon sjå på han?",
            "nb": "Alarmen til mor piper hele tiden. Kan noen se på den?",
        },
        {"nn": "tryggleiksalarm virkar ikkje", "nb": "trygghetsalarmen virker ikke"},
    ),
    "Vasslekkasje i vegen": (
        {
            "nn": "Ser ut som ein vassleidning har sprunge ved {street}, det fossar vatn i grøfta.",
            "nb": "Ser ut som en vannledning har sprukket ved {street}, det fosser vann i grøften.",
        },
        {"nn": "lekkasje {street} {number}!!", "nb": "vannlekkasje ved {street}"},
        {
            "nn": "Vi har ikkje vatn i springen sidan i morges. Er det brot på leidningen i "
            "{street}?",
            "nb": "Vi har ikke vann i springen siden i morges. Er det brudd på ledningen i "
            "{street}?",
        },
    ),
    "Kokevarsel?": (
        {
            "nn": "Må vi framleis koke drikkevatnet i {street}?",
            "nb": "Må vi fortsatt koke drikkevannet i {street}?",
        },
        {"nn": "kokevarsel oppheva?", "nb": "er kokevarselet over"},
        {
            "nn": "Vatnet luktar rart og er gulbrunt. Er det trygt å drikke, eller skal vi koke "
            "det?",
            "nb": "Vannet lukter rart og er gulbrunt. Er det trygt å drikke, eller skal vi koke "
            "det?",
        },
    ),
    "Klage på eigedomsskatt": (
        {
            "nn": "Eg vil klage på eigedomsskatten for gnr. {gnr} bnr. {bnr}. Arealet er "
            "rekna feil, kjellaren er ikkje innreidd.",
            "nb": "Jeg vil klage på eiendomsskatten for gnr. {gnr} bnr. {bnr}. Arealet er "
            "regnet feil, kjelleren er ikke innredet.",
        },
        {"nn": "klage skattetakst", "nb": "klage på takst eiendomsskatt"},
    ),
    "Faktura for eigedomsskatt": (
        {
            "nn": "Kvifor har eigedomsskatten gått opp så mykje i år? Gnr {gnr}/{bnr}.",
            "nb": "Hvorfor har eiendomsskatten økt så mye i år? Gnr {gnr}/{bnr}.",
        },
        {
            "nn": "kan eg dele opp eigedomsskatten i terminar",
            "nb": "betale eiendomsskatt i avdrag?",
        },
    ),
    "Opningstider": (
        {
            "nn": "Er rådhuset ope i påska? Eg må levere eit skjema.",
            "nb": "Er rådhuset åpent i påsken? Jeg må levere et skjema.",
        },
        {"nn": "opningstid servicetorget", "nb": "åpningstider?"},
    ),
    "Brøyting": (
        {
            "nn": "Brøytebilen har lagt ein haug med snø framfor innkøyrsla vår i {street}.",
            "nb": "Brøytebilen har lagt en haug med snø foran innkjørselen vår i {street}.",
        },
        {"nn": "ikkje brøyta {street}", "nb": "når blir {street} brøytet"},
        {
            "nn": "Det er speilblank is på vegen opp til {street} {number} og ingen har strødd. "
            "Eldre folk kjem seg ikkje ut.",
            "nb": "Det er speilblank is på veien opp til {street} {number} og ingen har strødd. "
            "Eldre folk kommer seg ikke ut.",
        },
    ),
    "Renovasjon": (
        {
            "nn": "Papirdunken er ikkje tømd på tre veker i {street}.",
            "nb": "Papirdunken er ikke tømt på tre uker i {street}.",
        },
        {"nn": "boss ikkje henta", "nb": "søpla ble ikke hentet"},
    ),
}
#: Letters a hurried thumb hits instead (neighbours on a Norwegian keyboard).
NEIGHBOURS = {"e": "r", "a": "s", "i": "o", "n": "m", "r": "t", "s": "d", "t": "y", "o": "p"}
TYPO_SHARE = 0.25
CASUAL_SHARE = 0.15


def citizen_text(topic: Topic, language: str, random: random_module.Random, slots: dict) -> str:
    """One way a citizen asks about ``topic``: a phrasing, now and then casual or mistyped."""
    phrasing = random.choice((topic.text, *PHRASINGS.get(topic.subject["nn"], ())))
    text = phrasing[language].format(**slots)
    if random.random() < CASUAL_SHARE:
        text = text.lower().rstrip(".?!")
    if random.random() < TYPO_SHARE:
        text = _typo(text, random)
    return text


def handling_department(topic: Topic, random: random_module.Random) -> str:
    """Who handles this case: the topic's department, or for a topic between two, sometimes
    the other one (which is what makes a suggestion hard)."""
    if topic.shared_with and random.random() < topic.shared_share:
        return topic.shared_with
    return topic.department


def _typo(text: str, random: random_module.Random) -> str:
    """One slip: a neighbouring key, a letter doubled or one dropped."""
    places = [i for i, char in enumerate(text) if char.isalpha()]
    if not places:
        return text
    at = random.choice(places)
    char = text[at]
    slip = random.randrange(3)
    if slip == 0:
        return text[:at] + NEIGHBOURS.get(char, char) + text[at + 1 :]
    if slip == 1:
        return text[:at] + char + text[at:]
    return text[:at] + text[at + 1 :]
