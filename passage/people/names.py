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
