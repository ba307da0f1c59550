"""The instruments Insikt ships: its own examples only.

Licensed instruments (Outcomes Star, ASI, ESTER) are configured by the customer who holds the
licence (``POST /v1/instruments``); none of their areas or wording is reproduced here.

A migration writes these versions to the database and publishes them. A published version never
changes: to change an instrument, add a new value with the next version and a new migration.
"""

from outcome_api.instruments.models import Area, Instrument, Scale

LIVSSITUATION = Instrument(
    id="insikt-livssituation",
    version=1,
    title="Insikt livssituation",
    description=(
        "Tio livsområden som skattas 1–10, där högre är bättre. Skattas av personen själv, "
        "av personal eller gemensamt, vid start, uppföljning, avslut och efter avslut."
    ),
    licence="Insikt example instrument, free to use and adapt.",
    scale=Scale(
        minimum=1,
        maximum=10,
        direction="higher_is_better",
        anchors={1: "Mycket svårt, akut behov av stöd", 5: "Delvis fungerande", 10: "Fungerar mycket bra"},
    ),
    areas=(
        Area("boende", "Boende"),
        Area("ekonomi", "Ekonomi"),
        Area("arbete_sysselsattning", "Arbete och sysselsättning"),
        Area("halsa", "Fysisk hälsa"),
        Area("psykisk_halsa", "Psykisk hälsa"),
        Area("relationer", "Relationer och nätverk"),
        Area("fritid", "Fritid"),
        Area("beroende", "Alkohol, droger och spel"),
        Area("vardagsfunktion", "Vardagsfunktion"),
        Area("trygghet", "Trygghet"),
    ),
)

SJALVSKATTNING = Instrument(
    id="insikt-sjalvskattning",
    version=1,
    title="Insikt självskattning av besvär",
    description=(
        "Sex frågor om den senaste veckan som personen själv besvarar på en skala 0–4, där 0 är "
        "inga besvär och 4 mycket svåra besvär: lägre är bättre."
    ),
    licence="Insikt example instrument, free to use and adapt.",
    scale=Scale(
        minimum=0,
        maximum=4,
        direction="lower_is_better",
        anchors={
            0: "Inga besvär",
            1: "Lätta besvär",
            2: "Måttliga besvär",
            3: "Svåra besvär",
            4: "Mycket svåra besvär",
        },
    ),
    areas=(
        Area("oro", "Oro och ångest"),
        Area("nedstamdhet", "Nedstämdhet"),
        Area("somn", "Sömn"),
        Area("ensamhet", "Ensamhet"),
        Area("stress", "Stress i vardagen"),
        Area("konflikter", "Konflikter med andra"),
    ),
)

BUILT_IN: tuple[Instrument, ...] = (LIVSSITUATION, SJALVSKATTNING)
