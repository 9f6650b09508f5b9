"""Name keys that survive transliteration: Mohammed, Muhammad and Mohamed share one key.

``search_key`` folds accents and case (for trigram search); ``phonetic_key``
also drops inner vowels and merges letters that transliterations swap.
"""

import re
import unicodedata

_NON_LETTER = re.compile(r"[^a-z ]+")
# Order matters: digraphs before single letters.
_SWAPS = [
    ("dj", "j"), ("dzh", "j"), ("zh", "j"), ("kh", "h"), ("ch", "h"), ("gh", "g"), ("ph", "f"), ("th", "t"),
    ("ck", "k"), ("q", "k"), ("c", "k"), ("ou", "u"), ("oo", "u"), ("ee", "i"), ("y", "i"), ("j", "i"),
    ("w", "v"), ("z", "s"), ("x", "ks"),
]
_VOWELS = set("aeiou")


def fold(text: str) -> str:
    """Lower-case ASCII letters and single spaces; accents and punctuation dropped."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = ascii_text.replace("-", " ").replace("'", "")
    return " ".join(_NON_LETTER.sub(" ", ascii_text).split())


def _token_key(token: str) -> str:
    for old, new in _SWAPS:
        token = token.replace(old, new)
    if not token:
        return ""
    head, tail = token[0], [ch for ch in token[1:] if ch not in _VOWELS and ch != "h"]
    key = head
    for ch in tail:
        if ch != key[-1]:
            key += ch
    return key


def search_key(*parts: str) -> str:
    return fold(" ".join(p for p in parts if p))


def phonetic_key(*parts: str) -> str:
    """Order-free key: tokens keyed and sorted, so 'Ahmed Ali' and 'ALI, Achmad' match."""
    tokens = search_key(*parts).split()
    return " ".join(sorted({_token_key(t) for t in tokens if _token_key(t)}))


# A folded word is also indexed by its prefixes from this length on, so "moh" finds Mohammed as the user types;
# a shorter word matches only whole words (a prefix of one or two letters would match half the names).
PREFIX_MIN = 3


def name_tokens(*names: tuple[str, str]) -> set[str]:
    """The search tokens of these (given names, family name) pairs (cases.CaseNameToken): ``f`` + every folded
    word and each of its prefixes from PREFIX_MIN letters on, and ``p`` + every word's transliteration-proof key.
    A search word then matches by equality alone (word_tokens)."""
    tokens = set()
    for given, family in names:
        for word in search_key(given, family).split():
            word = word[:63]
            for length in range(min(PREFIX_MIN, len(word)), len(word) + 1):
                tokens.add("f" + word[:length])
            key = _token_key(word)
            if key:
                tokens.add("p" + key[:63])
    return tokens


def word_tokens(word: str) -> list[str]:
    """The tokens one folded search word matches: a name word starting with it, or one with the same key."""
    key = _token_key(word)
    return ["f" + word[:63]] + (["p" + key[:63]] if key else [])


# name_tokens in SQL (PostgreSQL), for filling CaseNameToken in bulk from the members' stored name keys: the
# folded words are the words of search_key, the keys the words of phonetic_key (the set of the words' keys).
# A test holds it to name_tokens.
CASE_NAME_TOKENS_SQL = f"""
    INSERT INTO cases_casenametoken (case_id, token, mission_id, work_post_id)
    SELECT c.id, t.token, min(c.mission_id), min(c.work_post_id)
    FROM cases_case c JOIN cases_casemember m ON m.case_id = c.id JOIN people_personname n ON n.person_id = m.person_id
    CROSS JOIN LATERAL (
        SELECT 'f' || left(w, k) FROM regexp_split_to_table(n.search_key, ' ') w,
            generate_series(least({PREFIX_MIN}, length(w)), least(length(w), 63)) k
        WHERE w <> ''
        UNION ALL
        SELECT 'p' || left(x, 63) FROM regexp_split_to_table(n.phonetic_key, ' ') x WHERE x <> ''
    ) t(token)
    GROUP BY c.id, t.token
"""
