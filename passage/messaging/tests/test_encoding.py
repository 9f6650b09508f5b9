"""SMS parts: GSM-7 up to 160 (153 per concatenated part), UCS-2 up to 70 (67 per part); extension characters
count twice; one character outside GSM-7 makes the whole text UCS-2."""

from passage.messaging.encoding import GSM7, UCS2, length, parts


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
