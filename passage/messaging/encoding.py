"""How an SMS text travels: GSM 03.38 7-bit when every character is in its basic set or extension table (an
extension character costs two septets), else UCS-2; and how many parts it takes (160 / 70 alone, 153 / 67 per
part once concatenated, the rest is the user data header)."""

import math

# GSM 03.38 basic character set (the 128 code points of the default alphabet, ESC excluded).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each is sent as ESC + the character, two septets.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7, UCS2 = "gsm7", "ucs2"
SINGLE = {GSM7: 160, UCS2: 70}
PER_PART = {GSM7: 153, UCS2: 67}


def encoding_of(text: str) -> str:
    return GSM7 if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else UCS2


def length(text: str, encoding: str | None = None) -> int:
    """Length in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2 (an emoji is two)."""
    encoding = encoding or encoding_of(text)
    if encoding == GSM7:
        return sum(2 if c in GSM7_EXTENSION else 1 for c in text)
    return len(text.encode("utf-16-be")) // 2


def parts(text: str) -> tuple[str, int]:
    """(encoding, number of parts) of ``text``: 0 parts for an empty text."""
    encoding = encoding_of(text)
    n = length(text, encoding)
    if n == 0:
        return encoding, 0
    if n <= SINGLE[encoding]:
        return encoding, 1
    return encoding, math.ceil(n / PER_PART[encoding])
