"""How an SMS text travels: GSM 03.38 7-bit when every character is in its basic set or extension table (an
extension character costs two septets), else UCS-2; and how many parts it takes (160 / 70 alone, 153 / 67 per
part once concatenated, the rest is the user data header).

A part never ends inside a character: an extension character's escape and its septet, or a surrogate pair, stay
together — so ``parts`` counts the parts ``segments`` really cuts (a text can need one more part than its length
divided by 153 when an escape falls on a boundary). Pure functions, no Django: the template editor counts parts,
the SMPP connector (``messaging.smpp``) sends the segments.
"""

from dataclasses import dataclass

# GSM 03.38 basic character set (the 128 code points of the default alphabet, ESC excluded), in code order.
_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
          "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_ESC = 0x1B
_BASIC_CODE = {char: code for code, char in enumerate(_BASIC) if code != _ESC}
# The extension table: each is sent as ESC + its code, two septets.
_EXTENSION_CODE = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D, "]": 0x3E,
                   "|": 0x40, "€": 0x65}
GSM7_BASIC = frozenset(_BASIC_CODE)
GSM7_EXTENSION = frozenset(_EXTENSION_CODE)

GSM7, UCS2 = "gsm7", "ucs2"
SINGLE = {GSM7: 160, UCS2: 70}
PER_PART = {GSM7: 153, UCS2: 67}
# SMPP data_coding: 0 the SMSC's default alphabet (GSM 03.38, one septet per octet, unpacked), 8 UCS-2.
DATA_CODING = {GSM7: 0x00, UCS2: 0x08}


def encoding_of(text: str) -> str:
    return GSM7 if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else UCS2


def length(text: str, encoding: str | None = None) -> int:
    """Length in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2 (an emoji is two)."""
    encoding = encoding or encoding_of(text)
    if encoding == GSM7:
        return sum(2 if c in GSM7_EXTENSION else 1 for c in text)
    return len(text.encode("utf-16-be")) // 2


def _encoded(char: str, encoding: str) -> bytes:
    if encoding == UCS2:
        return char.encode("utf-16-be")
    if char in _BASIC_CODE:
        return bytes([_BASIC_CODE[char]])
    return bytes([_ESC, _EXTENSION_CODE[char]])


@dataclass(frozen=True)
class Segments:
    encoding: str
    data_coding: int
    chunks: list[bytes]  # each part's payload, without its user data header


def segments(text: str) -> Segments:
    """The text encoded (GSM-7 unpacked, a septet per octet; or UTF-16BE) and cut into parts: one if it fits."""
    encoding = encoding_of(text)
    unit = 1 if encoding == GSM7 else 2
    size = SINGLE[encoding] if length(text, encoding) <= SINGLE[encoding] else PER_PART[encoding]
    chunks, current, used = [], [], 0
    for char in text:
        data = _encoded(char, encoding)
        width = len(data) // unit
        if used + width > size:
            chunks.append(b"".join(current))
            current, used = [], 0
        current.append(data)
        used += width
    chunks.append(b"".join(current))
    return Segments(encoding, DATA_CODING[encoding], chunks)


def parts(text: str) -> tuple[str, int]:
    """(encoding, number of parts) of ``text``: 0 parts for an empty text."""
    found = segments(text)
    return found.encoding, len(found.chunks) if text else 0


def udh(reference: int, total: int, number: int) -> bytes:
    """The user data header of part ``number`` (1-based) of ``total``: concatenated SMS, 8-bit reference."""
    return bytes([0x05, 0x00, 0x03, reference & 0xFF, total, number])


_DECODE_BASIC = {code: char for char, code in _BASIC_CODE.items()}
_DECODE_EXTENSION = {code: char for char, code in _EXTENSION_CODE.items()}


def decode(data_coding: int, payload: bytes) -> str:
    """A part's payload (without its header) back to text, as a handset reads it; the tests' SMSC uses it."""
    if data_coding == DATA_CODING[UCS2]:
        return payload.decode("utf-16-be")
    out, escaped = [], False
    for octet in payload:
        if escaped:
            out.append(_DECODE_EXTENSION[octet])
            escaped = False
        elif octet == _ESC:
            escaped = True
        else:
            out.append(_DECODE_BASIC[octet])
    return "".join(out)
