"""Generate a synthetic national-scale register as CSV files in the templates' format.

    python benchmarks/generate_register.py --services 100000 --seed 1 --out /tmp/register

writes ``organisations.csv``, ``people.csv``, ``life_situations.csv``,
``needs.csv``, ``resources.csv``, ``services.csv`` and ``roles.csv`` with the
headers of ``data/templates/*.csv``. The sizes follow the number of services:

- needs: ~0.6 per service; life situations: ~1 per 50 needs (at least 6);
- resources: ~0.5 per service, some depending on earlier ones (chains);
- organisations: ~1 per 500 services (at least 12): ministries, agencies under
  them, municipalities and a few others;
- people: ~1 per 3 services, each working in one organisation;
- roles: service owners, resource owners, portfolio owners and lead institutions.

Titles are Latvian (with diacritics) and English; every code value is valid and
every link names a record in the files, so ``virsis import`` of the output gives
no error and no warning. The output depends only on the arguments (a seeded
``random.Random``, no set or hash ordering): the same seed gives the same bytes.
It uses the standard library only.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import unicodedata
from pathlib import Path

HEADERS = {
    "organisations": ["identifier", "title_lv", "title_en", "kind", "parent", "homepage"],
    "people": ["identifier", "name", "email", "organisation"],
    "life_situations": ["identifier", "title_lv", "title_en", "description_lv", "description_en", "audience"],
    "needs": ["identifier", "title_lv", "title_en", "description_lv", "description_en", "life_situations"],
    "resources": ["identifier", "title_lv", "title_en", "description_lv", "description_en", "kind", "institution", "owner", "depends_on"],
    "services": [
        "identifier", "title_lv", "title_en", "description_lv", "description_en", "kind", "smart", "institution", "owner",
        "provider", "lifecycle_stage", "needs", "resources", "channels", "replaces", "requires", "recipients", "audience",
        "group", "template", "keywords_lv", "keywords_en", "cost_eur", "processing_time", "legal_basis", "homepage",
    ],
    "roles": ["person", "role", "scope"],
}
ORDER = ("organisations", "people", "life_situations", "needs", "resources", "services", "roles")

# ---------------------------------------------------------------------------
# Word lists (real Latvian institutions and words; combinations are invented)
# ---------------------------------------------------------------------------

MINISTRIES = [
    ("lm", "Labklājības ministrija", "Ministry of Welfare"),
    ("fm", "Finanšu ministrija", "Ministry of Finance"),
    ("izm", "Izglītības un zinātnes ministrija", "Ministry of Education and Science"),
    ("vm", "Veselības ministrija", "Ministry of Health"),
    ("iem", "Iekšlietu ministrija", "Ministry of the Interior"),
    ("tm", "Tieslietu ministrija", "Ministry of Justice"),
    ("em", "Ekonomikas ministrija", "Ministry of Economics"),
    ("sam", "Satiksmes ministrija", "Ministry of Transport"),
    ("zm", "Zemkopības ministrija", "Ministry of Agriculture"),
    ("km", "Kultūras ministrija", "Ministry of Culture"),
    ("am", "Aizsardzības ministrija", "Ministry of Defence"),
    ("arm", "Ārlietu ministrija", "Ministry of Foreign Affairs"),
    ("kem", "Klimata un enerģētikas ministrija", "Ministry of Climate and Energy"),
    ("varam", "Viedās administrācijas un reģionālās attīstības ministrija", "Ministry of Smart Administration and Regional Development"),
]
AGENCIES = [
    ("vsaa", "Valsts sociālās apdrošināšanas aģentūra", "State Social Insurance Agency", "lm"),
    ("vid", "Valsts ieņēmumu dienests", "State Revenue Service", "fm"),
    ("pmlp", "Pilsonības un migrācijas lietu pārvalde", "Office of Citizenship and Migration Affairs", "iem"),
    ("nva", "Nodarbinātības valsts aģentūra", "State Employment Agency", "lm"),
    ("vdaa", "Valsts digitālās attīstības aģentūra", "State Digital Development Agency", "varam"),
    ("ur", "Uzņēmumu reģistrs", "Register of Enterprises", "tm"),
    ("vzd", "Valsts zemes dienests", "State Land Service", "tm"),
    ("csdd", "Ceļu satiksmes drošības direkcija", "Road Traffic Safety Directorate", "sam"),
    ("nvd", "Nacionālais veselības dienests", "National Health Service", "vm"),
    ("lad", "Lauku atbalsta dienests", "Rural Support Service", "zm"),
    ("vp", "Valsts policija", "State Police", "iem"),
    ("viaa", "Valsts izglītības attīstības aģentūra", "State Education Development Agency", "izm"),
]
AGENCY_WORDS = [
    ("sociālās palīdzības", "Social Assistance"), ("datu", "Data"), ("būvniecības", "Construction"),
    ("vides", "Environment"), ("kultūras mantojuma", "Cultural Heritage"), ("pārtikas", "Food"),
    ("darba", "Labour"), ("reģionālās attīstības", "Regional Development"), ("tiesu", "Courts"),
    ("veselības inspekcijas", "Health Inspection"), ("jūras", "Maritime"), ("meža", "Forest"),
    ("enerģētikas", "Energy"), ("patērētāju tiesību", "Consumer Rights"), ("valodas", "Language"),
    ("statistikas", "Statistics"), ("arhīvu", "Archives"), ("ugunsdrošības", "Fire Safety"),
]
AGENCY_NOUNS = [("aģentūra", "Agency"), ("dienests", "Service"), ("inspekcija", "Inspectorate"), ("pārvalde", "Administration"), ("centrs", "Centre")]
MUNICIPALITIES = [
    ("Rīgas valstspilsētas", "Riga State City"), ("Daugavpils valstspilsētas", "Daugavpils State City"),
    ("Jelgavas valstspilsētas", "Jelgava State City"), ("Jēkabpils", "Jēkabpils"), ("Jūrmalas valstspilsētas", "Jūrmala State City"),
    ("Liepājas valstspilsētas", "Liepāja State City"), ("Rēzeknes valstspilsētas", "Rēzekne State City"),
    ("Valmieras", "Valmiera"), ("Ventspils valstspilsētas", "Ventspils State City"), ("Aizkraukles", "Aizkraukle"),
    ("Alūksnes", "Alūksne"), ("Augšdaugavas", "Augšdaugava"), ("Ādažu", "Ādaži"), ("Balvu", "Balvi"),
    ("Bauskas", "Bauska"), ("Cēsu", "Cēsis"), ("Dienvidkurzemes", "South Kurzeme"), ("Dobeles", "Dobele"),
    ("Gulbenes", "Gulbene"), ("Jelgavas", "Jelgava"), ("Krāslavas", "Krāslava"), ("Kuldīgas", "Kuldīga"),
    ("Ķekavas", "Ķekava"), ("Limbažu", "Limbaži"), ("Līvānu", "Līvāni"), ("Ludzas", "Ludza"),
    ("Madonas", "Madona"), ("Mārupes", "Mārupe"), ("Ogres", "Ogre"), ("Olaines", "Olaine"),
    ("Preiļu", "Preiļi"), ("Rēzeknes", "Rēzekne"), ("Ropažu", "Ropaži"), ("Salaspils", "Salaspils"),
    ("Saldus", "Saldus"), ("Saulkrastu", "Saulkrasti"), ("Siguldas", "Sigulda"), ("Smiltenes", "Smiltene"),
    ("Talsu", "Talsi"), ("Tukuma", "Tukums"), ("Valkas", "Valka"), ("Varakļānu", "Varakļāni"), ("Ventspils", "Ventspils"),
]
OTHERS = [("Valsts kanceleja", "State Chancellery"), ("Tiesībsarga birojs", "Ombudsman's Office"), ("Valsts kontrole", "State Audit Office")]

FIRST_M = ["Jānis", "Andris", "Mārtiņš", "Pēteris", "Kārlis", "Edgars", "Aivars", "Raimonds", "Gints", "Uldis", "Ēriks", "Oskars", "Toms", "Roberts", "Dāvis", "Artūrs"]
FIRST_F = ["Anna", "Līga", "Ilze", "Inese", "Kristīne", "Dace", "Sanita", "Ieva", "Laura", "Māra", "Zane", "Agnese", "Elīna", "Baiba", "Anete", "Rūta"]
SURNAMES = [  # (masculine, feminine)
    ("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"), ("Jansons", "Jansone"), ("Ozols", "Ozola"),
    ("Liepiņš", "Liepiņa"), ("Krūmiņš", "Krūmiņa"), ("Balodis", "Balode"), ("Zariņš", "Zariņa"), ("Kļaviņš", "Kļaviņa"),
    ("Pētersons", "Pētersone"), ("Vītols", "Vītola"), ("Eglītis", "Eglīte"), ("Zvaigzne", "Zvaigzne"), ("Lācis", "Lāce"),
    ("Šmits", "Šmite"), ("Grīnbergs", "Grīnberga"), ("Žagars", "Žagare"), ("Siliņš", "Siliņa"), ("Āboliņš", "Āboliņa"),
]

SITUATIONS = [  # (lv, en, business?)
    ("Bērna piedzimšana", "Birth of a child", False), ("Dzīvesvietas maiņa", "Moving house", False),
    ("Bezdarbs", "Unemployment", False), ("Laulības noslēgšana", "Getting married", False),
    ("Tuvinieka nāve", "Death of a relative", False), ("Pensionēšanās", "Retirement", False),
    ("Saslimšana", "Falling ill", False), ("Studijas", "Studying", False), ("Transportlīdzekļa iegāde", "Buying a vehicle", False),
    ("Invaliditāte", "Disability", False), ("Mājokļa iegāde", "Buying a home", False), ("Ceļošana uz ārzemēm", "Travelling abroad", False),
    ("Uzņēmuma dibināšana", "Starting a business", True), ("Darbinieku pieņemšana", "Hiring staff", True),
    ("Uzņēmuma likvidācija", "Closing a business", True), ("Eksports", "Exporting", True), ("Būvniecība", "Building works", True),
]
SITUATION_CONTEXT = [
    ("", ""), ("Rīgā", "in Riga"), ("laukos", "in the countryside"), ("pirmo reizi", "for the first time"),
    ("ārzemēs", "abroad"), ("ģimenē ar bērniem", "in a family with children"), ("senioram", "for a senior"),
    ("jaunietim", "for a young person"), ("pierobežā", "in the border area"), ("pēc ilgāka laika", "after a long time"),
]
NEED_NOUNS = [
    ("Ienākumu atbalsts", "Income support"), ("Dokumentu noformēšana", "Getting documents"), ("Reģistrācija", "Registration"),
    ("Konsultācija", "Advice"), ("Atļaujas saņemšana", "Getting a permit"), ("Izziņa", "A certificate"),
    ("Veselības aprūpe", "Health care"), ("Mācību iespējas", "Learning opportunities"), ("Mājokļa pabalsts", "Housing benefit"),
    ("Nodokļu atvieglojums", "Tax relief"), ("Datu labošana", "Correcting data"), ("Aprūpe mājās", "Home care"),
]
NEED_CONTEXT = [
    ("pēc bērna piedzimšanas", "after a birth"), ("pārceļoties", "when moving"), ("zaudējot darbu", "when losing a job"),
    ("uzsākot studijas", "when starting studies"), ("slimības laikā", "during an illness"), ("pensijā", "in retirement"),
    ("dibinot uzņēmumu", "when starting a company"), ("būvējot ēku", "when building"), ("ceļojot", "when travelling"),
    ("pēc tuvinieka nāves", "after a bereavement"),
]
SERVICE_NOUNS = [
    ("pabalsts", "benefit"), ("pieteikums", "application"), ("izziņa", "certificate"), ("atļauja", "permit"),
    ("reģistrācija", "registration"), ("konsultācija", "consultation"), ("licence", "licence"), ("kompensācija", "compensation"),
    ("deklarācija", "declaration"), ("apliecība", "card"), ("pārreģistrācija", "re-registration"), ("atzinums", "opinion"),
]
SERVICE_TOPICS = [
    ("Bērna kopšanas", "Childcare", "bērns", "child"), ("Bezdarbnieka", "Jobseeker's", "darbs", "job"),
    ("Dzīvesvietas", "Residence", "adrese", "address"), ("Transportlīdzekļa", "Vehicle", "auto", "vehicle"),
    ("Būvniecības", "Construction", "būve", "building"), ("Veselības", "Health", "veselība", "health"),
    ("Pensijas", "Pension", "pensija", "pension"), ("Uzņēmuma", "Company", "uzņēmums", "company"),
    ("Zvejas", "Fishing", "zveja", "fishing"), ("Medību", "Hunting", "medības", "hunting"),
    ("Mājokļa", "Housing", "mājoklis", "housing"), ("Izglītības", "Education", "izglītība", "education"),
    ("Nodokļu", "Tax", "nodokļi", "tax"), ("Invaliditātes", "Disability", "invaliditāte", "disability"),
    ("Kultūras pieminekļa", "Heritage site", "mantojums", "heritage"), ("Pārtikas uzņēmuma", "Food business", "pārtika", "food"),
]
RESOURCE_NAMES = [
    ("informācijas sistēma", "information system", "information-system"), ("datu apmaiņas serviss", "data exchange service", "data-exchange"),
    ("koplietošanas komponente", "shared component", "shared-component"), ("reģistrs", "register", "information"),
    ("klientu apkalpošanas centrs", "customer service centre", "building"), ("serveru infrastruktūra", "server infrastructure", "infrastructure"),
    ("mobilā lietotne", "mobile app", "self-service-app"), ("robotizētais process", "robotic process", "automation-solution"),
    ("dienesta transports", "service vehicles", "transport"), ("iekārtas", "equipment", "equipment"),
    ("atbalsta sistēma", "support system", "support-system"), ("digitālā platforma", "digital platform", "digital-technology"),
]
LAWS = [
    "Valsts sociālās apdrošināšanas likums", "Valsts sociālo pabalstu likums", "Fizisko personu reģistra likums",
    "Imigrācijas likums", "Ceļu satiksmes likums", "Būvniecības likums", "Ārstniecības likums", "Izglītības likums",
    "Likums “Par nodokļiem un nodevām”", "Komerclikums", "Pašvaldību likums", "Valsts pārvaldes iekārtas likums",
]
CHANNELS = ["e-service", "website", "mobile-app", "in-person", "phone", "email", "post"]
SERVICE_KINDS = ["public-individual"] * 10 + ["public-general"] * 4 + ["inter-institutional-shared"] * 3 + ["inter-institutional-individual"] * 3
STAGES = ["provision"] * 14 + ["implementation", "creation", "planning", "retired", "Sniegšana un uzturēšana", "4"]


def ascii_fold(text: str) -> str:
    """``Bērziņa`` → ``berzina``: lower-case ASCII for e-mail addresses and identifiers."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else "-" for c in plain.lower()).strip("-")


def pick_many(rng: random.Random, items: list, low: int, high: int) -> list:
    """``low``..``high`` distinct items (fewer if there are not enough), in a deterministic order."""
    n = min(rng.randint(low, high), len(items))
    return rng.sample(items, n) if n else []


# ---------------------------------------------------------------------------
# Record kinds
# ---------------------------------------------------------------------------


def organisations(rng: random.Random, n: int) -> list[list[str]]:
    """``n`` organisations: ministries first, then agencies, municipalities and a few others."""
    n_ministries = min(len(MINISTRIES), max(2, n // 12))
    n_municipalities = max(2, n // 5)
    n_others = max(1, n // 40)
    n_agencies = max(1, n - n_ministries - n_municipalities - n_others)
    ministries = MINISTRIES[:n_ministries]
    ministry_ids = [m[0] for m in ministries]
    rows = [[i, lv, en, "ministry", "", f"https://www.{i}.gov.lv"] for i, lv, en in ministries]
    for k in range(n_agencies):
        if k < len(AGENCIES) and AGENCIES[k][3] in ministry_ids:
            i, lv, en, parent = AGENCIES[k]
        else:
            word_lv, word_en = AGENCY_WORDS[k % len(AGENCY_WORDS)]
            noun_lv, noun_en = AGENCY_NOUNS[(k // len(AGENCY_WORDS)) % len(AGENCY_NOUNS)]
            series = k // (len(AGENCY_WORDS) * len(AGENCY_NOUNS))
            suffix_lv, suffix_en = (f" ({series + 1}. reģions)", f" (region {series + 1})") if series else ("", "")
            i = f"ag-{k + 1:04d}"
            lv = f"Valsts {word_lv} {noun_lv}{suffix_lv}"
            en = f"State {word_en} {noun_en}{suffix_en}"
            parent = rng.choice(ministry_ids)
        rows.append([i, lv, en, rng.choice(["agency", "padotības iestāde"]), parent, f"https://www.{i}.gov.lv"])
    for k in range(n_municipalities):
        name_lv, name_en = MUNICIPALITIES[k % len(MUNICIPALITIES)]
        series = k // len(MUNICIPALITIES)
        kind_lv = "valstspilsētas" if "valstspilsētas" in name_lv else "novada"
        base_lv = name_lv if kind_lv == "valstspilsētas" else f"{name_lv} novada"
        base_en = name_en if kind_lv == "valstspilsētas" else f"{name_en} Municipality"
        lv = f"{base_lv} pašvaldība" + (f" ({series + 1}. pagasts)" if series else "")
        en = f"{base_en}" + (" Council" if kind_lv == "valstspilsētas" else "") + (f" (parish {series + 1})" if series else "")
        i = f"pas-{k + 1:04d}"
        rows.append([i, lv, en, rng.choice(["municipality", "pašvaldība"]), "", f"https://www.{ascii_fold(name_lv.split()[0])}.lv"])
    for k in range(n_others):
        lv, en = OTHERS[k % len(OTHERS)]
        series = k // len(OTHERS)
        lv, en = (f"{lv} ({series + 1})", f"{en} ({series + 1})") if series else (lv, en)
        rows.append([f"org-{k + 1:04d}", lv, en, "other", "", ""])
    return rows


def people(rng: random.Random, n: int, orgs: list[str]) -> list[list[str]]:
    rows = []
    for k in range(n):
        female = rng.random() < 0.55
        first = rng.choice(FIRST_F if female else FIRST_M)
        last = rng.choice(SURNAMES)[1 if female else 0]
        i = f"p-{k + 1:06d}"
        email = f"{ascii_fold(first)}.{ascii_fold(last)}.{k + 1}@example.lv" if rng.random() < 0.9 else ""
        rows.append([i, f"{first} {last}", email, orgs[k % len(orgs)] if k < len(orgs) else rng.choice(orgs)])
    return rows


def life_situations(rng: random.Random, n: int) -> list[list[str]]:
    rows = []
    for k in range(n):
        lv, en, business = SITUATIONS[k % len(SITUATIONS)]
        ctx_lv, ctx_en = SITUATION_CONTEXT[(k // len(SITUATIONS)) % len(SITUATION_CONTEXT)]
        series = k // (len(SITUATIONS) * len(SITUATION_CONTEXT))
        title_lv = " ".join(filter(None, [lv, ctx_lv])) + (f" ({series + 1})" if series else "")
        title_en = " ".join(filter(None, [en, ctx_en])) + (f" ({series + 1})" if series else "")
        rows.append([
            f"ls-{k + 1:05d}", title_lv, title_en,
            f"Situācija, kurā cilvēkam vai uzņēmumam jākārto vairākas lietas: {title_lv.lower()}.",
            f"A situation in which several things need sorting out: {title_en.lower()}.",
            "business" if business else rng.choice(["residents", "residents", "iedzīvotāji"]),
        ])
    return rows


def needs(rng: random.Random, n: int, situations: list[str]) -> list[list[str]]:
    rows = []
    for k in range(n):
        noun_lv, noun_en = rng.choice(NEED_NOUNS)
        ctx_lv, ctx_en = rng.choice(NEED_CONTEXT)
        rows.append([
            f"n-{k + 1:06d}", f"{noun_lv} {ctx_lv}", f"{noun_en} {ctx_en}",
            f"Vajadzība: {noun_lv.lower()} {ctx_lv}.", f"Need: {noun_en.lower()} {ctx_en}.",
            "; ".join(pick_many(rng, situations, 1, 2)),
        ])
    return rows


def resources(rng: random.Random, n: int, orgs: list[str], staff: dict[str, list[str]]) -> list[list[str]]:
    """Resources; about a third depend on the one before them or an earlier one (chains, never cycles)."""
    rows = []
    for k in range(n):
        name_lv, name_en, kind = rng.choice(RESOURCE_NAMES)
        topic_lv, topic_en, *_ = rng.choice(SERVICE_TOPICS)
        org = rng.choice(orgs)
        depends = []
        if k and rng.random() < 0.35:
            depends.append(f"r-{k:06d}")  # the previous one: chains
            if k > 1 and rng.random() < 0.3:
                depends.append(f"r-{rng.randint(1, k - 1):06d}")
        rows.append([
            f"r-{k + 1:06d}", f"{topic_lv} {name_lv}", f"{topic_en} {name_en}",
            f"{topic_lv} {name_lv}, ko uztur iestāde.", f"The {topic_en.lower()} {name_en} kept by the institution.",
            kind, org, rng.choice(staff[org]), "; ".join(dict.fromkeys(depends)),
        ])
    return rows


def services(rng: random.Random, n: int, orgs: list[str], staff: dict[str, list[str]], need_ids: list[str], resource_ids: list[str]) -> list[list[str]]:
    """Services; every need is met by at least one, a smart service meets two or more
    and a shared inter-institutional one has two or more recipients (the shapes' rules)."""
    rows = []
    for k in range(n):
        i = f"s-{k + 1:06d}"
        topic_lv, topic_en, kw_lv, kw_en = rng.choice(SERVICE_TOPICS)
        noun_lv, noun_en = rng.choice(SERVICE_NOUNS)
        kind = rng.choice(SERVICE_KINDS)
        inter = kind.startswith("inter-institutional")
        org = rng.choice(orgs)
        provider = rng.choice(orgs) if rng.random() < 0.1 else ""
        recipients = "; ".join(pick_many(rng, orgs, 2 if kind == "inter-institutional-shared" else 1, 3)) if inter else ""
        audience = rng.choice(["business", "residents"]) if not inter and rng.random() < 0.2 else ""
        cost = rng.choice(["0", "0", "0", "7,11", "12.50", "25", "1,42", "100"]) if rng.random() < 0.8 else ""
        laws = pick_many(rng, LAWS, 0, 2)
        if rng.random() < 0.2:
            laws.append(f"https://likumi.lv/ta/id/{rng.randint(1000, 350000)}")
        smart = rng.random() < 0.05
        needs = pick_many(rng, need_ids, 2 if smart else 1, 3)
        if k < len(need_ids) and need_ids[k] not in needs:
            needs[0] = need_ids[k]  # the first services cover every need once
        rows.append([
            i, f"{topic_lv} {noun_lv}", f"{topic_en} {noun_en}",
            f"{topic_lv} {noun_lv}: pakalpojums, ko sniedz iestāde. Pieteikties var klātienē vai tiešsaistē.",
            f"{topic_en} {noun_en}: a service of the institution. Apply in person or online.",
            kind, "yes" if smart else rng.choice(["no", "", "nē"]), org, rng.choice(staff[org]), provider,
            rng.choice(STAGES),
            "; ".join(needs),
            "; ".join(pick_many(rng, resource_ids, 0, 2)),
            "; ".join(pick_many(rng, CHANNELS, 1, 3)),
            f"s-{rng.randint(1, k):06d}" if k and rng.random() < 0.03 else "",  # only earlier services: no cycles
            f"s-{rng.randint(1, k):06d}" if k and rng.random() < 0.05 else "",
            recipients, audience,
            f"grp-{rng.randint(1, max(1, n // 100)):05d}" if rng.random() < 0.1 else "",
            f"tpl-{rng.randint(1, max(1, n // 1000)):04d}" if rng.random() < 0.05 else "",
            "; ".join(dict.fromkeys([kw_lv, noun_lv])), "; ".join(dict.fromkeys([kw_en, noun_en])),
            cost, f"P{rng.choice([1, 3, 5, 10, 14, 30])}D" if rng.random() < 0.7 else rng.choice(["", "PT4H", "P1M"]),
            "; ".join(laws),
            f"https://www.latvija.gov.lv/lv/pakalpojumi/{i}" if rng.random() < 0.5 else "",
        ])
    return rows


def roles(rng: random.Random, service_rows: list[list[str]], resource_rows: list[list[str]], org_rows: list[list[str]], staff: dict[str, list[str]]) -> list[list[str]]:
    """Each service's owner, each resource's owner, portfolio owners, lead institutions."""
    rows = [[s[8], rng.choice(["5", "service-owner", "pakalpojuma saimnieks"]), s[0]] for s in service_rows]
    rows += [[r[7], rng.choice(["9", "resource-owner"]), r[0]] for r in resource_rows]
    ministries = [o[0] for o in org_rows if o[3] == "ministry"]
    for o in org_rows:
        rows.append([staff[o[0]][0], "4", o[0]])
        rows.append([staff[o[0]][-1], "8", o[0]])
        if o[3] in ("municipality", "pašvaldība"):
            rows.append([o[0], "3", o[0]])
    rows.append([ministries[-1], "1", "LV"])
    return rows


def generate(n_services: int, seed: int) -> dict[str, list[list[str]]]:
    """Every table's rows (without header), keyed by kind."""
    rng = random.Random(seed)
    n_needs = max(1, round(n_services * 0.6))
    n_situations = max(6, round(n_needs / 50))
    n_resources = max(1, round(n_services * 0.5))
    n_orgs = max(12, round(n_services / 500))
    n_people = max(n_orgs * 2, round(n_services / 3))
    org_rows = organisations(rng, n_orgs)
    org_ids = [o[0] for o in org_rows]
    people_rows = people(rng, n_people, org_ids)
    staff: dict[str, list[str]] = {o: [] for o in org_ids}
    for p in people_rows:
        staff[p[3]].append(p[0])
    situation_rows = life_situations(rng, n_situations)
    need_rows = needs(rng, n_needs, [s[0] for s in situation_rows])
    resource_rows = resources(rng, n_resources, org_ids, staff)
    service_rows = services(rng, n_services, org_ids, staff, [n[0] for n in need_rows], [r[0] for r in resource_rows])
    role_rows = roles(rng, service_rows, resource_rows, org_rows, staff)
    return {
        "organisations": org_rows, "people": people_rows, "life_situations": situation_rows, "needs": need_rows,
        "resources": resource_rows, "services": service_rows, "roles": role_rows,
    }


def write_register(out: Path, n_services: int, seed: int) -> dict[str, Path]:
    """Write the CSV files into ``out``; return them by kind (in an order that imports cleanly)."""
    out.mkdir(parents=True, exist_ok=True)
    tables = generate(n_services, seed)
    paths = {}
    for kind in ORDER:
        path = out / f"{kind}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(HEADERS[kind])
            writer.writerows(tables[kind])
        paths[kind] = path
    return paths


WORK = Path(tempfile.gettempdir()) / "virsis-benchmark"
"""Where the benchmarks keep the registers they generate and the stores they build, reused by later runs."""


def register_options(parser: argparse.ArgumentParser, *, services: int | None = 100_000, store: str = "",
                     work: Path = WORK, work_help: str = "folder for the generated registers, stores and logs") -> None:
    """The options the benchmarks share: ``--services`` (unless ``services`` is None), ``--seed``,
    ``--store`` (when ``store`` says what it is for) and ``--work``."""
    if services is not None:
        parser.add_argument("--services", metavar="N", type=int, default=services, help=f"services in the generated register (default {services})")
    parser.add_argument("--seed", metavar="S", type=int, default=1, help="seed of the register and of every random choice (default 1)")
    if store:
        parser.add_argument("--store", metavar="PATH", type=Path, help=store)
    parser.add_argument("--work", metavar="DIR", type=Path, default=work, help=f"{work_help} (default: {work})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", metavar="N", type=int, default=100_000, help="services in the generated register (default 100000)")
    parser.add_argument("--seed", metavar="S", type=int, default=1, help="seed of the register and of every random choice (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the CSV files into")
    args = parser.parse_args(argv)
    if args.services < 1:
        parser.error("--services must be at least 1")
    paths = write_register(args.out, args.services, args.seed)
    for kind, path in paths.items():
        with path.open(encoding="utf-8") as f:
            rows = sum(1 for _ in f) - 1
        print(f"{path}\t{rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
