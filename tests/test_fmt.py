"""``nmdsl fmt``: the formatter (nmdsl.language.fmt).

* Goldens: ``tests/fmt/NAME.nm`` -> ``NAME.expected.nm`` (``--update-goldens``
  rewrites the expected files; read every one before committing it).
* Every shipped example is formatted already, or becomes so without a change
  of meaning.
* Properties over generated *messy* programs (varied spellings, tabs and runs
  of spaces, comments everywhere, blank lines, any header order, mixed line
  endings): formatting is idempotent, keeps the meaning (the model, spans
  aside), keeps every comment, and gives the canonical layout.
* Files with errors come back untouched with their diagnostics; line endings
  and a BOM are kept; the diff.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import nmdsl
from nmdsl.language import fmt
from nmdsl.language.fmt import FormatError, format_bytes, format_text, unified_diff
from nmdsl.language.lexer import strip_comment
from nmdsl.language.writer import target_text
from nmdsl.source import split_lines

from .conftest import PATHS
from .helpers import without_spans

GOLDENS = PATHS.tests / "fmt"
INPUTS = sorted(p for p in GOLDENS.glob("*.nm") if not p.name.endswith(".expected.nm"))


def plain(node: Any) -> Any:
    """A model as plain data without source spans: what fmt must keep equal."""
    return without_spans(node)


def same_meaning(before: str | bytes, after: str | bytes, ftp_w: float | None = None) -> bool:
    return bool(plain(nmdsl.parse(before, ftp_w=ftp_w)) == plain(nmdsl.parse(after, ftp_w=ftp_w)))


def comments(text: str) -> Counter[str]:
    """Every comment of a file (full-line and trailing), as the lexer sees them."""
    found: Counter[str] = Counter()
    for raw in split_lines(text):
        content = raw.lstrip(" \t")
        if content.startswith("#"):
            found[content.rstrip()] += 1
        elif content:
            comment = content[len(strip_comment(content)) :].rstrip()
            if comment:
                found[comment] += 1
    return found


def fmt_ok(source: str) -> str:
    result = format_text(source)
    assert result.text is not None, [d.short() for d in result.diagnostics]
    return result.text


def assert_canonical_layout(text: str) -> None:
    lines = split_lines(text.removeprefix("\ufeff"))
    assert lines[-1] == "" and lines[-2] != "", "one line ending at the end"
    assert lines[0] != "", "no blank line at the start"
    lines = lines[:-1]
    for i, line in enumerate(lines):
        assert line == line.rstrip(" \t"), f"trailing whitespace on line {i + 1}: {line!r}"
        lead = len(line) - len(line.lstrip(" \t"))
        assert "\t" not in line[:lead] and lead % 2 == 0, f"indentation of line {i + 1}: {line!r}"
        if i and not line:
            assert lines[i - 1], f"two blank lines at line {i + 1}"


# -- goldens ------------------------------------------------------------------------------------------


def test_there_are_goldens() -> None:
    assert len(INPUTS) >= 5


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.stem)
def test_golden(path: Path, update_goldens: bool) -> None:
    expected_path = path.with_name(path.stem + ".expected.nm")
    result = format_bytes(path.read_bytes(), filename=path.name)
    assert result.data is not None, [d.short() for d in result.diagnostics]
    if update_goldens:
        expected_path.write_bytes(result.data)
    assert expected_path.is_file(), f"{expected_path} is missing; run pytest --update-goldens and read it"
    expected = expected_path.read_bytes()
    assert result.data.decode("utf-8") == expected.decode("utf-8")
    assert same_meaning(path.read_bytes(), expected)
    again = format_bytes(expected)
    assert again.data == expected and not again.changed, "the expected file is not a fixed point"
    assert_canonical_layout(expected.decode("utf-8"))
    assert comments(expected.decode("utf-8")) == comments(path.read_text(encoding="utf-8"))


# -- examples -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(PATHS.examples.glob("*.nm")), ids=lambda p: p.name)
def test_example_is_formatted_or_becomes_so_keeping_its_meaning(path: Path) -> None:
    data = path.read_bytes()
    result = format_bytes(data, filename=str(path))
    assert result.text is not None and not result.errors
    assert same_meaning(data, result.text)
    assert format_text(result.text).changed is False
    assert comments(result.text) == comments(data.decode("utf-8"))
    assert_canonical_layout(result.text)


def test_the_examples_are_formatted_already() -> None:
    # A guard against a formatter that rewrites everything, and a promise:
    # the shipped examples are in the canonical layout.
    changed = [p.name for p in sorted(PATHS.examples.glob("*.nm")) if format_bytes(p.read_bytes()).changed]
    assert changed == []


# -- docs/fmt.md ----------------------------------------------------------------------------------------

DOC = PATHS.docs / "fmt.md"
PAIR = re.compile(r"^Before:\n\n```nm\n(.*?)```\n\nAfter:\n\n```nm\n(.*?)```", re.DOTALL | re.MULTILINE)


def test_every_before_and_after_in_the_docs_is_real() -> None:
    pairs = PAIR.findall(DOC.read_text(encoding="utf-8"))
    assert len(pairs) >= 3
    for before, after in pairs:
        assert fmt_ok(before) == after
        assert fmt_ok(after) == after


def test_the_docs_library_example_runs() -> None:
    m = re.search(r"## Library\n\n```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert m, "docs/fmt.md has a ## Library example"
    # The example is our own docs, run as written (print silenced).
    exec(compile(m.group(1).replace("print(", "str("), str(DOC), "exec"), {})


def test_the_docs_spelling_table_is_real() -> None:
    """Every `written` → `canonical` pair of a token in the tables."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Spellings") : text.index("## The header")]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|"))
    pairs = re.findall(r"`([^`]+)` → `([^`]+)`", table)
    assert len(pairs) >= 20
    for written, canonical in pairs:
        header, line = "ftp: 250\n", "10m {}"
        if re.fullmatch(r"[0-9.]+(mtr|km|mi)", written):
            header, line = "sport: run\n", "{} @5:00/km"
        elif "/" in written:
            header = "sport: run\n"
        elif re.fullmatch(r"[0-9:]+|[0-9hmins]+", written) and not written.endswith("x"):
            line = "{} @60%"
        elif written.startswith('"'):
            line = "20m @60% {}"
        elif written.endswith("x"):
            line = "{} 1m @60%"
        elif written.endswith("rpm"):
            line = "10m @60% {}"
        assert fmt_ok(header + line.format(written) + "\n").splitlines()[-1] == line.format(canonical), (
            written
        )


# -- spellings ----------------------------------------------------------------------------------------

SPELLINGS = [
    # durations
    ("10min @60%", "10m @60%"),
    ("90s @60%", "1m30s @60%"),
    ("60m @60%", "1h @60%"),
    ("1:30 @60%", "1m30s @60%"),
    ("05:00 @60%", "5m @60%"),
    ("1:00:00 @60%", "1h @60%"),
    ("1:05:30 @60%", "1h5m30s @60%"),
    ("0h5m0s @60%", "5m @60%"),
    ("90min @60%", "1h30m @60%"),
    ("3600s @60%", "1h @60%"),
    # percent, watts, zones, ramps
    ("10m @88%-94%", "10m @88-94%"),
    ("10m @90-90%", "10m @90%"),
    ("10m @090.50%", "10m @90.5%"),
    ("10m @92.125%", "10m @92.125%"),
    ("10m @90.0%", "10m @90%"),
    ("10m @240W-260W", "10m @240-260W"),
    ("10m @0250W", "10m @250W"),
    ("10m @Z02", "10m @Z2"),
    ("10m ramp 45-70%", "10m ramp 45%-70%"),
    ("10m ramp 70-45%", "10m ramp 70%-45%"),
    ("10m ramp 50-50%", "10m ramp 50%-50%"),
    ("10m ramp 200-260W", "10m ramp 200W-260W"),
    ("10m ramp 0-100%", "10m ramp 0%-100%"),
    ("10m max", "10m max"),
    ("10m free", "10m free"),
    # cadence and heart rate
    ("10m 85rpm-95rpm", "10m 85-95rpm"),
    ("10m 090rpm", "10m 90rpm"),
    ("10m @140bpm-150bpm", "10m @140-150bpm"),
    ("10m @150-150bpm", "10m @150bpm"),
    # repeats, blocks, separators, order of targets
    ("06x 30s @150%   /  30s @50%", "6x 30s @150% / 30s @50%"),
    ("10m\t@60%\t\t95rpm", "10m @60% 95rpm"),
    ("10m @150bpm 95rpm @60%", "10m @60% 95rpm @150bpm"),
    ("10m 95rpm ramp 50-60%", "10m ramp 50%-60% 95rpm"),
    # cues
    ('10m @60% "Interval #3"  "x"  at  1:30', '10m @60% "Interval #3" "x" at 1m30s'),
    ('10m @60% "  spaced  cue  "', '10m @60% "  spaced  cue  "'),
    ('10m @60% "x" at 0:00', '10m @60% "x" at 0s'),
    ('20m @60% "x" at 600s', '20m @60% "x" at 10m'),
    # drills and keywords
    ("8x strides 20s / 40s free", "8x strides 20s / 40s free"),
    ("warmup  10min   ramp 45-70%", "warmup 10m ramp 45%-70%"),
]


@pytest.mark.parametrize(("written", "canonical"), SPELLINGS)
def test_spelling(written: str, canonical: str) -> None:
    header = "ftp: 250\n"
    assert fmt_ok(header + written + "\n") == header + "\n" + canonical + "\n"


RUN_SPELLINGS = [
    ("1000mtr @5:00/km", "1km @5:00/km"),
    ("1.50km @5:00/km", "1.5km @5:00/km"),
    ("0400mtr @5:00/km", "400mtr @5:00/km"),
    ("1609.344mtr @5:00/km", "1mi @5:00/km"),
    ("0.5mi @5:00/km", "0.5mi @5:00/km"),  # 804.672 m: no shorter exact spelling
    ("0.25km @5:00/km", "250mtr @5:00/km"),
    ("1.2345km @5:00/km", "1234.5mtr @5:00/km"),
    ("10m @04:30/km", "10m @4:30/km"),
    ("10m @4:20/km-4:30/km", "10m @4:20-4:30/km"),
    ("10m @4:30-4:30/km", "10m @4:30/km"),
    ("10m @7:00/mi", "10m @7:00/mi"),
    ("10m @115%", "10m @115%"),
    # W101: `400m` on a run is probably metres; fmt keeps the spelling that warns.
    ("400m @60%", "400m @60%"),
    ("99m @60%", "1h39m @60%"),
]


@pytest.mark.parametrize(("written", "canonical"), RUN_SPELLINGS)
def test_run_spelling(written: str, canonical: str) -> None:
    header = "sport: run\n"
    assert fmt_ok(header + written + "\n") == header + "\n" + canonical + "\n"


@pytest.mark.parametrize(
    ("line", "sport"),
    [
        ("10m @88%-94%", "bike"),
        ("10m @88.5-94.25%", "bike"),
        ("10m @240W-260W", "bike"),
        ("10m @Z3", "bike"),
        ("10m ramp 45-70%", "bike"),
        ("10m ramp 300-250W", "bike"),
        ("10m max", "bike"),
        ("10m free", "bike"),
        ("10m @4:20/km-4:30/km", "run"),
        ("10m @6:00/mi", "run"),
    ],
)
def test_target_spellings_are_the_writers(line: str, sport: str) -> None:
    """fmt and nmdsl.language.writer spell a target the same way."""
    source = f"sport: {sport}\n{line}\n"
    step = nmdsl.parse(source).steps[0]
    assert isinstance(step, nmdsl.Step) and step.target is not None
    assert fmt_ok(source).splitlines()[-1] == f"10m {target_text(step.target)}"


def test_header_values() -> None:
    source = (
        "max-hr: 188bpm\n"
        "lthr :168bpm\n"
        "threshold-pace:\t04:10/km\n"
        "ftp:  250W\n"
        "tags: a ,, b ,c\n"
        "sport: run\n"
        'description:   "plain"\n'
        'author: Tom & "Jerry" <test>\n'
        'name: "Sweet spot #2"\n'
        "10m @60%\n"
    )
    assert fmt_ok(source) == (
        'name: "Sweet spot #2"\n'
        'author: Tom & "Jerry" <test>\n'
        "description: plain\n"
        "sport: run\n"
        "tags: a, b, c\n"
        "ftp: 250\n"
        "threshold-pace: 4:10/km\n"
        "lthr: 168\n"
        "max-hr: 188\n"
        "\n"
        "10m @60%\n"
    )


@pytest.mark.parametrize(
    ("line", "canonical"),
    [
        ("ftp: 262.50", "ftp: 262.5"),
        ("ftp: 262.555", "ftp: 262.555"),  # the writer would round it to 262.56
        ("ftp: 1e2", "ftp: 100"),
        ("ftp: 0250", "ftp: 250"),
        ("lthr: +168", "lthr: 168"),
        ('author: a "b # c"', 'author: a "b # c"'),  # a quoted '#' inside the value
        ('name: "a" and "b"', 'name: "a" and "b"'),
        ('name: " "', 'name: " "'),
        ('tags: "x # y"', 'tags: "x # y"'),
        ('tags: "x # y", z', 'tags: "x # y", z'),
        ('tags: "b",', 'tags: "b",'),  # the tag is `"b"`, quotes and all: neither b nor "b" says so
        ("name: two  spaces\tand a tab", "name: two  spaces\tand a tab"),
        ('name: "quoted"  # and a comment', "name: quoted  # and a comment"),
        ('name: x "y  # comment', 'name: x "y  # comment'),
    ],
)
def test_header_value_reads_back_the_same(line: str, canonical: str) -> None:
    source = f"{line}\n10m @60%\n"
    out = fmt_ok(source)
    assert out.splitlines()[0] == canonical
    assert same_meaning(source, out)


# -- comments and layout ------------------------------------------------------------------------------


def test_comments_are_kept_in_place() -> None:
    source = (
        "# nmdsl: disable=W101   \n"
        "\n"
        "tags: a   #   tags\n"
        "# the name\n"
        "name: X# tight\n"
        "10m @60%#tight\n"
        '30s @150% "Sprint #1"   # a real comment\n'
        "3x:   # the set\n"
        "    # first line of the block\n"
        "    1m @100%\n"
        "  # between, at neither level\n"
        "    1m @50%\n"
        "# after the block\n"
        "5m @50%\n"
        "    # trailing, indented\n"
    )
    assert fmt_ok(source) == (
        "# nmdsl: disable=W101\n"
        "\n"
        "# the name\n"
        "name: X  # tight\n"
        "tags: a  #   tags\n"
        "\n"
        "10m @60%  #tight\n"
        '30s @150% "Sprint #1"  # a real comment\n'
        "3x:  # the set\n"
        "  # first line of the block\n"
        "  1m @100%\n"
        "  # between, at neither level\n"
        "  1m @50%\n"
        "# after the block\n"
        "5m @50%\n"
        "# trailing, indented\n"
    )


def test_comment_depth_between_levels() -> None:
    source = (
        "2x:\n"
        "    2x:\n"
        "        1m @100%\n"
        "        # in the inner block\n"
        "    # in the outer block\n"
        "# at the top\n"
        "          # deeper than anything open: the deepest level\n"
        "5m @50%\n"
    )
    # Each comment line is placed on its own, between the code lines around it.
    assert fmt_ok(source) == (
        "2x:\n"
        "  2x:\n"
        "    1m @100%\n"
        "    # in the inner block\n"
        "  # in the outer block\n"
        "# at the top\n"
        "    # deeper than anything open: the deepest level\n"
        "5m @50%\n"
    )


def test_comment_above_a_block_body_takes_the_body_level() -> None:
    # Between `2x:` and its first line, a comment indented like the body is in the body.
    source = "2x:\n      # body\n# margin\n      1m @100%\n"
    assert fmt_ok(source) == "2x:\n  # body\n  # margin\n  1m @100%\n"


def test_blank_lines() -> None:
    source = "\n\n  \nname: X\n\n\nftp: 250\n10m @60%\n\n\n\n2x:\n\n\n  1m @100%\n\n\n  1m @50%\n\t\n\n"
    assert fmt_ok(source) == "name: X\nftp: 250\n\n10m @60%\n\n2x:\n  1m @100%\n\n  1m @50%\n"


def test_header_comments_travel_with_their_line() -> None:
    source = (
        "# About this file.\n"
        "\n"
        "# ftp from the 2024 test\n"
        "ftp: 250  # watts\n"
        "\n"
        "# the tags\n"
        "tags: a\n"
        "name: X  # the name\n"
        "# before the steps\n"
        "10m @60%\n"
    )
    assert fmt_ok(source) == (
        "# About this file.\n"
        "\n"
        "name: X  # the name\n"
        "# the tags\n"
        "tags: a\n"
        "# ftp from the 2024 test\n"
        "ftp: 250  # watts\n"
        "\n"
        "# before the steps\n"
        "10m @60%\n"
    )


def test_indentation_is_two_spaces_per_level() -> None:
    source = "3x:\n     2x:\n        1m @100%\n        1m @50%\n     5m @50%\n2x:\n\t  \n 1m @60%\n"
    assert fmt_ok(source) == "3x:\n  2x:\n    1m @100%\n    1m @50%\n  5m @50%\n2x:\n  1m @60%\n"


# -- files with errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("10m  @60%\n30sec @150%\n", "E002"),
        ("name: X\n\n10m @60%\n  5m @50%\n", "E004"),
        ("10m @60%\nname: late\n", "E105"),
        ("Name:   X\n10m @60%\n", "E102"),
        ("10m @94-88%\n", "E204"),
        ("ftp: 250\n", "E010"),
        ('10m @60% "open\n', "E007"),
        ("10m @60%\n3x:\n\t1m @100%\n", "E003"),
        ("10m @250W\n5m @50%\n", "E304"),
    ],
)
def test_a_file_with_errors_is_left_alone(source: str, code: str) -> None:
    result = format_text(source, filename="bad.nm")
    assert result.text is None and result.data is None and result.changed is False
    assert code in {d.code for d in result.errors}
    assert result.source == source
    assert all(d.file == "bad.nm" for d in result.diagnostics)
    as_bytes = format_bytes(source.encode("utf-8"))
    assert as_bytes.text is None and code in {d.code for d in as_bytes.errors}


def test_invalid_utf8_is_left_alone() -> None:
    result = format_bytes(b"10m @60% \xff\n")
    assert result.text is None and result.source is None
    assert [d.code for d in result.errors] == ["E006"]


def test_ftp_from_outside_lets_watts_and_percent_mix() -> None:
    # E304 depends on --ftp or the configuration: the caller passes it on.
    source = "10m  @250W\n5m @50%\n"
    assert format_text(source).text is None
    assert format_text(source, ftp_w=250).text == "10m @250W\n5m @50%\n"


def test_warnings_do_not_stop_formatting() -> None:
    result = format_text("sport: run\n400m  @60%\n")
    assert result.text == "sport: run\n\n400m @60%\n"
    assert [d.code for d in result.diagnostics] == ["W101"]


# -- line endings, BOM, final newline -----------------------------------------------------------------


def test_crlf_is_kept() -> None:
    result = format_bytes(b"name: X\r\n10min @60%   \r\n")
    assert result.data == b"name: X\r\n\r\n10m @60%\r\n"


def test_mixed_line_endings_become_the_first() -> None:
    assert fmt_ok("name: X\r\n10m @60%\n5m @50%\r") == "name: X\r\n\r\n10m @60%\r\n5m @50%\r\n"
    assert fmt_ok("10m @60%\r5m @50%\n") == "10m @60%\r5m @50%\r"


def test_a_final_newline_is_added() -> None:
    result = format_text("10m @60%")
    assert result.text == "10m @60%\n" and result.changed


def test_bom_is_kept() -> None:
    data = "\ufeffname: Ø\r\n\r\n10m @60%\r\n".encode()
    result = format_bytes(data)
    assert result.data == data and not result.changed
    assert fmt_ok("\ufeff10min @60%\n") == "\ufeff10m @60%\n"


def test_unchanged_file() -> None:
    result = format_bytes(b"name: X\n\n10m @60%\n")
    assert result.data == b"name: X\n\n10m @60%\n" and result.changed is False


# -- diff ---------------------------------------------------------------------------------------------


def test_unified_diff() -> None:
    old = "name: X\n10min @60%\n"
    new = fmt_ok(old)
    expected = [
        "--- a.nm\t(original)",
        "+++ a.nm\t(formatted)",
        "@@ -1,2 +1,3 @@",
        " name: X",
        "-10min @60%",
        "+",
        "+10m @60%",
    ]
    assert unified_diff(old, new, "a.nm") == "\n".join(expected) + "\n"
    assert unified_diff(new, new, "a.nm") == ""


def test_unified_diff_marks_a_missing_final_newline() -> None:
    diff = unified_diff("10m @60%", "10m @60%\n", "a.nm")
    assert diff.endswith("-10m @60%\n\\ No newline at end of file\n+10m @60%\n")


def test_unified_diff_applies_with_patch(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("patch") is None:
        pytest.skip("no patch program")
    old = "ftp: 250\nname: X\n2x:\n    1:00 @100%\n    60s @50%\n"
    path = tmp_path / "a.nm"
    path.write_text(old)
    diff = unified_diff(old, fmt_ok(old), "a.nm")
    subprocess.run(["patch", "-s", "-p0"], input=diff.encode(), cwd=tmp_path, check=True)
    assert path.read_text() == fmt_ok(old)


# -- the safety net -----------------------------------------------------------------------------------


def test_output_that_means_something_else_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "_number", lambda x: "1")
    with pytest.raises(FormatError, match="means something else"):
        format_text("10m @60%\n")


def test_output_with_errors_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt, "_number", lambda x: "0")
    with pytest.raises(FormatError, match="has errors"):
        format_text("10m @60%\n")


# -- properties over generated messy programs ---------------------------------------------------------

SEP = st.sampled_from([" ", " ", " ", "  ", "\t", " \t  "])
COMMENT_TEXT = st.text(st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]), max_size=12)
CUE_TEXT = st.text(st.characters(exclude_characters='"\r\n', exclude_categories=["Cs"]), max_size=12)
PLAIN_TEXT = st.text(
    st.characters(
        categories=["L", "N", "Zs"], include_characters="-_.,:;!?&<>/()'", exclude_characters='#"\r\n'
    ),
    min_size=1,
    max_size=16,
).filter(lambda s: s.strip(" \t") != "")
TAG_TEXT = st.text(st.characters(categories=["L", "N"], include_characters=" -/"), min_size=1, max_size=8)
DRILLS = {
    "bike": ["sprint", "strides", "accel", "spinup", "standing-start", "torque"],
    "run": ["sprint", "strides", "accel", "hill-sprint", "flying"],
}


@st.composite
def trailing_comment(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(SEP) + "#" + draw(COMMENT_TEXT)
    if kind == 1:
        return "#" + draw(COMMENT_TEXT)  # touching the last item
    if kind == 2:
        return draw(st.sampled_from([" ", "\t", "   "]))  # trailing whitespace only
    return ""


@st.composite
def noise(draw: st.DrawFn) -> list[str]:
    """Blank lines (perhaps holding spaces and tabs) and comment lines at any indentation."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        lead = draw(st.sampled_from(["", "", " ", "  ", "\t", "   \t", "      "]))
        if draw(st.booleans()):
            lines.append(lead)
        else:
            lines.append(lead + "#" + draw(COMMENT_TEXT))
    return lines


@st.composite
def whole(draw: st.DrawFn, n: int) -> str:
    return draw(st.sampled_from([str(n), f"0{n}"]))


@st.composite
def decimal(draw: st.DrawFn, lo: int, hi: int) -> str:
    """A number in [lo, hi] spelled any valid way: 90, 090, 90.0, 90.5, 90.50, 90.125."""
    n = draw(st.integers(lo, hi))
    if n == hi:
        return draw(whole(n))
    frac = draw(st.sampled_from(["", "", "", ".0", ".5", ".50", ".25", ".125", ".333"]))
    return draw(whole(n)) + frac


@st.composite
def duration_text(draw: st.DrawFn, s: int) -> str:
    """One of the ways to write ``s`` seconds (0 only for a cue's ``at``)."""
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    minute = draw(st.sampled_from(["m", "min"]))
    forms = [f"{s}s", f"{h}:{m:02d}:{sec:02d}", f"{s // 60}{minute}{sec}s", f"0h{s}s"]
    forms.append((f"{h}h" if h else "") + (f"{m}{minute}" if m else "") + (f"{sec}s" if sec or not s else ""))
    if s % 60 == 0:
        forms.append(f"{s // 60}{minute}")
    if s < 3600:
        forms += [f"{m}:{sec:02d}", f"{m:02d}:{sec:02d}"]
    return draw(st.sampled_from(forms))


@st.composite
def a_range(draw: st.DrawFn, lo: int, hi: int, unit: str, prefix: str = "@", decimals: bool = True) -> str:
    def value() -> tuple[str, float]:
        text = draw(decimal(lo, hi)) if decimals else draw(whole(draw(st.integers(lo, hi))))
        return text, float(text)

    a, av = value()
    if draw(st.booleans()):
        return f"{prefix}{a}{unit}"
    b, bv = value()
    if av > bv:
        a, b = b, a
    return f"{prefix}{a}{unit if draw(st.booleans()) else ''}-{b}{unit}"


@st.composite
def pace(draw: st.DrawFn, single: bool = False) -> str:
    per = draw(st.sampled_from(["km", "mi"]))
    low = 120 if per == "km" else 180  # nothing faster than 1:30/km

    def clock(x: int) -> str:
        return draw(st.sampled_from([f"{x // 60}:{x % 60:02d}", f"{x // 60:02d}:{x % 60:02d}"]))

    a = draw(st.integers(low, 720))
    if single or draw(st.booleans()):
        return f"@{clock(a)}/{per}"
    b = draw(st.integers(a, 720))
    return f"@{clock(a)}{'/' + per if draw(st.booleans()) else ''}-{clock(b)}/{per}"


@st.composite
def intensity_target(draw: st.DrawFn, sport: str, watts: bool) -> str:
    options = ["pct", "ramp_pct", "max", "free"]
    options += (["zone"] + (["watts", "ramp_w"] if watts else [])) if sport == "bike" else ["pace"]
    kind = draw(st.sampled_from(options))
    if kind == "pct":
        return draw(a_range(1, 400, "%"))
    if kind == "watts":
        return draw(a_range(1, 1500, "W"))
    if kind == "zone":
        return f"@Z{draw(st.sampled_from(['1', '2', '4', '7', '03', '06']))}"
    if kind in ("ramp_pct", "ramp_w"):
        unit, hi = ("%", 400) if kind == "ramp_pct" else ("W", 1500)
        a, b = draw(decimal(0, hi)), draw(decimal(0, hi))
        return f"ramp{draw(SEP)}{a}{unit if draw(st.booleans()) else ''}-{b}{unit}"
    if kind == "pace":
        return draw(pace())
    return kind


@st.composite
def step(draw: st.DrawFn, sport: str, watts: bool) -> str:
    word_kind = draw(st.sampled_from(["none", "none", "none", "keyword", "drill"]))
    word = None
    if word_kind == "keyword":
        word = draw(st.sampled_from(["warmup", "cooldown", "rest"]))
    elif word_kind == "drill":
        word = draw(st.sampled_from(DRILLS[sport]))
    items = [word] if word else []
    seconds: int | None = None
    if sport == "run" and word_kind != "drill" and draw(st.integers(0, 3)) == 0:
        unit = draw(st.sampled_from(["mtr", "km", "mi"]))
        amount = draw(decimal(50, 3000)) if unit == "mtr" else draw(decimal(1, 5))
        items.append(amount + unit)
    else:
        seconds = draw(st.integers(1, 240))
        items.append(draw(duration_text(seconds)))
    targets: list[str] = []
    needs_target = word_kind == "none" or word in ("warmup", "cooldown")
    if needs_target or draw(st.booleans()):
        targets.append(draw(intensity_target(sport, watts)))
    if sport == "bike" and draw(st.integers(0, 3)) == 0:
        targets.append(draw(a_range(30, 200, "rpm", prefix="", decimals=False)))
    if draw(st.integers(0, 3)) == 0:
        targets.append(draw(a_range(30, 240, "bpm", decimals=False)))
    items += draw(st.permutations(targets))
    for _ in range(draw(st.integers(0, 2))):
        items.append('"' + draw(CUE_TEXT) + '"')
        if seconds is not None and draw(st.booleans()):
            items += ["at", draw(duration_text(draw(st.integers(0, seconds - 1))))]
    return "".join(item + draw(SEP) for item in items[:-1]) + items[-1]


@st.composite
def step_line(draw: st.DrawFn, sport: str, watts: bool) -> str:
    count = draw(st.one_of(st.none(), st.integers(1, 4)))
    steps = [draw(step(sport, watts)) for _ in range(draw(st.integers(1, 3 if count else 2)))]
    line = "".join(s + draw(SEP) + "/" + draw(SEP) for s in steps[:-1]) + steps[-1]
    if count is not None:
        line = draw(whole(count)) + "x" + draw(SEP) + line
    return line


@st.composite
def body(draw: st.DrawFn, sport: str, watts: bool, depth: int, column: int) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4 if depth == 0 else 3))):
        lines += draw(noise())
        if depth < 2 and draw(st.integers(0, 3)) == 0:
            count = draw(whole(draw(st.integers(1, 3))))
            lines.append(" " * column + f"{count}x:" + draw(trailing_comment()))
            lines += draw(body(sport, watts, depth + 1, column + draw(st.integers(1, 4))))
        else:
            lines.append(" " * column + draw(step_line(sport, watts)) + draw(trailing_comment()))
    return lines


@st.composite
def header_value(draw: st.DrawFn, key: str, sport: str) -> str:
    if key in ("name", "author", "description"):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            return '"' + draw(CUE_TEXT.filter(lambda s: s != "")) + '"'
        if kind == 1:
            return draw(st.sampled_from(['a "b # c"', '"a" and "b"', 'Tom & "Jerry"', 'x "y', '"#hash"']))
        return draw(PLAIN_TEXT)
    if key == "tags":
        tags = draw(st.lists(TAG_TEXT, min_size=1, max_size=3))
        tags.insert(draw(st.integers(0, len(tags))), draw(st.sampled_from(["", " ", "a"])))
        text = ",".join(draw(SEP) + t + draw(st.sampled_from(["", " "])) for t in tags)
        return text if any(t.strip() for t in tags) else "x"
    if key == "sport":
        return sport
    if key == "ftp":
        return draw(decimal(100, 400)) + draw(st.sampled_from(["", "W"]))
    if key == "threshold-pace":
        return draw(pace(single=True))[1:]
    return str(draw(st.integers(100, 200))) + draw(st.sampled_from(["", "bpm"]))


@st.composite
def program(draw: st.DrawFn) -> str:
    sport = draw(st.sampled_from(["bike", "run"]))
    ftp = draw(st.booleans())
    keys = ["name", "author", "description", "tags", "lthr", "max-hr"]
    keys += ["sport", "threshold-pace"] if sport == "run" else ["sport"]
    chosen = [k for k in keys if draw(st.booleans()) or (k == "sport" and sport == "run")]
    if ftp:
        chosen.append("ftp")
    lines: list[str] = []
    for key in draw(st.permutations(chosen)):
        lines += draw(noise())
        gap = draw(st.sampled_from(["", " ", "\t"])) + ":" + draw(st.sampled_from(["", " ", "  ", "\t"]))
        lines.append(key + gap + draw(header_value(key, sport)) + draw(trailing_comment()))
    lines += draw(body(sport, ftp, 0, 0))
    lines += draw(noise())
    text = "".join(line + draw(st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])) for line in lines)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return draw(st.sampled_from(["", "", "\ufeff"])) + text


def valid(source: str) -> str:
    result = nmdsl.check(source)
    codes = {d.code for d in result.errors}
    assume(codes != {"E305"})  # too long a session: a limit, not a generator bug
    assert result.ok, [d.short() for d in result.diagnostics]
    return source


@given(program())
def test_fmt_keeps_the_meaning_of_generated_programs(source: str) -> None:
    valid(source)
    out = fmt_ok(source)
    assert same_meaning(source, out)


@given(program())
def test_fmt_is_idempotent_on_generated_programs(source: str) -> None:
    valid(source)
    out = fmt_ok(source)
    again = format_text(out)
    assert again.text == out and again.changed is False


@given(program())
def test_fmt_keeps_every_comment_and_gives_the_canonical_layout(source: str) -> None:
    valid(source)
    out = fmt_ok(source)
    assert comments(out) == comments(source)
    assert_canonical_layout(out)
    newline = re.search(r"\r\n|\r|\n", source)
    endings = set(re.findall(r"\r\n|\r|\n", out))
    assert endings == {newline.group(0) if newline else "\n"}
    assert out.startswith("\ufeff") == source.startswith("\ufeff")


@given(program())
def test_fmt_of_bytes_is_fmt_of_text(source: str) -> None:
    valid(source)
    from_bytes = format_bytes(source.encode("utf-8"))
    from_text = format_text(source)
    assert from_bytes.text == from_text.text and from_bytes.changed == from_text.changed
