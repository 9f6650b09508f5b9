"""SMS parts: GSM-7 up to 160 (153 per concatenated part), UCS-2 up to 70 (67 per part); extension characters
count twice; one character outside GSM-7 makes the whole text UCS-2. The segments the SMPP connector sends:
parts never split a character, and decode back to the text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passage.messaging.encoding import GSM7, UCS2, decode, length, parts, segments, udh


def test_plain_latin_is_gsm7_and_splits_at_160_then_153():
    assert parts("") == (GSM7, 0)
    assert parts("a" * 160) == (GSM7, 1)
    assert parts("a" * 161) == (GSM7, 2)
    assert parts("a" * 306) == (GSM7, 2) and parts("a" * 307) == (GSM7, 3)


def test_extension_characters_count_twice():
    assert length("€[]") == 6
    assert parts("€" * 80) == (GSM7, 1) and parts("€" * 81) == (GSM7, 2)


def test_one_character_outside_gsm7_makes_it_ucs2():
    assert parts("Vlucht op 8 december — Schiphol") == (UCS2, 1)  # the em dash is not GSM-7
    assert parts("é" * 70) == (GSM7, 1)  # é is


def test_arabic_georgian_and_tigrinya_are_ucs2_at_70_then_67():
    arabic = "رحلتك إلى كابول"
    assert parts(arabic) == (UCS2, 1)
    assert parts("ა" * 70) == (UCS2, 1) and parts("ა" * 71) == (UCS2, 2)
    assert parts("ሰ" * 134) == (UCS2, 2) and parts("ሰ" * 135) == (UCS2, 3)


def test_an_emoji_is_two_ucs2_units():
    assert length("✈️") == 2 and length("😀") == 2


# Synthetic texts in the languages the templates are written in.
ARABIC = "رحلتك إلى بغداد يوم الثلاثاء الساعة 10:00. يرجى الحضور قبل ثلاث ساعات إلى المكتب في قاعة المغادرة."
GEORGIAN = "თქვენი ფრენა თბილისში სამშაბათს 10:00 საათზე. გთხოვთ, მოხვიდეთ სამი საათით ადრე."
TIGRINYA = "ነፋሪትኩም ናብ ኣስመራ ሰሉስ ሰዓት 10:00 ትበግስ። ሰለስተ ሰዓት ቀዲምኩም ምጹ።"


@pytest.mark.parametrize(("text", "expected"), [
    ("Your flight TK1952 leaves Schiphol at 10:00.", (GSM7, 1)),
    ("a" * 160, (GSM7, 1)),
    ("a" * 161, (GSM7, 2)),
    ("a" * 306, (GSM7, 2)),
    ("a" * 307, (GSM7, 3)),
    ("Vol à 10h, présentez-vous à l'accueil (Ç, ñ, ü, ß, Δ, §, ¿)", (GSM7, 1)),
    ("€" * 80, (GSM7, 1)),  # an extension character takes two septets: 80 fill one part
    ("€" * 81, (GSM7, 2)),
    ("{[~]}|^\\" * 20, (GSM7, 3)),  # 160 characters, 320 septets; no escape split: 152 + 152 + 16
    ("ё" * 70, (UCS2, 1)),
    ("ё" * 71, (UCS2, 2)),
    ("ё" * 134, (UCS2, 2)),
    ("ё" * 135, (UCS2, 3)),
    ("a" * 159 + "ё", (UCS2, 3)),  # one character outside GSM 03.38 makes the whole text UCS-2
    (ARABIC, (UCS2, 2)),
    (GEORGIAN, (UCS2, 2)),
    (TIGRINYA, (UCS2, 1)),
])
def test_parts_counts_the_encoding_and_the_parts(text, expected):
    assert parts(text) == expected


def test_the_euro_sign_is_gsm7_and_is_sent_as_escape_and_septet():
    found = segments("5 €")
    assert (found.encoding, found.data_coding) == (GSM7, 0)
    assert found.chunks == [b"5 \x1b\x65"]


def test_a_part_never_ends_between_an_escape_and_its_septet():
    text = "a" * 152 + "€" + "b" * 10  # 164 septets: two parts; the euro's two septets would straddle 153
    found = segments(text)
    assert [len(c) for c in found.chunks] == [152, 12]
    assert found.chunks[1] == b"\x1b\x65" + b"b" * 10


def test_arabic_is_ucs2_in_utf16be_cut_at_67_characters():
    found = segments(ARABIC)
    assert (found.encoding, found.data_coding) == (UCS2, 8)
    assert [len(c) // 2 for c in found.chunks] == [67, len(ARABIC) - 67]
    assert "".join(decode(8, c) for c in found.chunks) == ARABIC


def test_a_character_outside_the_bmp_takes_two_units_and_is_never_split():
    text = "ё" * 66 + "😀" + "ё"  # 66 + 2 + 1 = 69 units: one part
    assert parts(text) == (UCS2, 1)
    text = "ё" * 66 + "😀" * 3  # 72 units: two parts, the first stops before the pair that would not fit
    found = segments(text)
    assert [len(c) // 2 for c in found.chunks] == [66, 6]
    assert "".join(decode(8, c) for c in found.chunks) == text


def test_the_user_data_header_names_the_reference_the_total_and_the_part():
    assert udh(0x1A2, 3, 2) == b"\x05\x00\x03\xa2\x03\x02"


@given(st.text(max_size=500))
def test_every_text_decodes_back_from_its_parts(text):
    found = segments(text)
    assert "".join(decode(found.data_coding, c) for c in found.chunks) == text
    size = 2 if found.encoding == UCS2 else 1
    limit = {GSM7: (160, 153), UCS2: (70, 67)}[found.encoding][len(found.chunks) > 1]
    assert all(len(c) // size <= limit for c in found.chunks)
