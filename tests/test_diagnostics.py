"""Diagnostics: every error class of issue 3 gives the right code at the right
place, all errors of a file are reported, the rendered form, and every code
in the catalogue is triggered by some input and documented."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import nmdsl
from nmdsl.api import MAX_FILE_BYTES
from nmdsl.diagnostics import CODES, QUOTE_CHARS, Severity, render

from .conftest import PATHS


@dataclass(frozen=True)
class Trigger:
    """An input that produces exactly one diagnostic, ``code``, at ``where``."""

    source: str | bytes | None
    #: (line, column) of the span, or None for a diagnostic about the whole file.
    where: tuple[int, int] | None
    #: For what is not a source text (an unreadable file).
    run: Callable[[Path], nmdsl.Result] | None = None

    def result(self, tmp_path: Path) -> nmdsl.Result:
        if self.run is not None:
            return self.run(tmp_path)
        assert self.source is not None
        return nmdsl.check(self.source)


def _missing_file(tmp_path: Path) -> nmdsl.Result:
    return nmdsl.check_file(tmp_path / "no-such-file.nm")


def _nested(depth: int) -> str:
    return "".join(" " * i + "1x:\n" for i in range(depth)) + " " * depth + "1m @50%\n"


#: code -> an input that triggers it.  Kept in step with nmdsl.diagnostics.CODES
#: by test_every_core_code_has_a_trigger.
TRIGGERS: dict[str, Trigger] = {
    "E001": Trigger("1m @50% 2m\n", (1, 9)),
    "E002": Trigger("10m @60%\n10M @50%\n", (2, 1)),
    "E003": Trigger("3x:\n  1m @50%\n\t1m @60%\n", (3, 1)),
    "E004": Trigger("1m @50%\n  1m @60%\n", (2, 1)),
    "E005": Trigger("1m @50%\n3x:\n1m @60%\n", (2, 1)),
    "E006": Trigger(b"name: \xff\n1m @50%\n", (1, 7)),
    "E007": Trigger('1m @50% "no end\n', (1, 9)),
    "E008": Trigger(None, None, _missing_file),
    "E009": Trigger(b"#" * (MAX_FILE_BYTES + 1), None),
    "E010": Trigger("name: Nothing\n# no steps\n", None),
    "E101": Trigger("naem: x\n1m @50%\n", (1, 1)),
    "E102": Trigger("Name: x\n1m @50%\n", (1, 1)),
    "E103": Trigger("name: a\nname: b\n1m @50%\n", (2, 1)),
    "E104": Trigger("name:\n1m @50%\n", (1, 1)),
    "E105": Trigger("1m @50%\nname: x\n", (2, 1)),
    "E106": Trigger("sport: swim\n1m @50%\n", (1, 8)),
    "E201": Trigger("0s @50%\n", (1, 1)),
    "E202": Trigger("1:60 @50%\n", (1, 1)),
    "E203": Trigger("0x 30s @150% / 30s @50%\n", (1, 1)),
    "E204": Trigger("5m @94-88%\n", (1, 4)),
    "E205": Trigger("5m @Z8\n", (1, 4)),
    "E206": Trigger("5m @90% 250rpm\n", (1, 9)),
    "E207": Trigger("5m @20bpm\n", (1, 4)),
    "E208": Trigger("5m @2000%\n", (1, 4)),
    "E209": Trigger('5m @90% "x" at 5m\n', (1, 16)),
    "E210": Trigger('5m @90% "' + "x" * 2001 + '"\n', (1, 9)),
    "E211": Trigger("3m until >165bpm @Z4\n", (1, 4)),
    "E212": Trigger("3m ~2m @50%\n", (1, 4)),
    "E214": Trigger("5m @80%lthr\n", (1, 4)),
    "E215": Trigger("6x 8s @95%pmax / 3m @50%\n", (1, 7)),
    "E301": Trigger("10m @60%\n10m @4:30/km\n", (2, 5)),
    "E302": Trigger("5m @50% @60%\n", (1, 9)),
    "E303": Trigger("5m\n", (1, 1)),
    "E304": Trigger("10m @250W\n10m @60%\n", (1, 5)),
    "E305": Trigger("10001x 1s @50%\n", (1, 1)),
    "E306": Trigger(_nested(17), (17, 17)),
    "E307": Trigger("sport: run\n2x spinup 30s\n", (2, 4)),
    "E308": Trigger('5m @50%"x"\n', (1, 4)),
    "W101": Trigger("sport: run\n400m @90%\n", (2, 1)),
    "W102": Trigger("sport: run\n1km free\n", (2, 1)),
}

#: Backends (E4xx/W4xx), importers (E5xx/W5xx), lints (W6xx) and library
#: checks (W7xx and the configuration/library codes below) register their own
#: codes; their owners' tests trigger those (tests/test_library.py for the
#: library's; tests/test_performance_guards.py for E013 and W104, which come
#: with many other diagnostics).  Everything else is the language core's.
NOT_CORE = re.compile(r"^[EW][4-7][0-9][0-9]$|^(E011|E012|E013|E107|W103|W104)$")


def core_codes() -> set[str]:
    return {c for c in CODES if not NOT_CORE.match(c)}


def test_every_core_code_has_a_trigger() -> None:
    assert set(TRIGGERS) == core_codes()


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_trigger(code: str, tmp_path: Path) -> None:
    trigger = TRIGGERS[code]
    result = trigger.result(tmp_path)
    assert [d.code for d in result.diagnostics] == [code], [d.short() for d in result.diagnostics]
    (d,) = result.diagnostics
    assert d.severity == CODES[code].severity
    assert d.message
    if trigger.where is None:
        assert d.span is None
    else:
        assert d.span is not None
        assert (d.span.line, d.span.column) == trigger.where
        assert d.span.end_line == d.span.line and d.span.end_column > d.span.column
    if d.is_error:
        assert result.workout is None and not result.ok
        with pytest.raises(nmdsl.NmdslError) as info:
            if trigger.source is not None:
                nmdsl.parse(trigger.source)
            else:
                nmdsl.parse_file(tmp_path / "no-such-file.nm")
        assert [x.code for x in info.value.diagnostics] == [code]
    else:
        assert result.ok and result.workout is not None


def _docs_headings() -> str:
    """Headings of the catalogue page and of the format pages it links to."""
    path = PATHS.docs / "diagnostics.md"
    assert path.is_file(), f"{path} is missing: it documents every diagnostic code"
    pages = [path, PATHS.docs / "lints.md", *sorted(PATHS.docs.glob("format-*.md"))]
    return "\n".join(
        line
        for page in pages
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    )


def _all_codes() -> dict[str, object]:
    from nmdsl.library.codes import all_codes

    return dict(all_codes())


@pytest.mark.parametrize("code", sorted(_all_codes()))
def test_code_is_a_heading_in_the_docs(code: str) -> None:
    """Core codes in docs/diagnostics.md; a format's codes on its format page."""
    assert re.search(rf"\b{code}\b", _docs_headings()), f"{code} has no heading in docs/"


def test_core_codes_are_in_the_catalogue_page() -> None:
    page = (PATHS.docs / "diagnostics.md").read_text(encoding="utf-8")
    headings = "\n".join(line for line in page.splitlines() if line.startswith("#"))
    missing = [c for c in sorted(CODES) if c[1] in "0123" and not re.search(rf"\b{c}\b", headings)]
    assert not missing, f"core codes without a heading in docs/diagnostics.md: {missing}"


# -- the error classes the issue lists ---------------------------------------------------


def where(src: str | bytes, **kw: object) -> list[tuple[str, int, int]]:
    """(code, line, column) of every diagnostic."""
    out = []
    for d in nmdsl.check(src, **kw).diagnostics:  # type: ignore[arg-type]
        assert d.span is not None, d
        out.append((d.code, d.span.line, d.span.column))
    return out


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("10m @60%\n1m @50% 2m\n", [("E001", 2, 9)]),  # a duration after a target
        ("5m @50% \"a\" at 1m at 2m\n", [("E001", 1, 19)]),  # 'at' twice
        ('5m "a" @50%\n', [("E001", 1, 8)]),  # target after a cue
        ("5m ramp\n", [("E001", 1, 8)]),  # ramp needs its range
        ("@50% 5m\n", [("E001", 1, 1)]),  # target before the duration
        ("3x: 1m @50%\n", [("E001", 1, 5)]),  # a block line takes nothing after ':'
        ("6x\n", [("E001", 1, 3)]),  # a count alone
    ],
)
def test_syntax_errors(src: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(src) == expected


INTERNAL_NAME = re.compile(
    r"__ANON|\$END|\b(?:POWER_PCT|WATTS|ZONE|PACE|BPM|CADENCE|RAMP_RANGE|DURATION|DISTANCE|"
    r"INTENSITY|DRILL|REPEAT|STRING|SLASH|COLON|HEADER_KEY|HEADER_VALUE|AT|MAX|FREE|PCT)\b"
)


@pytest.mark.parametrize(
    "src",
    [
        "1m @50% 2m",
        '5m "a" @50%',
        "5m ramp",
        "@50% 5m",
        "3x: 1m @50%",
        "6x",
        "warmup",
        "1m @50% / ",
        "/ 1m @50%",
        "5m @50% at 1m",
        '5m @50% "a" at',
        "sprint",
        "6x 30s @150% / / 30s @50%",
        "5m max max",
    ],
)
def test_syntax_errors_speak_human_words(src: str) -> None:
    r = nmdsl.check(src)
    assert not r.ok
    for d in r.diagnostics:
        text = d.message + " " + (d.hint or "")
        assert not INTERNAL_NAME.search(text), text


def test_expected_words_are_given() -> None:
    (d,) = nmdsl.check("1m @50% 2m").diagnostics
    assert "expected" in d.message and "target" in d.message


@pytest.mark.parametrize(
    ("src", "col"),
    [("0s @50%", 1), ("0m @50%", 1), ("0:00 @50%", 1), ("0h0m0s @50%", 1), ("0:00:00 @50%", 1),
     ("0min @50%", 1), ("rest 0s", 6), ("6x 30s @150% / 0s @50%", 16)],
)
def test_zero_duration(src: str, col: int) -> None:
    assert where(src) == [("E201", 1, col)]


@pytest.mark.parametrize(
    "src", ["sport: run\n0km @4:00/km", "sport: run\n0mtr @4:00/km", "sport: run\n0.0mi @4:00/km"]
)
def test_zero_distance(src: str) -> None:
    assert where(src) == [("E201", 2, 1)]


@pytest.mark.parametrize("src", ["-5m @50%", "-30s @50%", "5m @-50%"])
def test_negative_values_are_errors(src: str) -> None:
    r = nmdsl.check(src)
    assert not r.ok
    assert r.errors[0].span is not None and r.errors[0].span.line == 1


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("0x 30s @150% / 30s @50%", [("E203", 1, 1)]),
        ("0x sprint 10s", [("E203", 1, 1)]),
        ("0x:\n  1m @50%", [("E203", 1, 1)]),
        ("2x:\n  0x:\n    1m @50%", [("E203", 2, 3)]),
    ],
)
def test_zero_repeat(src: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("5m @94-88%", [("E204", 1, 4)]),
        ("5m @94%-88%", [("E204", 1, 4)]),
        ("5m @260-240W", [("E204", 1, 4)]),
        ("5m @90% 110-100rpm", [("E204", 1, 9)]),
        ("5m @150-140bpm", [("E204", 1, 4)]),
        ("sport: run\n5m @4:30-4:20/km", [("E204", 2, 4)]),
        ("sport: run\n5m @7:30-7:00/mi", [("E204", 2, 4)]),
    ],
)
def test_reversed_range(src: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(src) == expected


def test_reversed_range_hint_gives_the_right_order() -> None:
    (d,) = nmdsl.check("5m @94-88%").diagnostics
    assert d.hint is not None and "@88-94%" in d.hint


def test_equal_range_ends_are_fine() -> None:
    assert nmdsl.check("5m @90-90%").ok


@pytest.mark.parametrize("zone", ["Z0", "Z8", "Z9", "Z10", "Z77"])
def test_unknown_zone(zone: str) -> None:
    assert where(f"5m @{zone}") == [("E205", 1, 4)]


@pytest.mark.parametrize("cadence", ["10rpm", "250rpm", "0rpm", "20-90rpm", "90-300rpm"])
def test_implausible_cadence(cadence: str) -> None:
    assert where(f"5m @90% {cadence}") == [("E206", 1, 9)]


@pytest.mark.parametrize("cadence", ["60rpm", "90-100rpm", "130rpm"])
def test_plausible_cadence(cadence: str) -> None:
    assert nmdsl.check(f"5m @90% {cadence}").ok


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("10m @4:30/km", [("E301", 1, 5)]),  # pace on a bike
        ("10m @4:20-4:30/km", [("E301", 1, 5)]),
        ("sport: run\n5m @250W", [("E301", 2, 4)]),  # watts on a run
        ("sport: run\n5m @Z3", [("E301", 2, 4)]),  # zones on a run
        ("sport: run\n5m @90% 180rpm", [("E301", 2, 9)]),  # cadence on a run
        ("sport: run\n5m ramp 200W-300W", [("E301", 2, 4)]),
    ],
)
def test_unit_not_for_this_sport(src: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(src) == expected


def test_sport_messages_are_english() -> None:
    (d,) = nmdsl.check("10m @4:30/km").diagnostics
    assert "pace are" not in d.message, d.message


@pytest.mark.parametrize(
    "src",
    [
        "10m @250W\n10m @60%",
        "10m @60%\n10m @250W",
        "10m ramp 100W-200W\n10m @Z2",
        "10m @250W\n10m ramp 50%-60%",
        "10m @250W\n6x sprint 10s",  # the sprint's default recovery is in %FTP
    ],
)
def test_watts_and_percent_mixed_without_ftp(src: str) -> None:
    r = nmdsl.check(src)
    assert [d.code for d in r.diagnostics] == ["E304"]
    d = r.diagnostics[0]
    assert d.span is not None and d.hint is not None and "ftp" in d.hint.lower()
    # with an FTP, in the header or given from outside, it is fine
    assert nmdsl.check("ftp: 250\n" + src).ok
    assert nmdsl.check(src, ftp_w=250).ok


@pytest.mark.parametrize("src", ["10m @250W\n10m @300W", "10m @250W\n10m max\n10m free", "10m @60%\n10m @Z2"])
def test_no_conversion_needed_no_ftp_needed(src: str) -> None:
    assert nmdsl.check(src).ok


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ('5m @90% "x" at 5m', [("E209", 1, 16)]),
        ('5m @90% "x" at 6m', [("E209", 1, 16)]),
        ('5m @90% "x" at 1h', [("E209", 1, 16)]),
        ('6x 30s @150% "go" at 30s / 30s @50%', [("E209", 1, 22)]),
    ],
)
def test_cue_offset_outside_its_step(src: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(src) == expected


@pytest.mark.parametrize(
    ("src", "ok"),
    [
        ('sport: run\n1km @4:00/km "x" at 3m', True),  # about 240 s
        ('sport: run\n1km @4:00/km "x" at 5m', False),
        ('sport: run\n2km @4:00-5:00/km "x" at 8m59s', True),  # about 540 s
        ('sport: run\n2km @4:00-5:00/km "x" at 9m', False),
    ],
)
def test_cue_offset_on_a_distance_step_uses_its_estimated_time(src: str, ok: bool) -> None:
    r = nmdsl.check(src)
    if ok:
        assert r.ok, [d.short() for d in r.diagnostics]
    else:
        assert [(d.code, d.span.line if d.span else 0) for d in r.diagnostics] == [("E209", 2)]


def test_cue_offset_just_inside_is_fine() -> None:
    assert nmdsl.check('5m @90% "x" at 4:59').ok


@pytest.mark.parametrize(
    ("src", "error_line"),
    [
        ("10000x 1s @50%", None),  # exactly 10,000 expanded steps
        ("10001x 1s @50%", 1),
        ("5000x 1s @50% / 1s @40%", None),
        ("5001x 1s @50% / 1s @40%", 1),
        ("100x:\n  100x 1s @50%", None),
        ("100x:\n  101x 1s @50%", 1),
        ("24h @50%", None),  # exactly 24 hours
        ("24h @50%\n1s @50%", 2),
        ("2x:\n  12h @50%\n  1s @40%", 1),
        ("1000000000x:\n  1000000000x 1s @50% / 1s @40%", 1),  # refused without unrolling
        ("999999999999999999999x 1h @50%", 1),
    ],
)
def test_workout_size_limit(src: str, error_line: int | None) -> None:
    r = nmdsl.check(src)
    if error_line is None:
        assert r.ok, [d.short() for d in r.diagnostics]
    else:
        assert [d.code for d in r.diagnostics] == ["E305"]
        assert r.diagnostics[0].span is not None and r.diagnostics[0].span.line == error_line


def test_size_limit_points_at_the_item_that_breaks_it() -> None:
    assert where("10m @50%\n2x:\n  12h @50%\n1m @50%") == [("E305", 2, 1)]


def test_tab_in_indentation_says_so() -> None:
    (d,) = nmdsl.check("3x:\n  1m @50%\n \t1m @60%").diagnostics
    assert d.code == "E003"
    assert d.span is not None and (d.span.line, d.span.column) == (3, 2)
    assert "tab" in d.message.lower()


def test_tab_between_items_is_fine() -> None:
    assert nmdsl.check("3x:\n  1m\t@50%").ok


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("  1m @50%", [("E004", 1, 1)]),
        ("3x:\n    1m @50%\n  1m @60%", [("E004", 3, 1)]),  # a dedent to no enclosing level
        ("3x:\n  1m @50%\n    1m @60%", [("E004", 3, 1)]),  # indented under a step
    ],
)
def test_unexpected_indentation(src: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(src) == expected


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("3x:", [("E005", 1, 1)]),
        ("3x:\n# only a comment\n", [("E005", 1, 1)]),
        ("3x:\n1m @50%", [("E005", 1, 1)]),
        ("2x:\n  1m @50%\n  3x:\n  1m @60%", [("E005", 3, 3)]),
    ],
)
def test_block_without_body(src: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(src) == expected


def test_unknown_header_key_did_you_mean() -> None:
    (d,) = nmdsl.check("autor: me\n1m @50%").diagnostics
    assert d.code == "E101"
    assert d.hint is not None and "author" in d.hint


def test_wrong_case_header_key() -> None:
    (d,) = nmdsl.check("FTP: 250\n1m @50%").diagnostics
    assert d.code == "E102" and d.hint is not None and "ftp" in d.hint


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("name:\n1m @50%", [("E104", 1, 1)]),
        ("name:    # just a comment\n1m @50%", [("E104", 1, 1)]),
        ("tags: \n1m @50%", [("E104", 1, 1)]),
        ("name: a\nname: b\n1m @50%", [("E103", 2, 1)]),
        ("1m @50%\nname: late", [("E105", 2, 1)]),
        ("1m @50%\nftp: 250\n2m @60%", [("E105", 2, 1)]),
        ("sport: swim\n1m @50%", [("E106", 1, 8)]),
        ("sport: Bike\n1m @50%", [("E106", 1, 8)]),
        ("ftp: lots\n1m @50%", [("E106", 1, 6)]),
        ("ftp: 0\n1m @50%", [("E106", 1, 6)]),
        ("threshold-pace: 4:10\nsport: run\n1m @50%", [("E106", 1, 17)]),
        ("lthr: fast\n1m @50%", [("E106", 1, 7)]),
        ("max-hr: 400\n1m @50%", [("E207", 1, 9)]),
    ],
)
def test_header_errors(src: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(src) == expected


def test_header_line_inside_a_block_is_an_error() -> None:
    # A header line after the first step is an error, indented or not; it must
    # not be silently dropped.
    r = nmdsl.check("3x:\n  1m @50%\n  name: x\n")
    assert not r.ok
    assert [(d.code, d.span.line if d.span else None) for d in r.diagnostics] == [("E105", 3)]


def test_ramp_needs_both_ends() -> None:
    r = nmdsl.check("5m ramp 45%")
    assert not r.ok
    (d,) = r.diagnostics
    assert d.span is not None and (d.span.line, d.span.column) == (1, 9)
    text = d.message + " " + (d.hint or "")
    # the help is about the ramp's two ends, not about writing '@45%' after 'ramp'
    assert "ramp" in text, text


def test_ramp_ends_with_different_units() -> None:
    (d,) = nmdsl.check("5m ramp 45%-70W").diagnostics
    assert d.span is not None and (d.span.line, d.span.column) == (1, 9)
    text = d.message + " " + (d.hint or "")
    assert "unit" in text, text


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("5m @50% max", [("E302", 1, 9)]),
        ("5m @50% @250W", [("E302", 1, 9)]),
        ("5m free ramp 40%-50%", [("E302", 1, 9)]),
        ("5m @50% 90rpm 95rpm", [("E302", 1, 15)]),
        ("5m @50% @140bpm @150bpm", [("E302", 1, 17)]),
    ],
)
def test_more_than_one_target_of_a_kind(src: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(src) == expected


@pytest.mark.parametrize(
    ("src", "col"), [("5m", 1), ('5m "cue"', 1), ("warmup 5m", 1), ("6x 30s @150% / 30s", 16)]
)
def test_step_without_target(src: str, col: int) -> None:
    assert where(src) == [("E303", 1, col)]


@pytest.mark.parametrize(("src", "col"), [('5m @50%"x"', 4), ('5m @50% "x"at 1m', 9), ('5m"x" @50%', 1)])
def test_items_must_be_separated(src: str, col: int) -> None:
    assert where(src) == [("E308", 1, col)]


@pytest.mark.parametrize(("src", "col"), [("6x 30s @150%/30s @50%", 8), ("6x 30s @150% /30s @50%", 14)])
def test_slash_needs_spaces(src: str, col: int) -> None:
    r = nmdsl.check(src)
    assert not r.ok
    assert r.errors[0].span is not None and (r.errors[0].span.line, r.errors[0].span.column) == (1, col)


def test_at_needs_no_space_before_value() -> None:
    r = nmdsl.check("5m @ 50%")
    assert not r.ok
    assert r.errors[0].span is not None and r.errors[0].span.column == 4


@pytest.mark.parametrize(
    ("data", "where_"),
    [
        (b"name: \xff\n1m @50%\n", (1, 7)),
        (b"1m @50%\n2m @50%\n5m \xc3\x28 @50%\n", (3, 4)),
        (b"1m @50%\r\n5m @50% \"caf\xe9\"\r\n", (2, 13)),
        (b"1m @50%\r2m @50%\r5m \xff @50%\r", (3, 4)),  # CR line endings
    ],
)
def test_invalid_utf8_position(data: bytes, where_: tuple[int, int]) -> None:
    (d,) = nmdsl.check(data).diagnostics
    assert d.code == "E006"
    assert d.span is not None and (d.span.line, d.span.column) == where_


def test_unknown_unit_did_you_mean() -> None:
    (d,) = nmdsl.check("30sec @50%").diagnostics
    assert d.code == "E002" and d.hint is not None and "30s" in d.hint


# -- all errors in a file -------------------------------------------------------------


ALL_ERRORS = """\
naem: x
Name: y
5m @94-88% 250rpm
10x:
  1m @Z9
\t1m @50%
3m
0x 1m @50%
1m @50% 2m
5m @50% "a" at 6m
10m @4:30/km
5m @50% "open
"""


def test_every_error_in_a_file_is_reported() -> None:
    assert where(ALL_ERRORS) == [
        ("E101", 1, 1),
        ("E102", 2, 1),
        ("E204", 3, 4),
        ("E206", 3, 12),
        ("E205", 5, 6),
        ("E003", 6, 1),
        ("E303", 7, 1),
        ("E203", 8, 1),
        ("E001", 9, 9),
        ("E209", 10, 16),
        ("E301", 11, 5),
        ("E007", 12, 9),
    ]


def test_parse_raises_with_every_diagnostic() -> None:
    with pytest.raises(nmdsl.NmdslError) as info:
        nmdsl.parse(ALL_ERRORS)
    assert len(info.value.diagnostics) == 12
    assert "E101" in str(info.value) and "11 more" in str(info.value)


def test_warnings_do_not_stop_parse() -> None:
    w = nmdsl.parse("sport: run\n400m @90%\n1km free\n")
    assert len(w.steps) == 2
    r = nmdsl.check("sport: run\n400m @90%\n1km free\n")
    assert [d.severity for d in r.diagnostics] == [Severity.WARNING, Severity.WARNING]
    assert r.ok and r.warnings and not r.errors


def test_diagnostics_carry_the_file_name() -> None:
    r = nmdsl.check("5m @94-88%", filename="dir/session.nm")
    assert r.diagnostics[0].file == "dir/session.nm"
    assert r.diagnostics[0].short().startswith("dir/session.nm:1:4: error[E204]: ")


# -- rendering ---------------------------------------------------------------------------


def test_render_exact() -> None:
    src = "name: X\n\n# the hard bit\n5m @94-88%\n"
    (d,) = nmdsl.check(src, filename="session.nm").diagnostics
    assert render(d, src) == (
        "session.nm:4:4: error[E204]: range low 94% is above high 88%\n"
        "    4 | 5m @94-88%\n"
        "      |    ^^^^^^^\n"
        "  hint: write the smaller number first: @88-94%"
    )


def test_render_warning_and_wide_gutter() -> None:
    src = "sport: run\n" + "# x\n" * 9 + "400m @90%\n"
    (d,) = nmdsl.check(src, filename="r.nm").diagnostics
    lines = render(d, src).splitlines()
    assert lines[0].startswith("r.nm:11:1: warning[W101]: ")
    assert lines[1] == "    11 | 400m @90%"
    assert lines[2] == "       | ^^^^"
    assert lines[3].startswith("  hint: ") and "400mtr" in lines[3]


def test_render_never_prints_control_characters() -> None:
    """An ESC in a file must not reach the terminal: the quoted line shows U+FFFD, one column each."""
    src = "name: x\n10m @60% \x1b[31mfoo\x07\n"
    (d,) = nmdsl.check(src, filename="c.nm").diagnostics
    out = render(d, src)
    assert not re.search("[\x00-\x08\x0a-\x1f\x7f-\x9f]", out.replace("\n", ""))
    lines = out.splitlines()
    assert lines[0] == "c.nm:2:10: error[E002]: unknown word '\\x1b[31mfoo\\x07'"
    assert lines[1] == "    2 | 10m @60% \ufffd[31mfoo\ufffd"
    assert lines[2] == "      |          ^^^^^^^^^"


def test_render_without_span() -> None:
    (d,) = nmdsl.check("", filename="e.nm").diagnostics
    lines = render(d, "").splitlines()
    assert lines[0] == "e.nm: error[E010]: the workout has no steps"
    assert all(line.startswith("  hint: ") for line in lines[1:])


RENDERED = re.compile(
    r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)\[(?P<code>[EW]\d{3})\]: .+$"
)


@pytest.mark.parametrize(
    "code", sorted(c for c, t in TRIGGERS.items() if t.where is not None and isinstance(t.source, str))
)
def test_rendered_form_for_every_code(code: str) -> None:
    src = TRIGGERS[code].source
    assert isinstance(src, str)
    r = nmdsl.check(src, filename="in.nm")
    (d,) = r.diagnostics
    lines = render(d, r.source).splitlines()
    m = RENDERED.match(lines[0])
    assert m, lines[0]
    assert (m["file"], int(m["line"]), int(m["col"]), m["code"]) == ("in.nm", *TRIGGERS[code].where, code)  # type: ignore[misc]
    line_no = int(m["line"])
    source_line = re.split(r"\r\n|\r|\n", src)[line_no - 1].replace("\t", " ")
    if len(source_line) > QUOTE_CHARS:  # a window of it, from the start: every caret here is near it
        source_line = source_line[:QUOTE_CHARS] + "\u2026"
    gutter = f"    {line_no} | "
    assert lines[1] == gutter + source_line
    caret = lines[2]
    assert caret.startswith(" " * (len(gutter) - 2) + "| ")
    assert caret.index("^") == len(gutter) + int(m["col"]) - 1
    if d.hint:
        assert lines[3] == f"  hint: {d.hint}"
    else:
        assert len(lines) == 3


@pytest.mark.parametrize("sep", ["\u2028", "\x0c", "\x0b", "\x1c", "\x85"])
def test_render_shows_the_line_the_span_points_at(sep: str) -> None:
    # Only CR, LF and CRLF end a line; other characters Python's splitlines()
    # splits on must not shift the line shown under the message.
    src = f"# note{sep} more\n5m @94-88%\n"
    r = nmdsl.check(src)
    (d,) = r.diagnostics
    assert d.span is not None and d.span.line == 2
    assert render(d, r.source).splitlines()[1] == "    2 | 5m @94-88%"
