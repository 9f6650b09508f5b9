"""The demo's organisation: missions, work posts, partner organisations and their locations, staff.

Place names are real Dutch places; every person is synthetic.
"""

from passage.accounts.enums import Role, SensitiveCategory, WorkPostKind
from passage.reference.enums import LocationKind, PartnerKind

DEMO_PASSWORD = "passage-demo"

MISSIONS = [
    # code, name, country, is_host, airport (the board's default)
    ("NL", "Netherlands mission", "NL", True, "AMS"),
    ("GE", "Georgia mission", "GE", False, "TBS"),
    ("IQ", "Iraq mission", "IQ", False, "BGW"),
    # Asked for transit assistance at Istanbul; it has no staff in the demo.
    ("TR", "Türkiye mission", "TR", False, "IST"),
]

_RECEPTION_CENTRES = [
    "Ter Apel", "Budel-Cranendonck", "Zwolle", "Almere", "Amsterdam Willinklaan", "Arnhem", "Assen", "Burgum",
    "Dronten", "Emmen", "Gilze", "Grave", "Heerlen", "Hoogeveen", "Katwijk", "Leersum", "Musselkanaal",
    "Oisterwijk", "Overloon", "Rijswijk", "Sneek", "Venlo", "Wageningen", "Winterswijk", "Zeist", "Den Helder",
    "Delfzijl", "Goes", "Harderwijk", "Middelburg", "Nijmegen", "Utrecht Joseph Haydnlaan", "Veenhuizen",
    "Apeldoorn", "Baexem", "Echt", "Luttelgeest", "Maastricht",
]
_DETENTION_CENTRES = [("Rotterdam", "Detentiecentrum Rotterdam"), ("Zeist", "Detentiecentrum Zeist"),
                      ("Schiphol", "Vertrekcentrum Schiphol")]
_CITY_OFFICES = ["Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Enschede", "Tilburg"]


def _city(name: str) -> str:
    return name.split(" Willinklaan")[0].split(" Joseph")[0]


def host_work_posts() -> list[dict]:
    """The 50 work posts of the host mission."""
    posts = [{"code": f"RC-{i + 1:02d}", "name": f"AZC {name}", "kind": WorkPostKind.RECEPTION_CENTRE,
              "city": _city(name)} for i, name in enumerate(_RECEPTION_CENTRES)]
    posts += [{"code": f"DC-{i + 1:02d}", "name": name, "kind": WorkPostKind.DETENTION_CENTRE, "city": city}
              for i, (city, name) in enumerate(_DETENTION_CENTRES)]
    posts += [{"code": f"CO-{i + 1:02d}", "name": f"Kantoor {city}", "kind": WorkPostKind.CITY_OFFICE,
               "city": city} for i, city in enumerate(_CITY_OFFICES)]
    posts.append({"code": "AP-01", "name": "Balie Schiphol", "kind": WorkPostKind.AIRPORT, "city": "Schiphol"})
    assert len(posts) == 50
    return posts


ABROAD_WORK_POSTS = [
    ("GE", {"code": "GE-TBS", "name": "Tbilisi office", "kind": WorkPostKind.CITY_OFFICE, "city": "Tbilisi"}),
    ("GE", {"code": "GE-KUT", "name": "Kutaisi office", "kind": WorkPostKind.CITY_OFFICE, "city": "Kutaisi"}),
    ("IQ", {"code": "IQ-BGW", "name": "Baghdad office", "kind": WorkPostKind.CITY_OFFICE, "city": "Baghdad"}),
    ("IQ", {"code": "IQ-EBL", "name": "Erbil office", "kind": WorkPostKind.CITY_OFFICE, "city": "Erbil"}),
]

# name, kind, [(location name, location kind, city)]
PARTNERS = [
    ("National return service (DT&V)", PartnerKind.RETURN_SERVICE,
     [("DT&V office Den Haag", LocationKind.OFFICE, "Den Haag"), ("DT&V office Ter Apel", LocationKind.OFFICE, "Ter Apel")]),
    ("Reception agency (COA)", PartnerKind.RECEPTION_AGENCY,
     [(f"AZC {name}", LocationKind.RECEPTION_CENTRE, _city(name)) for name in _RECEPTION_CENTRES]),
    ("Custodial institutions agency (DJI)", PartnerKind.OTHER,
     [(name, LocationKind.DETENTION_CENTRE, city) for city, name in _DETENTION_CENTRES]),
    ("Immigration and naturalisation service (IND)", PartnerKind.IMMIGRATION_SERVICE,
     [("IND desk Zwolle", LocationKind.OFFICE, "Zwolle")]),
    ("Guardianship organisation (Nidos)", PartnerKind.GUARDIANSHIP,
     [("Nidos Utrecht", LocationKind.OFFICE, "Utrecht")]),
    ("Police aliens, identification and trafficking unit (AVIM)", PartnerKind.POLICE,
     [("AVIM Rotterdam", LocationKind.OFFICE, "Rotterdam"), ("AVIM Amsterdam", LocationKind.OFFICE, "Amsterdam")]),
    ("Shelter for victims of trafficking", PartnerKind.SHELTER,
     [("Shelter Noord", LocationKind.SHELTER, "Amsterdam"), ("Shelter Zuid", LocationKind.SHELTER, "Eindhoven")]),
    ("Night shelter foundation", PartnerKind.SHELTER, [("Night shelter Utrecht", LocationKind.SHELTER, "Utrecht")]),
    ("Refugee council (VluchtelingenWerk)", PartnerKind.NGO,
     [("VluchtelingenWerk Amsterdam", LocationKind.OFFICE, "Amsterdam")]),
    ("Migrant return counselling NGO", PartnerKind.NGO, [("NGO office Rotterdam", LocationKind.OFFICE, "Rotterdam")]),
]


def staff_plan(host_codes: list[str]) -> list[dict]:
    """40 staff across every role. The first of several roles have fixed demo usernames.

    ``host_codes`` are the 50 host work post codes in order; the demo counsellor works at the
    Amsterdam city office and two reception centres near it, and the demo supervisor supervises them.
    """
    plan: list[dict] = []

    def add(username, first, last, role, mission="NL", work_posts=(), supervised=(), clearances=()):
        plan.append({"username": username, "first_name": first, "last_name": last, "role": role,
                     "mission": mission, "work_posts": list(work_posts), "supervised": list(supervised),
                     "clearances": list(clearances)})

    demo_counsellor_posts = ["CO-01", "RC-05", "RC-04"]  # Amsterdam city office, AZC Amsterdam, AZC Almere
    others = [c for c in host_codes if c not in demo_counsellor_posts]
    add("counsellor", "Sanne", "de Vries", Role.COUNSELLOR, work_posts=demo_counsellor_posts)
    # 19 more counsellors share the other 47 work posts, two or three each, with some overlap.
    counsellor_names = [
        ("Daan", "Jansen"), ("Emma", "Bakker"), ("Lucas", "Visser"), ("Julia", "Smit"), ("Noah", "Meijer"),
        ("Tess", "de Boer"), ("Sem", "Mulder"), ("Fleur", "de Groot"), ("Levi", "Bos"), ("Anna", "Vos"),
        ("Milan", "Peters"), ("Lotte", "Hendriks"), ("Finn", "van Leeuwen"), ("Sara", "Dekker"),
        ("Jesse", "Brouwer"), ("Eva", "de Wit"), ("Thijs", "Dijkstra"), ("Noor", "Smits"), ("Bram", "de Graaf"),
    ]
    for i, (first, last) in enumerate(counsellor_names):
        posts = others[i::len(counsellor_names)]
        if i % 3 == 0:
            posts = [*posts, others[(i * 7 + 3) % len(others)]]
        add(f"counsellor{i + 2:02d}", first, last, Role.COUNSELLOR, work_posts=dict.fromkeys(posts))
    # Supervisors: four regions of about twelve work posts; the demo supervisor's region holds the demo counsellor's.
    region_a = demo_counsellor_posts + [c for c in others if c.startswith("CO-") or c == "AP-01"]
    rest = [c for c in host_codes if c not in region_a]
    regions = [region_a, rest[0::3], rest[1::3], rest[2::3]]
    add("supervisor", "Marieke", "van Dijk", Role.SUPERVISOR, work_posts=["CO-01"], supervised=regions[0])
    for i, (first, last) in enumerate([("Pieter", "Kok"), ("Ingrid", "Jacobs"), ("Ruben", "van der Berg")]):
        add(f"supervisor{i + 2:02d}", first, last, Role.SUPERVISOR, supervised=regions[i + 1])
    add("operations", "Karin", "Willems", Role.OPERATIONS, clearances=[SensitiveCategory.MEDICAL])
    add("operations02", "Hasan", "Yilmaz", Role.OPERATIONS)
    add("operations03", "Lieke", "Maas", Role.OPERATIONS)
    add("movements", "Joost", "Schouten", Role.MOVEMENTS, work_posts=["AP-01"])
    add("movements02", "Priya", "Ramdin", Role.MOVEMENTS, work_posts=["AP-01"])
    add("movements03", "Kees", "Vermeulen", Role.MOVEMENTS, work_posts=["AP-01"])
    add("reintegration", "Yara", "Haddou", Role.REINTEGRATION)
    add("reintegration02", "Tom", "Kuipers", Role.REINTEGRATION)
    add("reintegration-ge", "Nino", "Beridze", Role.REINTEGRATION, mission="GE", work_posts=["GE-TBS"])
    add("reintegration-iq", "Layth", "Hamdan", Role.REINTEGRATION, mission="IQ", work_posts=["IQ-EBL"])
    add("manager", "Hanneke", "Prins", Role.MANAGER)
    add("manager02", "Willem", "Hoekstra", Role.MANAGER, clearances=list(SensitiveCategory.values))
    add("finance", "Anouk", "Post", Role.FINANCE)
    add("finance02", "Gert", "Kramer", Role.FINANCE)
    add("dpo", "Mirjam", "van Wijk", Role.DPO)
    add("admin", "Rob", "Koster", Role.ADMIN)
    return plan


# The logins printed by ``manage.py demo_logins``.
DEMO_LOGINS = ["counsellor", "supervisor", "operations", "movements", "reintegration", "manager", "finance", "dpo",
               "admin"]
