"""Synthetic names by nationality, in the Latin spelling a travel document would carry.

Where Faker has a Latin-script locale for the country it is used; Georgian and
Cyrillic names from Faker are transliterated here; for the other countries the
pools below are common given names and family names, combined at random, so no
generated person is a real one.
"""

import random
from collections.abc import Sequence

_GEORGIAN = dict(zip(
    "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
    ["a", "b", "g", "d", "e", "v", "z", "t", "i", "k", "l", "m", "n", "o", "p", "zh", "r", "s", "t", "u", "p",
     "k", "gh", "q", "sh", "ch", "ts", "dz", "ts", "ch", "kh", "j", "h"],
    strict=True,
))
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "я": "ia", "є": "ie", "і": "i", "ї": "i", "ґ": "g", "'": "",
}


def _translit(text: str, table: dict[str, str]) -> str:
    out = "".join(table.get(ch.lower(), ch) for ch in text)
    return out[:1].upper() + out[1:]


def _faker_pool(module: str, translit: dict[str, str] | None = None) -> dict[str, tuple[str, ...]]:
    import importlib

    provider = importlib.import_module(f"faker.providers.person.{module}").Provider

    def names(attr):
        values = list(getattr(provider, attr, ()) or ())
        if translit:
            values = [_translit(v, translit) for v in values]
        return tuple(dict.fromkeys(v for v in values if v.isascii() and v.replace("-", "").isalpha()))

    male_family = names("last_names_male") or names("last_names")
    female_family = names("last_names_female") or male_family
    return {"M": names("first_names_male"), "F": names("first_names_female"),
            "family_M": male_family, "family_F": female_family}


def _pool(male: str, female: str, family: str) -> dict[str, tuple[str, ...]]:
    fam = tuple(family.split())
    return {"M": tuple(male.split()), "F": tuple(female.split()), "family_M": fam, "family_F": fam}


_ARABIC = _pool(
    "Mohammed Ahmed Ali Hassan Hussein Omar Mustafa Karim Abbas Haider Yasir Khalid Saad Ammar Mahmoud Ibrahim "
    "Salah Tariq Walid Zaid Majid Firas Bilal Younis Nabil Qasim Sami Jamal Adel Raed",
    "Fatima Zainab Maryam Noor Huda Sara Aisha Rana Hanan Layla Iman Amal Samira Dunya Shaima Rasha Zahraa "
    "Widad Nadia Maha",
    "Al-Jubouri Al-Obaidi Al-Saadi Al-Tamimi Al-Dulaimi Al-Rubaie Hashim Kadhim Abdullah Jassim Salman "
    "Mahdi Hamid Aziz Saleh Younis Khalil Rashid Hamza Mansour Naji Sharif Karim Farhan Jaber Ismail Awad Nasser",
)
_MAGHREB = _pool(
    "Youssef Mohamed Hamza Anas Ayoub Mehdi Rachid Said Khalid Hicham Abdelali Yassine Soufiane Driss Nabil "
    "Mustapha Brahim Omar Reda Karim Ilyas Zakaria",
    "Fatima Khadija Aicha Salma Imane Hajar Meryem Zineb Nadia Samira Houda Sanaa Laila Asmae Ghizlane Siham",
    "El Amrani Benali Bennani Alaoui Tazi Idrissi Chraibi El Fassi Berrada Ouazzani Bouzid Lahlou Amrani "
    "Benjelloun Haddad Mansouri Ziani Belkadi El Idrissi Naciri Tahiri Saidi Ouali Zerouali",
)
_PERSIAN = _pool(
    "Ahmad Mohammad Ali Reza Hamid Javad Mehdi Hossein Farhad Karim Naser Sohrab Bahram Omid Amir Saeed "
    "Mansour Jalal Rahim Habib Nasir Zabihullah Sayed Wahid Bashir Khalil Farid Mujtaba",
    "Fatemeh Maryam Zahra Roya Nasrin Shirin Leila Parisa Fereshteh Mina Laleh Soraya Nilofar Zarghona "
    "Shabnam Mahnaz Farzana Parwana Sima Nargis",
    "Ahmadi Mohammadi Hosseini Rezaei Karimi Hashemi Rahimi Sadeghi Moradi Jafari Azizi Amiri Haidari "
    "Noori Sultani Rasuli Sharifi Safi Popal Stanekzai Wardak Durrani Qaderi Yousufzai Nazari Tajik Barakzai",
)
_ERITREAN = _pool(
    "Tesfay Yohannes Mehari Dawit Berhane Filmon Samuel Yonas Habtom Kidane Mussie Tekle Amanuel Robel "
    "Semere Biniam Efrem Goitom Henok Natnael",
    "Helen Selam Senait Ruta Miriam Saba Lidia Rahel Tsega Feven Luwam Hiwet Winta Elsa Almaz Segen",
    "Tesfamariam Gebremedhin Haile Ghebreyesus Kidane Berhe Tekle Abraha Weldu Mebrahtu Gebru Kahsay Asmerom "
    "Habte Ogbazghi Andemariam Negash Fessehaye Yemane Zerai",
)
_SOMALI = _pool(
    "Abdi Mohamed Ahmed Hassan Abdirahman Abdullahi Omar Ali Ismail Yusuf Mahad Liban Farah Guled Hamza "
    "Abdiaziz Said Warsame Bashir Khalid",
    "Amina Hodan Fartun Sahra Ayaan Hibo Ifrah Naima Ubah Ladan Sagal Filsan Asha Deeqa Khadra Nimco",
    "Warsame Farah Jama Egal Hirsi Mohamud Abdi Osman Nur Adan Hussein Dirie Aden Elmi Ali Gedi Samatar "
    "Yusuf Guled Abdulle",
)
_MONGOLIAN = _pool(
    "Bat-Erdene Ganbold Enkhbayar Batbayar Tumur Altangerel Munkh-Orgil Temuulen Erdene Bilguun Gantulga "
    "Naranbaatar Sukhbaatar Otgonbayar Byambadorj",
    "Oyunchimeg Enkhjargal Saruul Nomin Tsetseg Bolormaa Altantsetseg Khulan Sarantuya Munkhzul Narantuya "
    "Anujin Urantsetseg Solongo",
    "Batbold Gankhuyag Tsogt Dorj Purev Bayar Sukh Ochir Jargal Lkhagva Tumen Enkh Baatar Davaa Ganzorig",
)
_ALBANIAN = _pool(
    "Arben Besnik Dritan Elton Ermal Fatmir Gentian Ilir Klodian Kristi Leonard Marsel Olsi Redon Saimir "
    "Sokol Artan Erion Altin Endrit",
    "Anila Blerina Drita Elira Enkelejda Fatjona Gentiana Ilda Jonida Klara Lindita Mirela Rovena Valbona "
    "Xhesika Ardita",
    "Hoxha Shehu Dervishi Kola Leka Gjoka Marku Basha Cela Duka Prifti Meta Hysa Berisha Krasniqi Bregu "
    "Lika Muca Toska Zeneli",
)

# Nationality → (weight, name pool, preferred language, sometimes a second language)
NATIONALITIES: dict[str, tuple[int, str, str]] = {
    "GE": (14, "ka_GE", "ka"),
    "IQ": (12, "arabic", "ar"),
    "AF": (8, "persian", "fa"),
    "ER": (6, "eritrean", "ti"),
    "NG": (7, "nigerian", "en"),
    "MA": (9, "maghreb", "ar"),
    "DZ": (6, "fr_DZ", "ar"),
    "UA": (7, "uk_UA", "uk"),
    "SO": (4, "somali", "so"),
    "MN": (5, "mongolian", "mn"),
    "AL": (6, "albanian", "sq"),
    "IR": (5, "persian", "fa"),
    "SY": (3, "arabic", "ar"),
    "AZ": (3, "az_AZ", "az"),
    "TR": (3, "tr_TR", "tr"),
    "RU": (2, "ru_RU", "ru"),
}

_CURATED = {"arabic": _ARABIC, "maghreb": _MAGHREB, "persian": _PERSIAN, "eritrean": _ERITREAN,
            "somali": _SOMALI, "mongolian": _MONGOLIAN, "albanian": _ALBANIAN}


class NameMaker:
    """Draws names for a nationality from a seeded random generator (the demo is the same on every run)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._pools: dict[str, dict[str, Sequence[str]]] = {}

    def _get(self, key: str) -> dict[str, Sequence[str]]:
        if key not in self._pools:
            if key in _CURATED:
                self._pools[key] = _CURATED[key]
            elif key == "nigerian":
                parts = [_faker_pool(m) for m in ("yo_NG", "ha_NG", "en_NG")]
                self._pools[key] = {k: tuple(v for p in parts for v in p[k]) for k in parts[0]}
            elif key == "ka_GE":
                self._pools[key] = _faker_pool("ka_GE", _GEORGIAN)
            elif key in ("uk_UA", "ru_RU"):
                self._pools[key] = _faker_pool(key, _CYRILLIC)
            else:
                self._pools[key] = _faker_pool(key)
        return self._pools[key]

    def given(self, nationality: str, sex: str) -> str:
        pool = self._get(NATIONALITIES[nationality][1])
        return self.rng.choice(pool["F" if sex == "F" else "M"])

    def family(self, nationality: str, sex: str) -> str:
        pool = self._get(NATIONALITIES[nationality][1])
        return self.rng.choice(pool["family_F" if sex == "F" else "family_M"])


# How the same name is often spelled on another document or by another office.
_VARIANTS = [
    ("Mohammed", "Muhammad"), ("Mohamed", "Mohammed"), ("Ahmed", "Ahmad"), ("Hussein", "Husein"),
    ("Hassan", "Hasan"), ("Yusuf", "Youssef"), ("Omar", "Umar"), ("Mustafa", "Mostafa"), ("Fatima", "Fatma"),
    ("Zainab", "Zeinab"), ("Maryam", "Mariam"), ("Aisha", "Aicha"), ("Al-", "Al "), ("kh", "h"), ("ou", "u"),
    ("j", "dzh"), ("sh", "ch"), ("q", "k"), ("ph", "f"), ("ie", "ye"), ("iu", "yu"), ("ia", "ya"), ("ei", "ey"),
]


def spelling_variant(name: str) -> str | None:
    """Another plausible Latin spelling of ``name``, or None when none applies."""
    for old, new in _VARIANTS:
        if old in name:
            return name.replace(old, new, 1)
        if old.capitalize() in name and old.islower():
            return name.replace(old.capitalize(), new.capitalize(), 1)
    return None
