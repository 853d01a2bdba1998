"""Non-timed guards for the faster ERG/MRC and ZWO backends.

The ZWO backend writes its XML itself instead of building an lxml tree: these
tests check that the bytes are the ones lxml writes.  ERG and MRC share one
plan per workout: these tests check that the plan follows the workout.
"""

from __future__ import annotations

import gc
import math
import random
from decimal import ROUND_CEILING, Decimal

from lxml import etree

import nmdsl
from nmdsl.formats.erg import write as erg
from nmdsl.formats.zwo import write as zwo

#: Characters that need escaping somewhere, or that must pass through as they are.
_ALPHABET = "ab Z09&<>\"'\t\n\r]]>=-.\x7f\x85\xa0\u2028é€😀"


def _random_text(r: random.Random) -> str:
    return "".join(r.choice(_ALPHABET) for _ in range(r.randrange(0, 12)))


def _lxml_bytes(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True))


def test_elements_are_written_as_lxml_writes_them() -> None:
    r = random.Random(11)
    for _ in range(300):
        ours = zwo._Element("workout")
        theirs = etree.Element("workout")
        for i in range(r.randrange(0, 4)):
            attrs = {f"A{j}": _random_text(r) for j in range(r.randrange(0, 4))}
            el, ref = zwo._Element(f"Step{i}", **attrs), etree.SubElement(theirs, f"Step{i}", **attrs)
            if attrs and r.random() < 0.3:  # setting an attribute again keeps its place
                el.set("A0", "again")
                ref.set("A0", "again")
            for _ in range(r.randrange(0, 3)):
                text = _random_text(r)
                el.children.append(zwo._Element("textevent", timeoffset="5", message=text))
                etree.SubElement(ref, "textevent", timeoffset="5", message=text)
            ours.children.append(el)
        lines: list[str] = []
        ours.write(lines, "")
        assert ("\n".join(lines) + "\n").encode("utf-8") == _lxml_bytes(theirs)


def test_text_elements_are_written_as_lxml_writes_them() -> None:
    r = random.Random(12)
    for _ in range(300):
        text = _random_text(r)
        root = etree.Element("r")
        etree.SubElement(root, "name").text = text
        assert f"<r>\n{zwo._leaf('name', text)}\n</r>\n".encode() == _lxml_bytes(root)


def test_a_whole_file_is_what_lxml_writes_for_its_tree() -> None:
    source = (
        'name: A & B <"quoted"> é\n'
        "author: x > y\n"
        "description: a\tb & c\n"
        "tags: one & two, <three>\n"
        "ftp: 250\n"
        '10m @60% "Go & <push>" at 30s\n'
        '3x 1m @120% "Hold \'it\'" at 10s / 1m @50%\n'
        "3x 1m @120% 90rpm / 1m @50% 80-90rpm\n"
        "5m ramp 80%-50%\n"
    )
    workout = nmdsl.parse(source)
    data = nmdsl.compile(workout, "zwo")
    declaration, _, body = data.partition(b"\n")
    assert declaration == b'<?xml version="1.0" encoding="UTF-8"?>'
    tree = etree.fromstring(body, etree.XMLParser(remove_blank_text=True, resolve_entities=False))
    assert _lxml_bytes(tree) == body


def test_the_plan_follows_the_workout() -> None:
    a = nmdsl.parse("name: A\nftp: 250\n10m @60%\n2x 1m @120% / 1m @50%\n")
    b = nmdsl.parse("name: B\nftp: 200\n5m @200W\n")
    first = {fmt: nmdsl.compile(a, fmt) for fmt in ("erg", "mrc")}
    for fmt in ("mrc", "erg"):
        nmdsl.compile(b, fmt)
        assert nmdsl.compile(a, fmt) == first[fmt]
    assert b"5.00\t200" in nmdsl.compile(b, "erg")
    assert b"5.00\t100" in nmdsl.compile(b, "mrc")


def test_the_plan_does_not_keep_the_workout_alive() -> None:
    import weakref

    workout = nmdsl.parse("name: A\n10m @60%\n")
    nmdsl.compile(workout, "mrc")
    ref = weakref.ref(workout)
    del workout
    gc.collect()
    assert ref() is None


def _reference_minutes(seconds: int) -> str:
    """The minutes column by its definition, with Decimal arithmetic."""
    exact = Decimal(seconds) / 60
    written = exact.quantize(Decimal(10) ** -erg.MINUTE_DECIMALS, rounding=ROUND_CEILING)
    text = f"{written:f}".rstrip("0")
    text = text + "0" * (2 - len(text.split(".")[1]))
    if written == exact:
        minutes = float(text)
        if minutes * 60 < seconds or minutes * 60000 < seconds * 1000:
            nudged = written + Decimal(10) ** -(erg.MINUTE_DECIMALS + 1)
            text = f"{nudged:f}"
    return text


def test_minutes_text_matches_its_definition() -> None:
    for seconds in [*range(7300), *range(86_000, 86_500), 359_999, 1_000_003]:
        assert erg._minutes_text(seconds) == _reference_minutes(seconds), seconds
    assert math.isclose(float(erg._minutes_text(123)), 2.050001)
