"""The instruments Insikt ships: its own examples only.

Licensed instruments (Outcomes Star, ASI, ESTER) are configured by the customer who holds the
licence; none of their areas or wording is reproduced here.
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

BUILT_IN: tuple[Instrument, ...] = (LIVSSITUATION,)
