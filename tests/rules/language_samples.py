"""Messages as citizens write them to a municipality, to measure language detection on.

Each language has everyday questions of the kinds a servicetorg gets (building permits,
kindergarten, property tax, waste collection, water), long and short, formal and not, with
the typos and greetings real messages have. Names and numbers are made up.
"""

NYNORSK = [
    "Hei! Eg sende inn søknad om byggeløyve for eit tilbygg for tre veker sidan, men har "
    "ikkje høyrt noko. Kan de seie kor lang tid det tek før søknaden vert handsama?",
    "Hei. Dottera vår skal byrje i barnehagen i august, og vi lurer på om det er mogleg å "
    "få plass i Knarvik barnehage i staden for den vi fekk tilbod om.",
    "Eg har fått faktura på eigedomsskatt for ei hytte som vart riven i fjor. Korleis går eg "
    "fram for å klage på dette? Med venleg helsing Ola Nordmann",
    "Søppeldunken vår vart ikkje tømd i dag heller. Dette er tredje gongen denne månaden. "
    "Kven skal eg kontakte om dette?",
    "Vi har hatt brunt vatn i springen sidan i går kveld. Gjeld dette fleire i Radøy, og "
    "når vert det fiksa?",
    "Kva tid opnar biblioteket i Manger etter ombygginga? Eg har nokre bøker som skulle "
    "vore leverte.",
    "Hei, eg ynskjer å melde frå om eit hol i vegen ved avkøyringa til skulen på Lindås. "
    "Det er ganske djupt og bilar må svinge unna.",
    "Mor mi treng heimesjukepleie etter at ho kom heim frå sjukehuset. Kven kan eg snakke "
    "med om kva hjelp ho kan få?",
    "Takk for svar sist. Eg har no lagt ved teikningane de bad om, og håpar saka kan gå "
    "vidare. Gje meg beskjed om det manglar noko meir.",
    "Kan nokon ringje meg om parkeringsløyve for rørslehemma? Eg har prøvd å ringje "
    "sentralbordet, men kjem ikkje fram.",
    "Eg vil gjerne vite om kommunen har ledige kommunale bustader, og korleis ein søkjer "
    "om det. Eg er einsleg med to born.",
    "Hei, kor mykje kostar det å leige gymsalen på Alversund skule ein laurdag i mars? Vi "
    "er eit idrettslag med om lag tretti medlemmer.",
]

BOKMAL = [
    "Hei! Jeg sendte inn søknad om byggetillatelse for et tilbygg for tre uker siden, men "
    "har ikke hørt noe. Kan dere si hvor lang tid det tar før søknaden blir behandlet?",
    "Hei. Datteren vår skal begynne i barnehagen i august, og vi lurer på om det er mulig å "
    "få plass i Knarvik barnehage i stedet for den vi fikk tilbud om.",
    "Jeg har fått faktura på eiendomsskatt for en hytte som ble revet i fjor. Hvordan går "
    "jeg frem for å klage på dette? Med vennlig hilsen Kari Nordmann",
    "Søppeldunken vår ble ikke tømt i dag heller. Dette er tredje gangen denne måneden. "
    "Hvem skal jeg kontakte om dette?",
    "Vi har hatt brunt vann i springen siden i går kveld. Gjelder dette flere på Radøy, og "
    "når blir det fikset?",
    "Når åpner biblioteket i Manger etter ombyggingen? Jeg har noen bøker som skulle vært levert.",
    "Hei, jeg ønsker å melde fra om et hull i veien ved avkjøringen til skolen på Lindås. "
    "Det er ganske dypt og biler må svinge unna.",
    "Moren min trenger hjemmesykepleie etter at hun kom hjem fra sykehuset. Hvem kan jeg "
    "snakke med om hvilken hjelp hun kan få?",
    "Takk for svar sist. Jeg har nå lagt ved tegningene dere ba om, og håper saken kan gå "
    "videre. Gi meg beskjed om det mangler noe mer.",
    "Kan noen ringe meg om parkeringstillatelse for bevegelseshemmede? Jeg har prøvd å "
    "ringe sentralbordet, men kommer ikke frem.",
    "Jeg vil gjerne vite om kommunen har ledige kommunale boliger, og hvordan man søker "
    "om det. Jeg er enslig med to barn.",
    "Hei, hvor mye koster det å leie gymsalen på Alversund skole en lørdag i mars? Vi er et "
    "idrettslag med omtrent tretti medlemmer.",
]

ENGLISH = [
    "Hello, I applied for a building permit for an extension three weeks ago but have not "
    "heard anything. Could you tell me how long it usually takes to process?",
    "Hi, we have just moved to Alver from Poland and would like to apply for a kindergarten "
    "place for our son. Which form do we need to fill in?",
    "I received an invoice for property tax on a cabin that was demolished last year. How "
    "do I file a complaint about this? Kind regards, John Smith",
    "Our bin was not emptied again today. This is the third time this month. Who should I "
    "contact about it?",
    "We have had brown water from the tap since last night. Is anyone else affected, and "
    "when will it be fixed?",
    "When does the library in Manger open again after the renovation? I have some books "
    "that should have been returned.",
    "Hi, I would like to report a pothole on the road by the school turn-off at Lindås. It "
    "is quite deep and cars have to swerve around it.",
    "My mother needs home nursing after coming home from hospital. Who can I talk to about "
    "what help she can get?",
    "Thank you for your reply. I have now attached the drawings you asked for and hope the "
    "case can move on. Please let me know if anything else is missing.",
    "Could someone call me about a disabled parking permit? I have tried the switchboard "
    "but cannot get through.",
    "I am a student at the university and I am looking for information about the bus "
    "card and the rules for parking near the town hall.",
    "Good morning, is the swimming pool at Knarvik open during the Easter holidays? We "
    "are visiting family and would like to bring the children.",
]

#: Too short to tell: greetings, thanks, a word or two.
SHORT = [
    "Takk!",
    "Hei",
    "Ok, takk for det",
    "Ring meg",
    "Thanks",
    "Kan de ringje?",
    "Ja",
    "Tusen takk for hjelpa",
    "Når kommer svaret?",
    "Stopp",
]

#: Nynorsk and Bokmål words in one message (dialect writing is common): neither form is
#: sure enough to be chosen.
MIXED_FORMS = [
    "Hei, eg lurer på når søknaden blir behandlet, jeg har ventet i tre veker nå.",
    "Hei! Vi har fått brev om vann og avløp, men eg forstår ikkje kva vi skal gjere med det.",
    "Jeg har fått regning for feiing, men eg har ikkje pipe i huset lenger. Kva gjer eg?",
]

#: Half Norwegian, half English: told as the Norwegian they contain, or not at all.
MIXED_WITH_ENGLISH = [
    "Hello, I live in Knarvik. Eg har eit spørsmål om eigedomsskatten min. Can you help?",
    "Hi, sorry my Norwegian is bad. Jeg har et spørsmål om barnehage for my daughter.",
]

#: One language with a few words of another (a loanword, an English name of a thing):
#: the language of most of the text is still told.
MOSTLY = [
    (
        "nn",
        "Hei, eg har eit spørsmål om parkeringsløyvet mitt. Eg fekk ein e-post med "
        "«parking permit expired», men løyvet gjeld jo til desember. Kan de sjekke dette?",
    ),
    (
        "nb",
        "Hei, jeg har fått en e-post om «invoice overdue» fra kommunen, men jeg betalte "
        "regningen for eiendomsskatt forrige uke. Kan dere sjekke om betalingen er kommet?",
    ),
    (
        "en",
        "Hello, I received a letter about 'eiendomsskatt' and 'klagefrist' but I do not "
        "understand what I need to do. Could someone explain it to me in English?",
    ),
]
