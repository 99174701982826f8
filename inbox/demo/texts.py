"""What the demo's citizens write, and how staff answer, in Nynorsk and Bokmål.

Each topic belongs to a department (some to two: ``shared_with``), may peak in some
months, and has slots (street, house number, ...) so that hundreds of cases do not read the
same; :mod:`inbox.demo.phrasings` has more ways of asking each.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    department: str
    subject: dict[str, str]
    text: dict[str, str]
    reply: dict[str, str]
    peak_months: tuple[int, ...] = ()
    #: Another department that handles some of these cases (they could belong to either).
    shared_with: str | None = None
    #: The share of the cases the other department handles.
    shared_share: float = 0.4


STREETS = (
    "Kvernhusvegen",
    "Alversund",
    "Knarvikvegen",
    "Lindåsvegen",
    "Manger sentrum",
    "Frekhaugvegen",
    "Seimsvegen",
    "Radøyvegen",
    "Isdalstø",
    "Hundvin",
)
SCHOOLS = ("Alversund skule", "Knarvik barneskule", "Lindås ungdomsskule", "Manger skule")
KINDERGARTENS = ("Kvassnesvegen barnehage", "Frekhaug barnehage", "Ostereidet barnehage")

TOPICS = (
    Topic(
        "byggesak",
        {"nn": "Spørsmål om byggesøknad", "nb": "Spørsmål om byggesøknad"},
        {
            "nn": "Hei! Eg sende byggesøknad for tilbygg i {street} {number} for tre veker sidan. "
            "Kan de seie kor langt saka har kome, og om de treng fleire teikningar?",
            "nb": "Hei! Jeg sendte byggesøknad for tilbygg i {street} {number} for tre uker siden. "
            "Kan dere si hvor langt saken har kommet, og om dere trenger flere tegninger?",
        },
        {
            "nn": "Hei, og takk for meldinga. Søknaden din er komplett og vert handsama innan "
            "fristen. Du får vedtaket i Altinn.",
            "nb": "Hei, og takk for meldingen. Søknaden din er komplett og blir behandlet innen "
            "fristen. Du får vedtaket i Altinn.",
        },
    ),
    Topic(
        "byggesak",
        {"nn": "Treng eg å søkje om garasje?", "nb": "Må jeg søke om garasje?"},
        {
            "nn": "Vi vil setje opp ein garasje på 45 m² i {street}. Må vi søkje, eller er det "
            "fritt frå søknadsplikt?",
            "nb": "Vi vil sette opp en garasje på 45 m² i {street}. Må vi søke, eller er det "
            "unntatt fra søknadsplikt?",
        },
        {
            "nn": "Ein garasje under 50 m² kan ofte byggjast utan søknad, men avstanden til "
            "nabogrensa må vere minst 1 meter. Sjå rettleiinga på nettsida vår.",
            "nb": "En garasje under 50 m² kan ofte bygges uten søknad, men avstanden til "
            "nabogrensen må være minst 1 meter. Se veiledningen på nettsiden vår.",
        },
    ),
    Topic(
        "barnehage",
        {"nn": "Søknad om barnehageplass", "nb": "Søknad om barnehageplass"},
        {
            "nn": "Hei. Vi har søkt plass til dottera vår i {kindergarten} frå august. "
            "Når får vi svar på opptaket?",
            "nb": "Hei. Vi har søkt plass til datteren vår i {kindergarten} fra august. "
            "Når får vi svar på opptaket?",
        },
        {
            "nn": "Hovudopptaket vert sendt ut i slutten av mars. Du får svar på e-post og i "
            "foreldreportalen.",
            "nb": "Hovedopptaket sendes ut i slutten av mars. Du får svar på e-post og i "
            "foreldreportalen.",
        },
        peak_months=(2, 3),
    ),
    Topic(
        "barnehage",
        {"nn": "Redusert foreldrebetaling", "nb": "Redusert foreldrebetaling"},
        {
            "nn": "Kan vi få redusert foreldrebetaling i barnehagen? Inntekta vår har gått ned.",
            "nb": "Kan vi få redusert foreldrebetaling i barnehagen? Inntekten vår har gått ned.",
        },
        {
            "nn": "Ja, de kan søkje om redusert betaling. Skjemaet ligg på nettsida, legg ved "
            "skattemeldinga.",
            "nb": "Ja, dere kan søke om redusert betaling. Skjemaet ligger på nettsiden, legg ved "
            "skattemeldingen.",
        },
        peak_months=(2, 3, 8),
    ),
    Topic(
        "skule",
        {"nn": "Skuleskyss", "nb": "Skoleskyss"},
        {
            "nn": "Sonen vår byrja i 1. klasse på {school}. Bussen går ikkje forbi {street} "
            "lenger. Kven kan vi snakke med om skuleskyss?",
            "nb": "Sønnen vår begynte i 1. klasse på {school}. Bussen går ikke forbi {street} "
            "lenger. Hvem kan vi snakke med om skoleskyss?",
        },
        {
            "nn": "Skuleskyss vert handsama av Skyss. Vi har sendt saka vidare og sjekka at dei "
            "har fått ho. Dei tek kontakt med dykk.",
            "nb": "Skoleskyss behandles av Skyss. Vi har sendt saken videre og sjekket at de har "
            "mottatt den. De tar kontakt med dere.",
        },
        peak_months=(8, 9),
    ),
    Topic(
        "skule",
        {"nn": "Plass i SFO", "nb": "Plass i SFO"},
        {
            "nn": "Er det ledig plass i SFO på {school} frå neste månad?",
            "nb": "Er det ledig plass i SFO på {school} fra neste måned?",
        },
        {
            "nn": "Det er ledige plassar. Søk i foreldreportalen, så får du stadfesting innan "
            "ei veke.",
            "nb": "Det er ledige plasser. Søk i foreldreportalen, så får du bekreftelse innen "
            "en uke.",
        },
    ),
    Topic(
        "helse-og-omsorg",
        {"nn": "Heimetenester til mor mi", "nb": "Hjemmetjenester til moren min"},
        {
            "nn": "Mor mi (87) bur åleine i {street} {number} og treng hjelp med medisinar. "
            "Korleis søkjer vi om heimesjukepleie?",
            "nb": "Moren min (87) bor alene i {street} {number} og trenger hjelp med medisiner. "
            "Hvordan søker vi om hjemmesykepleie?",
        },
        {
            "nn": "Tildelingskontoret ringjer deg i løpet av veka for å avtale eit heimebesøk.",
            "nb": "Tildelingskontoret ringer deg i løpet av uken for å avtale et hjemmebesøk.",
        },
    ),
    Topic(
        "helse-og-omsorg",
        {"nn": "Tryggleiksalarm", "nb": "Trygghetsalarm"},
        {
            "nn": "Far min har fått tryggleiksalarm, men han veit ikkje korleis han testar han. "
            "Kan nokon kome innom?",
            "nb": "Faren min har fått trygghetsalarm, men han vet ikke hvordan han tester den. "
            "Kan noen komme innom?",
        },
        {
            "nn": "Vi sender ein tilsett innom torsdag før lunsj for å vise korleis alarmen vert "
            "testa.",
            "nb": "Vi sender en ansatt innom torsdag før lunsj for å vise hvordan alarmen testes.",
        },
    ),
    Topic(
        "vatn-og-avlop",
        {"nn": "Vasslekkasje i vegen", "nb": "Vannlekkasje i veien"},
        {
            "nn": "Det renn vatn opp av asfalten ved {street} {number}. Har de sett det?",
            "nb": "Det renner vann opp av asfalten ved {street} {number}. Har dere sett det?",
        },
        {
            "nn": "Takk for tipset! Driftsavdelinga har vore der og stengt leidningen. Han vert "
            "reparert i morgon.",
            "nb": "Takk for tipset! Driftsavdelingen har vært der og stengt ledningen. Den blir "
            "reparert i morgen.",
        },
    ),
    Topic(
        "vatn-og-avlop",
        {"nn": "Kokevarsel?", "nb": "Kokevarsel?"},
        {
            "nn": "Gjeld kokevarselet framleis for {street}? Vatnet er brunt hjå oss.",
            "nb": "Gjelder kokevarselet fortsatt for {street}? Vannet er brunt hos oss.",
        },
        {
            "nn": "Kokevarselet vart oppheva i går. Brunt vatn kjem av spyling; la krana renne "
            "nokre minutt.",
            "nb": "Kokevarselet ble opphevet i går. Brunt vann skyldes spyling; la kranen renne "
            "noen minutter.",
        },
    ),
    Topic(
        "eigedomsskatt",
        {"nn": "Klage på eigedomsskatt", "nb": "Klage på eiendomsskatt"},
        {
            "nn": "Eg meiner takseringa av eigedommen min gnr. {gnr} bnr. {bnr} er for høg. "
            "Huset er frå 1962 og ikkje pussa opp. Korleis klagar eg?",
            "nb": "Jeg mener takseringen av eiendommen min gnr. {gnr} bnr. {bnr} er for høy. "
            "Huset er fra 1962 og ikke pusset opp. Hvordan klager jeg?",
        },
        {
            "nn": "Klagefristen er seks veker etter at skattesetlane vart sende ut. Bruk "
            "klageskjemaet på nettsida, så vert eigedommen vurdert på nytt.",
            "nb": "Klagefristen er seks uker etter at skattesedlene ble sendt ut. Bruk "
            "klageskjemaet på nettsiden, så blir eiendommen vurdert på nytt.",
        },
        peak_months=(3, 4),
    ),
    Topic(
        "eigedomsskatt",
        {"nn": "Faktura for eigedomsskatt", "nb": "Faktura for eiendomsskatt"},
        {
            "nn": "Eg har fått to fakturaer for eigedomsskatt på same eigedom (gnr. {gnr} bnr. "
            "{bnr}). Kva skal eg betale?",
            "nb": "Jeg har fått to fakturaer for eiendomsskatt på samme eiendom (gnr. {gnr} bnr. "
            "{bnr}). Hva skal jeg betale?",
        },
        {
            "nn": "Den eine fakturaen var sendt i feil. Du skal berre betale den med forfall den "
            "20. Vi krediterer den andre.",
            "nb": "Den ene fakturaen var sendt ved en feil. Du skal bare betale den med forfall "
            "den 20. Vi krediterer den andre.",
        },
        peak_months=(3, 4),
    ),
    Topic(
        "innbyggjarservice",
        {"nn": "Opningstider", "nb": "Åpningstider"},
        {
            "nn": "Kva tid er servicetorget ope i jula?",
            "nb": "Når er servicetorget åpent i julen?",
        },
        {
            "nn": "Servicetorget er ope frå 9 til 15 på kvardagar, og stengt julaftan og "
            "nyttårsaftan.",
            "nb": "Servicetorget er åpent fra 9 til 15 på hverdager, og stengt julaften og "
            "nyttårsaften.",
        },
    ),
    Topic(
        "innbyggjarservice",
        {"nn": "Brøyting", "nb": "Brøyting"},
        {
            "nn": "Vegen vår i {street} er ikkje brøyta i dag heller. Kven har ansvaret?",
            "nb": "Veien vår i {street} er ikke brøytet i dag heller. Hvem har ansvaret?",
        },
        {
            "nn": "Det er kommunal veg, og brøytaren er varsla. Han kjem innan kvelden.",
            "nb": "Det er kommunal vei, og brøyteren er varslet. Han kommer innen kvelden.",
        },
        peak_months=(1, 2, 11, 12),
    ),
    Topic(
        "innbyggjarservice",
        {"nn": "Renovasjon", "nb": "Renovasjon"},
        {
            "nn": "Bosspanet vart ikkje tømt i {street} {number} denne veka.",
            "nb": "Søppeldunken ble ikke tømt i {street} {number} denne uken.",
        },
        {
            "nn": "Vi har meldt frå til renovasjonsselskapet, og dei tømer på fredag.",
            "nb": "Vi har meldt fra til renovasjonsselskapet, og de tømmer på fredag.",
        },
    ),
    # Cases that could belong to two departments.
    Topic(
        "vatn-og-avlop",
        {"nn": "Vatn i kjellaren", "nb": "Vann i kjelleren"},
        {
            "nn": "Etter at naboen bygde på huset sitt, renn det vatn inn i kjellaren vår i "
            "{street} {number}. Er det kloakken eller byggjearbeidet? Kven tek ansvar?",
            "nb": "Etter at naboen bygde på huset sitt, renner det vann inn i kjelleren vår i "
            "{street} {number}. Er det kloakken eller byggearbeidet? Hvem tar ansvar?",
        },
        {
            "nn": "Vi har sjekka leidningsnettet ved huset ditt. Det er ikkje feil på det "
            "kommunale nettet; ta kontakt med røyrleggjar for stikkleidningen.",
            "nb": "Vi har sjekket ledningsnettet ved huset ditt. Det er ikke feil på det "
            "kommunale nettet; kontakt rørlegger for stikkledningen.",
        },
        shared_with="byggesak",
    ),
    Topic(
        "barnehage",
        {"nn": "Barnehage og SFO etter flytting", "nb": "Barnehage og SFO etter flytting"},
        {
            "nn": "Vi flyttar til {street} i august og treng barnehageplass til veslebror og "
            "SFO til storesyster på {school}. Kan de hjelpe oss med begge?",
            "nb": "Vi flytter til {street} i august og trenger barnehageplass til lillebror og "
            "SFO til storesøster på {school}. Kan dere hjelpe oss med begge deler?",
        },
        {
            "nn": "Velkomne til kommunen! Søk barnehageplass og SFO i foreldreportalen; vi "
            "samordnar oppstarten.",
            "nb": "Velkommen til kommunen! Søk barnehageplass og SFO i foreldreportalen; vi "
            "samordner oppstarten.",
        },
        shared_with="skule",
        shared_share=0.5,
    ),
    Topic(
        "eigedomsskatt",
        {"nn": "Eigedomsskatt etter ny garasje", "nb": "Eiendomsskatt etter ny garasje"},
        {
            "nn": "Vi bygde garasje i fjor, og no har eigedomsskatten for gnr. {gnr} bnr. "
            "{bnr} auka. Er garasjen registrert rett?",
            "nb": "Vi bygde garasje i fjor, og nå har eiendomsskatten for gnr. {gnr} bnr. {bnr} "
            "økt. Er garasjen registrert riktig?",
        },
        {
            "nn": "Garasjen er registrert med 42 m², og taksten er justert etter det. Meiner "
            "du arealet er feil, kan du klage innan seks veker.",
            "nb": "Garasjen er registrert med 42 m², og taksten er justert etter det. Mener du "
            "arealet er feil, kan du klage innen seks uker.",
        },
        shared_with="byggesak",
    ),
    Topic(
        "innbyggjarservice",
        {"nn": "Vegen øydelagd etter gravearbeid", "nb": "Veien ødelagt etter gravearbeid"},
        {
            "nn": "Etter at kommunen grov for ny vassleidning i {street}, er vegen full av hol. "
            "Kven skal reparere han?",
            "nb": "Etter at kommunen gravde for ny vannledning i {street}, er veien full av hull. "
            "Hvem skal reparere den?",
        },
        {
            "nn": "Asfalten vert lagd att når grøfta har sett seg, truleg i mai. Vi har meldt "
            "frå om hola til entreprenøren.",
            "nb": "Asfalten legges på nytt når grøften har satt seg, trolig i mai. Vi har meldt "
            "fra om hullene til entreprenøren.",
        },
        shared_with="vatn-og-avlop",
    ),
)

PRELIMINARY = {
    "nn": "Takk for tolmodet. Vi treng litt meir tid for å gi deg eit godt svar, og kjem "
    "tilbake til deg innan {date}.",
    "nb": "Takk for tålmodigheten. Vi trenger litt mer tid for å gi deg et godt svar, og kommer "
    "tilbake til deg innen {date}.",
}
FOLLOW_UP = {
    "nn": "Takk for svaret! Eg har eitt spørsmål til: gjeld dette også for {street}?",
    "nb": "Takk for svaret! Jeg har ett spørsmål til: gjelder dette også for {street}?",
}
CALLBACK = {
    "nn": "Ring meg opp om {subject}. Eg er tilgjengeleg heile dagen.",
    "nb": "Ring meg opp om {subject}. Jeg er tilgjengelig hele dagen.",
}
HANDOVER_NOTE = "Gjeld fagområdet dykkar. Innbyggjaren har fått kvittering."
