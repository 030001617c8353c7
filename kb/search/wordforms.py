"""Word forms the Snowball stemmer cannot join: strong and irregular verbs,
weak verbs whose past tense ends in -te/-t, and irregular plurals.

Snowball strips endings, so `skriva`/`skriver` meet as `skriv` but `skrev`
and `skrivit` stay apart, `hjälpte` becomes `hjälpt` and `män` never meets
`man`. `base_form(word)` gives the dictionary form to stem instead (`skrev` ->
`skriva`), or None when the stemmer does well on its own.

The table is a stemmer exception list written from the standard Swedish
grammar tables of strong and irregular verbs (infinitive: present,
preterite, supine, past participle). Forms that are also common other words
are left out on purpose: `låg` (low), `bar` (bar), `band`, `rev`, `steg`,
`led`, `for`, `åt`, `bet`, `la`, `sa`. Particle verbs (`övergick`, `antog`,
`ersatte`) are found through their particle.
"""

from __future__ import annotations

from kb.search import lexicon

# Base form: its other forms (space-separated). Stop words (`blev`, `var`,
# `hade`, `kunde`) never reach this table.
IRREGULAR_VERBS = {
    "binda": "binder bundit bunden bundna",
    "bita": "biter bitit biten bitna",
    "bjuda": "bjuder bjöd bjudit bjuden bjudna",
    "bli": "blir blev blivit",
    "brinna": "brinner brann brunnit",
    "bryta": "bryter bröt brutit bruten brutna",
    "bära": "bär burit buren burna",
    "dra": "drar drog dragit dragen dragna",
    "dricka": "dricker drack druckit",
    "driva": "driver drev drivit driven drivna",
    "dö": "dör dog dött",
    "falla": "faller föll fallit",
    "finna": "finner fann funnit funnen funna",
    "finnas": "finns fanns funnits",
    "flyga": "flyger flög flugit",
    "frysa": "fryser frös frusit frusen frusna",
    "få": "får fick fått",
    "ge": "ger gav gett givit given givna",
    "glida": "glider gled glidit",
    "gripa": "griper grep gripit gripen gripna",
    "gråta": "gråter grät gråtit",
    "gå": "går gick gått gången gångna",
    "göra": "gör gjorde gjort gjord gjorda",
    "heta": "heter hette hetat",
    "hinna": "hinner hann hunnit",
    "hugga": "hugger högg huggit",
    "hålla": "håller höll hållit hållen hållna",
    "komma": "kommer kom kommit kommen komna",
    "kliva": "kliver klev klivit",
    "kunna": "kan kunnat",
    "le": "ler log lett",
    "lida": "lider lidit",
    "ligga": "ligger legat",
    "ljuga": "ljuger ljög ljugit",
    "lägga": "lägger lade lagt lagd lagda",
    "låta": "låter lät låtit",
    "njuta": "njuter njöt njutit",
    "rida": "rider red ridit",
    "rinna": "rinner rann runnit",
    "se": "ser såg sett sedd sedda",
    "sitta": "sitter suttit",
    "sjunga": "sjunger sjöng sjungit sjungen",
    "sjunka": "sjunker sjönk sjunkit",
    "skina": "skiner sken skinit",
    "skjuta": "skjuter sköt skjutit skjuten skjutna",
    "skriva": "skriver skrev skrivit skriven skrivna",
    "skära": "skär skar skurit skuren skurna",
    "slippa": "slipper slapp sluppit",
    "slita": "sliter slet slitit sliten slitna",
    "slå": "slår slog slagit slagen slagna",
    "slåss": "slogs slagits",
    "sova": "sover sov sovit",
    "spricka": "spricker sprack spruckit",
    "springa": "springer sprang sprungit",
    "sticka": "sticker stack stuckit",
    "stiga": "stiger stigit",
    "stjäla": "stjäl stal stulit stulen stulna",
    "stå": "står stod stått",
    "svika": "sviker svek svikit sviken",
    "säga": "säger sade sagt sagd sagda",
    "sälja": "säljer sålde sålt såld sålda",
    "sätta": "sätter satte satt satta",
    "ta": "tar tog tagit tagen tagna",
    "tvinga": "tvingar tvingade tvingat",
    "vara": "är var varit",
    "veta": "vet visste vetat",
    "vika": "viker vek vikit viken vikna",
    "vilja": "vill ville velat",
    "vinna": "vinner vann vunnit vunnen vunna",
    "vrida": "vrider vred vridit vriden vridna",
    "välja": "väljer valde valt vald valda",
    "vänja": "vänjer vande vant van vana",
    "växa": "växer växte vuxit vuxen vuxna",
    "äta": "äter ätit äten ätna",
}

# Singular: its plural forms (indefinite and definite).
IRREGULAR_PLURALS = {
    "bok": "böcker böckerna",
    "bonde": "bönder bönderna",
    "fot": "fötter fötterna",
    "hand": "händer händerna",
    "land": "länder länderna",
    "ledamot": "ledamöter ledamöterna",
    "man": "män männen",
    "mus": "möss mössen",
    "natt": "nätter nätterna",
    "rand": "ränder ränderna",
    "son": "söner sönerna",
    "stad": "städer städerna",
    "strand": "stränder stränderna",
    "tand": "tänder tänderna",
    "tång": "tänger tängerna",
    "brand": "bränder bränderna",
    "kraft": "krafter krafterna",
}

# Particles and prefixes of Swedish particle verbs (`övergick` = över + gick).
PARTICLES = (
    "an", "av", "be", "efter", "er", "fort", "fram", "för", "genom", "in", "med",
    "miss", "mot", "ned", "ner", "om", "till", "undan", "under", "upp", "ut", "åter",
    "över", "bort", "sam", "inne", "upp",
)


def _table() -> dict[str, str]:
    forms: dict[str, str] = {}
    for table in (IRREGULAR_VERBS, IRREGULAR_PLURALS):
        for base, others in table.items():
            for form in others.split():
                forms.setdefault(form, base)
    return forms


FORMS = _table()
_MIN_PARTICLE_REST = 2


def _irregular(word: str) -> str | None:
    base = FORMS.get(word)
    if base is not None:
        return base
    for particle in PARTICLES:
        if word.startswith(particle) and len(word) - len(particle) >= _MIN_PARTICLE_REST:
            base = FORMS.get(word[len(particle):])
            if base is not None and base in IRREGULAR_VERBS:
                return particle + base
    return None


def _weak_past(word: str) -> str | None:
    """`hjälpte`/`hjälpt` -> `hjälpa`, `bytte`/`bytt` -> `byta`, `hörde` -> `höra`:
    the infinitive,
    when it is a more common word than the form (so `fast` stays `fast`, not
    `fasa`)."""
    if len(word) < 4:
        return None
    for ending in ("te", "de", "t"):
        if word.endswith(ending):
            infinitive = word[: -len(ending)] + "a"
            frequency = lexicon.zipf(infinitive)
            if frequency >= 3.0 and frequency > lexicon.zipf(word):
                return infinitive
    return None


def base_form(word: str) -> str | None:
    """The dictionary form to stem instead of this lower-cased word, or None."""
    return _irregular(word) or _weak_past(word)
