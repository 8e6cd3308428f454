"""Names that point to personal data: what a column's name hints at (a person, a phone, a
date of birth, a social security number), and the shapes and common lists of person names."""

from __future__ import annotations

import re
import unicodedata

# column names ---------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [t for t in re.split(r"[^0-9a-zA-Z]+", fold(spaced)) if t]


_NAME_HINTS = _words(
    "name names fullname firstname lastname surname surnames forename forenames givenname "
    "familyname middlename maidenname vorname nachname nom prenom nombre apellido apellidos "
    "cognome naam voornaam achternaam person customer client patient employee applicant holder "
    "cardholder contact owner beneficiary payee payer recipient sender signatory guarantor"
)
_ANTI_NAME_HINTS = _words(
    "city cities town village country region state province county district street address "
    "place location employer company companies organisation organization org firm business "
    "brand product products item items bank school university college hospital store shop "
    "merchant vendor supplier team club model file filename user username login host project "
    "category department dept title job occupation position role purpose type segment label "
    "tag sku industry sector branch office site venue event campaign"
)
_PHONE_HINTS = _words(
    "phone phones telephone tel mobile cell cellphone fax handy telefon telefono telefoon "
    "telephone msisdn gsm portable mobil"
)
_BIRTH_MARKS = ("birth", "geburt", "naissance", "nacimiento", "nascita", "geboorte", "fodsel")


def column_hints(name: str) -> frozenset[str]:
    """What a column's name suggests: ``person`` (or ``not_person``), ``phone``, ``birth``,
    ``ssn``."""
    tokens = _tokens(name)
    words = set(tokens)
    joined = "".join(tokens)
    found = set()
    if words & _ANTI_NAME_HINTS:
        found.add("not_person")
    elif words & _NAME_HINTS or joined.endswith("name"):
        found.add("person")
    if words & _PHONE_HINTS:
        found.add("phone")
    if (
        any(mark in joined for mark in _BIRTH_MARKS)
        or words & {"dob", "born", "bday", "birthday", "geboren"}
        or "dateofbirth" in joined
    ):
        found.add("birth")
    if words & {"ssn", "socialsecurity"} or "socialsecurity" in joined:
        found.add("ssn")
    return frozenset(found)


# person names ---------------------------------------------------------------------------------

_TOKEN = r"\p{Lu}(?:[\p{L}'\x{2019}\-]*\p{Ll}|[\p{Lu}'\x{2019}\-]+)"
_TITLE = r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra|Sig|Dott)\.? )?"
_PARTICLE = (
    r"(?:(?:van|von|de|der|den|del|della|di|da|du|dos|das|la|le|ter|ten|zu|bin|ibn|al|el|y) )*"
)
NAME_SHAPE = rf"^{_TITLE}{_TOKEN}(?:,? {_PARTICLE}{_TOKEN}){{1,3}}$"
SINGLE_SHAPE = rf"^{_TOKEN}$"
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle", "sr", "sra", "sig", "dott"}  # fmt: skip


def fold(text: str) -> str:
    """Lower-case ASCII folding: ``Müller`` -> ``muller``, ``Ørsted`` -> ``orsted``."""
    text = text.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("ł", "l")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def name_parts(value: str) -> tuple[str, str]:
    """(given name, family name) of a name-shaped value, folded."""
    comma = "," in value
    tokens = [fold(t) for t in re.split(r"[\s,]+", value) if t]
    tokens = [t.rstrip(".").replace("'", "").replace("\u2019", "") for t in tokens]
    tokens = [t for t in tokens if t not in _TITLES]
    if not tokens:
        return "", ""
    if comma and len(tokens) >= 2:
        return tokens[1], tokens[0]
    return tokens[0], tokens[-1]


def mask_name(value: str) -> str:
    """``J*** D***`` for ``John Doe``."""
    return " ".join(t[:1] + "***" for t in re.split(r"[\s,]+", value) if t)


# embedded name lists: common given names and surnames across Europe, the Americas, Turkey, the
# Arab world, South and East Asia (no download; extend here, folded to lower-case ASCII on use)
_FIRST_NAMES = """
aaron abdul abdullah adam adrian ahmed aisha aitana alba albert alberto alejandro aleksander
alex alexander alexandra alexandre alfie alice alicia alina alvaro amanda amelia amelie ana
andrea andreas andrei andrew andrzej angela angelika anja anke ann anna anne annika anthony
antoine antoinette antonio arjun arne arthur astrid aurelie ava ayse aylin barbara beatriz ben
benjamin bernd bettina birgit bjorn bruno camille carina carla carlos carmen carol caroline
carsten catherine cecilia charles charlie charlotte chen chiara chloe christian christina
christine christoph christopher claire clara claudia claus colin connor cristina daniel daniela
daniele david deborah denise dennis diana diego dieter dimitri dirk dominik donna dorothy dylan
edward elena eleni elias elif elisa elisabeth elizabeth ella ellen elsa emil emilia emily emma
emre enrique eric erik erika esther eva evelyn fabian fatima federico felix fernando filip finn
fiona florian francesca francesco francisco franziska frederik gabriel gabriele gabriela
georg george gerhard giorgia giovanni giulia giuseppe grace gregor gunter hamza hannah hans
harald harry heike heinz helen helena helga henrik henry holger hugo ian ida ines ingrid irene
isabel isabella isla ivan jack jacob jakob james jan jana jane janet jannik jason javier jean
jennifer jens jessica joan joanna joao johan johanna johannes john jonas jonathan jordi jorge
jose josef joseph joshua juan juergen julia julian julie julien jurgen justin kai karen karin
karl katarzyna katharina kathrin katrin kenji kevin khalid kim klaus kristina lars laura lea
leah lena leo leon leonie leonardo liam lily lina linda lisa liam lorenzo louis louise luca
lucas lucia lucy ludwig luis lukas luke magdalena maja manfred manuel manuela marc marco marcus
margaret maria mariana marie marina mario marion mark markus marta martin martina mary mateo
matteo matthew matthias max maximilian megan mehmet melanie mia michael michaela michal michel
michelle miguel mikael mohamed mohammad mohammed monika nadia natalia natalie nathalie nicola
nicolas niamh niklas nikolai nina noah noel nora olga oliver olivia omar oscar owen pablo paola
pascal patricia patrick paul paula pedro peter petra philip philipp pierre piotr priya rachel
rafael rahul raj ralf raphael rebecca renate rhys ricardo richard rita robert roberto robin
rolf rosa ruth ryan sabine sakura samuel sandra santiago sara sarah sebastian sergio simon
simone sofia sophie stefan stefanie stephanie steven susan susanne sven sylvie tanja thomas
tim timo tobias tom tomas ursula valentina valentin vanessa vera veronica victor viktor
vincent walter wei william wolfgang xavier yasmin yusuf yuki zara zoe callum emre jurgen
"""
_SURNAMES = """
abbott ali allen alvarez anderson andersson bailey baker bauer becker begum bernard bertrand
braun brown campbell carter chen clark clarke collins cook costa dubois durand edwards esposito
evans fernandez ferrari fischer fontaine garcia gomez gonzalez green hall hansen harris
hartmann hernandez hoffmann hofmann hughes jackson jansen janssen jensen johansson johnson
jones jung kaur kaya khan kim klein koch kohler kowalski kozlowski krause kruger lange larsen
lee lefebvre lehmann leroy lewis li lopez macdonald martin martinez meyer miller moore moreau
muller murphy nagy neumann nielsen novak nowak obrien oconnor olsen owen patel perez peters
petersen petit price richter roberts robinson rodriguez romano rossi roux russo sanchez
santos schafer schmidt schmitz schneider schroder schulz schwarz scott shah silva singh
smith stewart taylor thompson thomas vogel wagner walker wang weber werner white williams
wilson wolf wood wright yilmaz zhang zimmermann demir sahin celik ozturk dijkstra visser
devries bakker vandijk mulder bos vos jakobsen lindberg nilsson eriksson larsson karlsson
"""


def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """The known given names and surnames, folded (built once, on first use)."""
    global _NAME_SETS
    if _NAME_SETS is None:
        _NAME_SETS = (
            frozenset(fold(n) for n in _FIRST_NAMES.split()),
            frozenset(fold(n) for n in _SURNAMES.split()),
        )
    return _NAME_SETS


_NAME_SETS: tuple[frozenset[str], frozenset[str]] | None = None
