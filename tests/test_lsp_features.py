"""The language server's pure parts: positions, times, meanings, fixes, and the handlers under fuzzing.

tests/test_lsp.py drives the real server; these call
:mod:`nmdsl.lsp.document` and :mod:`nmdsl.lsp.features` directly.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("lsprotocol", reason="the lsp extra is not installed (pip install 'nmdsl[lsp]')")

from lsprotocol import types

import nmdsl
from nmdsl.library.config import Config
from nmdsl.lsp import features
from nmdsl.lsp.document import UTF8, UTF16, UTF32, Document, Positions, chars, units
from nmdsl.model import Pace
from nmdsl.model.workout import Metadata
from tests.conftest import PATHS
from tests.test_fuzz import mutated

EXAMPLES = sorted(PATHS.examples.glob("*.nm"))
CORPUS = sorted((PATHS.tests / "fuzz_corpus").glob("*.nm"))


def _doc(text: str, config: Config | None = None) -> Document:
    return Document(text, None, config=config or Config())


# -- positions -------------------------------------------------------------------------


def test_code_units_of_each_encoding() -> None:
    assert [units("a🚀é", e) for e in (UTF8, UTF16, UTF32)] == [7, 4, 3]
    assert [chars("a🚀é", 5, e) for e in (UTF8, UTF16, UTF32)] == [2, 3, 3]
    # A place inside a character (half a surrogate pair) is taken as the end of that character.
    assert chars("a🚀é", 2, UTF16) == 2 and chars("a🚀é", 3, UTF8) == 2
    assert chars("ab", 99) == 2


def test_positions_count_the_bom_and_every_line_break() -> None:
    p = Positions("\ufeffab\r\n🚀x\rz")
    assert p.lines == ["\ufeffab", "🚀x", "z"]
    # nmdsl's column 1 of line 1 is after the BOM, which the protocol counts.
    assert p.position(1, 1) == types.Position(line=0, character=1)
    assert p.position(2, 2) == types.Position(line=1, character=2)
    assert p.place(types.Position(line=1, character=2)) == (2, 2)
    assert p.place(types.Position(line=0, character=0)) == (1, 1)
    assert p.place(types.Position(line=9, character=9)) == (3, 2)
    assert p.line_text(1) == "ab" and p.line_text(4) == ""


PIECES = ["a", " ", "é", "🚀", "\n", "\r\n", "\r", "\t", '"']


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_a_place_survives_the_round_trip(text: str) -> None:
    for encoding in (UTF8, UTF16, UTF32):
        p = Positions(text, encoding)
        for number in range(1, len(p.lines) + 1):
            for column in range(1, len(p.line_text(number)) + 2):
                assert p.place(p.position(number, column)) == (number, column)


# -- times and numbers -----------------------------------------------------------------


def test_clock_and_length() -> None:
    assert [features.clock(s) for s in (0, 600, 3725.5, 16.8)] == [
        "0:00:00",
        "0:10:00",
        "1:02:05.5",
        "0:00:16.8",
    ]
    assert [features.length(s) for s in (30, 16.8, 75, 600, 3600)] == [
        "30s",
        "16.8s",
        "1:15",
        "10:00",
        "1:00:00",
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_line_starts_agree_with_the_timeline(path: Path) -> None:
    """Times are found without unrolling; the model's own timeline unrolls: both must agree."""
    doc = Document(path.read_text(encoding="utf-8"), str(path))
    workout = doc.structure.workout
    first: dict[object, float] = {}
    for seg in workout.timeline():
        if seg.step.span is not None:
            first.setdefault(seg.step.span, seg.start_s)
    seen = 0
    for times in doc.structure.times.values():
        for t in times.steps:
            assert t.step is not None and t.step.span is not None
            assert t.start_s == pytest.approx(first[t.step.span])
            seen += 1
    assert seen == len(first)
    # The lines of the top-level items add up to the whole session.
    top = {item.span.line for item in workout.steps if item.span is not None}
    lengths = [doc.structure.times[line].length()[0] for line in sorted(top)]
    assert None not in lengths
    covered = sum(x or 0.0 for x in lengths)
    assert covered == pytest.approx(workout.totals().duration_s)


def test_a_repeat_with_an_unknown_step_has_an_unknown_length() -> None:
    doc = _doc("sport: run\n3x:\n  1km @80%\n  1m @5:00/km\n10m @5:00/km\n")
    times = doc.structure.times
    assert times[2].repeat is not None and times[2].repeat.total_s is None
    assert times[5].steps[0].after_unknown and times[5].steps[0].start_s == 180
    assert features.hint_label(times[5]) == "≥ 0:03:00"


def test_targets_in_the_athletes_numbers() -> None:
    doc = _doc("ftp: 200\n5m @Z2\n5m @300W\n5m ramp 50%-75%\n5m ramp 100W-150W\n")
    meta = doc.structure.meta
    steps = [t.steps[0].step for _, t in sorted(doc.structure.times.items())]
    assert [features.target_meaning(s.target, meta) for s in steps if s and s.target] == [
        "zone 2 (endurance) = 56-75% FTP = 112-150 W",
        "300 W = 150% FTP, zone 6 (anaerobic capacity)",
        "ramp 50% → 75% FTP = 100 W → 150 W",
        "ramp 100 W → 150 W = 50% → 75% FTP",
    ]
    run = _doc(
        "sport: run\nthreshold-pace: 4:00/km\nlthr: 170\nvmax: 2:30/km\n"
        "5m @80% @Z2hr\n5m @4:00-4:10/km\n10s @100%vmax\n"
    )
    rmeta = run.structure.meta
    rsteps = [t.steps[0].step for _, t in sorted(run.structure.times.items())]
    assert [s and s.target and features.target_meaning(s.target, rmeta) for s in rsteps] == [
        "80% of threshold speed = 5:00/km",
        "pace 4:00-4:10/km = 96-100% of threshold speed",
        "100% of vmax = 2:30/km",
    ]
    first = rsteps[0]
    assert first is not None and first.heart_rate is not None
    assert features.heart_rate_meaning(first.heart_rate, rmeta) == (
        "heart-rate zone 2 (aerobic) = 145-153 bpm (from lthr:)"
    )


def test_targets_without_the_header_numbers_say_only_what_is_known() -> None:
    doc = _doc("5m @150%\n5m @Z2hr\n")
    meta = doc.structure.meta
    a, b = (t.steps[0].step for _, t in sorted(doc.structure.times.items()))
    assert a is not None and b is not None and a.target is not None and b.heart_rate is not None
    assert features.target_meaning(a.target, meta) == "150% FTP, zone 6 (anaerobic capacity)"
    assert features.heart_rate_meaning(b.heart_rate, meta) == (
        "heart-rate zone 2 (aerobic) (the device's own zones; set lthr: or max-hr: to see bpm)"
    )
    assert features._speeds(Pace(seconds=240), 0, 100) == "?"
    assert Metadata().ftp_w is None


# -- the fixes the diagnostics carry ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "replacement"),
    [
        ("30sec @50%\n", "E002", "30s"),
        ("30s @150w\n", "E002", "@150W"),
        ("6X 30s @50%\n", "E002", "6x"),
        ("5m @z2\n", "E002", "@Z2"),
        ("5m 90%\n", "E002", "@90%"),
        ("1.2345s @50%\n", "E002", "1.234s"),
        ("warmpu 5m @50%\n", "E002", "warmup"),
        ("lthr: 170\n5m @90-80%lthr\n", "E204", "@80-90%lthr"),
        ("sport: run\n5m @4:30-4:20/km\n", "E204", "@4:20-4:30/km"),
        ("5m 110-100rpm\n", "E204", "100-110rpm"),
        ("Name: x\n5m @50%\n", "E102", "name"),
        ("nme: x\n5m @50%\n", "E101", "name"),
        ("5m @50%\n5m @200W\n", "E304", "ftp: 250\n"),
    ],
)
def test_a_hint_that_names_the_text_carries_it_as_a_fix(text: str, code: str, replacement: str) -> None:
    found = [d for d in nmdsl.check(text).diagnostics if d.code == code]
    assert len(found) == 1 and found[0].fix is not None
    assert found[0].fix.text == replacement
    assert replacement.strip() in (found[0].hint or "")


def test_a_fix_is_not_part_of_the_reported_data() -> None:
    d = nmdsl.check("30sec @50%\n").diagnostics[0]
    assert d.fix is not None
    assert list(d.model_dump()) == ["code", "severity", "message", "span", "hint", "file"]


def test_applying_every_fix_leaves_no_error_it_fixed() -> None:
    text = "Name: x\n10m @94-88%\n30sec @50%\n"
    doc = _doc(text)
    whole = types.Range(start=types.Position(line=0, character=0), end=doc.positions.end())
    actions = [a for a in features.code_actions(doc, "u", whole) if a.title.startswith("Replace")]
    edits = [e for a in actions if a.edit and a.edit.changes for e in a.edit.changes["u"]]
    lines = text.split("\n")
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        line = lines[e.range.start.line]
        lines[e.range.start.line] = (
            line[: e.range.start.character] + e.new_text + line[e.range.end.character :]
        )
    assert "\n".join(lines) == "name: x\n10m @88-94%\n30s @50%\n"
    assert nmdsl.check("\n".join(lines)).ok


def test_silencing_a_warning_adds_to_the_disable_comment() -> None:
    doc = _doc("# nmdsl: disable=W603\n30s max\n")
    whole = types.Range(start=types.Position(line=0, character=0), end=doc.positions.end())
    [silence] = [a for a in features.code_actions(doc, "u", whole) if a.title == "Silence W601 in this file"]
    assert silence.edit is not None and silence.edit.changes is not None
    [edit] = silence.edit.changes["u"]
    assert (edit.range.start, edit.new_text) == (types.Position(line=0, character=21), ",W601")


# -- no answer is a crash --------------------------------------------------------------


def _every_handler_at_every_place(text: str) -> None:
    doc = _doc(text)
    pos = doc.positions
    whole = types.Range(start=types.Position(line=0, character=0), end=pos.end())
    doc.lsp_diagnostics()
    features.inlay_hints(doc, whole)
    features.document_symbols(doc)
    features.folding_ranges(doc)
    data = features.semantic_tokens(doc).data
    assert len(data) % 5 == 0 and all(x >= 0 for x in data)
    features.code_actions(doc, "u", whole)
    features.formatting(doc)
    features.formatting(doc, whole)
    for line, content in enumerate(pos.lines[:60]):
        for character in range(min(units(content), 120) + 2):
            at = types.Position(line=line, character=character)
            features.hover(doc, at)
            features.completion(doc, at)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from([p.read_bytes() for p in EXAMPLES]).flatmap(mutated))
def test_the_handlers_never_raise_on_mutated_sessions(data: bytes) -> None:
    _every_handler_at_every_place(data.decode("utf-8", "replace"))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_the_handlers_never_raise_on_the_fuzz_corpus(path: Path) -> None:
    _every_handler_at_every_place(path.read_bytes().decode("utf-8", "replace"))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\ufeff",
        "6x",
        "6x:",
        "2x:\n  ",
        "@",
        '5m "',
        "until",
        "until >",
        "ftp:",
        "name: 🚀\n30s @",
        "\r\r\n\n",
    ],
)
def test_the_handlers_never_raise_on_half_typed_lines(text: str) -> None:
    _every_handler_at_every_place(text)


# -- the command -----------------------------------------------------------------------


def test_without_the_extra_the_command_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from nmdsl.cli import main

    monkeypatch.delitem(sys.modules, "nmdsl.lsp.server", raising=False)
    monkeypatch.setitem(sys.modules, "pygls", None)
    result = CliRunner().invoke(main, ["lsp"])
    assert result.exit_code == 1
    assert "pip install 'nmdsl[lsp]'" in result.output


def test_other_commands_never_import_pygls(tmp_path: Path) -> None:
    session = tmp_path / "s.nm"
    session.write_text("10m @60%\n", encoding="utf-8")
    code = (
        "import sys\nfrom nmdsl.cli import main\n"
        "for args in (['--help'], ['check', sys.argv[1]]):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(session)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_server_publishes_the_language_first_and_a_format_s_findings_after(tmp_path: Path) -> None:
    """The order of publications, without a client's timing: see NmdslServer.publish."""
    pytest.importorskip("pygls", reason="the lsp extra is not installed")
    from pygls.workspace import Workspace

    from nmdsl.lsp.server import NmdslServer

    (tmp_path / "nmdsl.toml").write_text('targets = ["zwo"]\n', encoding="utf-8")
    server = NmdslServer()
    server.protocol._workspace = Workspace(None)
    sent: list[list[str]] = []
    server._send = lambda uri, version, found: sent.append([d.code for d in found])  # type: ignore[method-assign]
    uri = (tmp_path / "lap.nm").as_uri()

    def edit(version: int, text: str) -> None:
        item = types.TextDocumentItem(uri=uri, language_id="nmdsl", version=version, text=text)
        server.workspace.put_text_document(item)
        server.publish(uri)

    edit(1, "10m @60%\nlap @Z2\n")
    assert sent == [[], ["E404"]]  # the language's (none), then compiling's
    edit(2, "10m @65%\nlap @Z2\n")
    assert sent[2:] == [["E404"]]  # shown, so never left out in between
    edit(3, "10m @65%\nlap ~3m @Z2\n")
    assert sent[3:] == [[]]  # it was shown: the complete check alone, which finds it fixed
    edit(4, "10m @65%\n30sec @50%\n")
    assert sent[4:] == [["E002"]]  # the quick check first again; the complete one is the same, so not sent


@pytest.mark.parametrize("path", [*EXAMPLES, *CORPUS], ids=lambda p: p.name)
def test_completing_a_quick_check_gives_what_a_whole_check_gives(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    for config in (Config(), Config(targets=("zwo",), rules={"W406": "warning"})):
        quick = Document.quick(text, None, config=config)
        whole = Document(text, None, config=config)
        assert quick.completed().diagnostics == whole.diagnostics
        assert [d for d in whole.diagnostics if d.code[1] != "4"] == quick.diagnostics


def test_the_editor_snippets_start_nmdsl_lsp() -> None:
    """docs/editors.md: the Helix configuration is TOML that starts the server; the others name it too."""
    import re
    import tomllib

    text = (PATHS.docs / "editors.md").read_text(encoding="utf-8")
    [helix] = [tomllib.loads(b) for b in re.findall(r"```toml\n(.*?)```", text, re.S)]
    assert helix["language-server"]["nmdsl"] == {"command": "nmdsl", "args": ["lsp"]}
    assert helix["language"][0]["file-types"] == ["nm"]
    assert helix["language"][0]["language-servers"] == ["nmdsl"]
    lua = re.findall(r"```lua\n(.*?)```", text, re.S)
    assert len(lua) == 2 and all('{ "nmdsl", "lsp" }' in b and 'nm = "nmdsl"' in b for b in lua)
    [elisp] = re.findall(r"```elisp\n(.*?)```", text, re.S)
    assert '(nmdsl-mode "nmdsl" "lsp")' in elisp and '"\\\\.nm\\\\\'"' in elisp


def test_below_an_error_a_hover_says_what_a_step_means_but_not_when() -> None:
    doc = _doc("ftp: 250\n30sec @50%\n6x 30s @150% / 30s @50%\n")
    got = features.hover(doc, types.Position(line=2, character=4))
    assert got is not None and isinstance(got.contents, types.MarkupContent)
    assert got.contents.value == (
        "**30s**\n- 150% FTP = 375 W, zone 6 (anaerobic capacity)\n\n"
        "**6 ×**: 1:00 per repetition, 6:00 in all"
    )
    assert features.inlay_hints(doc) == []


def test_an_inserted_line_ends_as_the_file_s_lines_do() -> None:
    doc = _doc("10m @60%\r\n5m @250W\r\n")
    whole = types.Range(start=types.Position(line=0, character=0), end=doc.positions.end())
    [add] = features.code_actions(doc, "u", whole)
    assert add.edit is not None and add.edit.changes is not None
    assert add.edit.changes["u"][0].new_text == "ftp: 250\r\n"


def test_the_agreed_encoding_is_read_by_its_name() -> None:
    pytest.importorskip("pygls", reason="the lsp extra is not installed")
    from nmdsl.lsp.server import _encoding

    assert _encoding(types.PositionEncodingKind.Utf8) == "utf-8"
    assert _encoding("utf-32") == "utf-32"
    assert _encoding(None) == "utf-16"


def test_a_warning_the_rules_make_an_error_can_still_be_silenced() -> None:
    doc = _doc("warmup 10m @50%\n30s max\n", config=Config(rules={"W601": "error"}))
    whole = types.Range(start=types.Position(line=0, character=0), end=doc.positions.end())
    assert [(d.code, d.is_error) for d in doc.diagnostics] == [("W601", True)]
    [silence] = features.code_actions(doc, "u", whole)
    assert silence.title == "Silence W601 in this file"
    assert silence.edit is not None and silence.edit.changes is not None
    fixed = silence.edit.changes["u"][0].new_text + doc.text
    assert _doc(fixed, config=Config(rules={"W601": "error"})).diagnostics == []


def test_a_distance_step_reads_as_written_with_its_estimated_time() -> None:
    doc = _doc("sport: run\nthreshold-pace: 4:00/km\n1km @80%\n3x 400mtr @4:00/km / 200mtr @50%\n")
    got = features.hover(doc, types.Position(line=2, character=1))
    assert got is not None and isinstance(got.contents, types.MarkupContent)
    assert got.contents.value == "**1km** (about 5:00)\n- 80% of threshold speed = 5:00/km\nstarts at 0:00:00"
    assert [h.label for h in features.inlay_hints(doc)] == ["0:00:00", "~0:05:00 · 3 × ~3:12 = ~9:36"]


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply edits given in UTF-16 positions; lines end at LF, CRLF or CR (the test's own arithmetic)."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def offset(p: types.Position) -> int:
        if p.line >= len(starts):
            return len(text)
        begin = starts[p.line]
        end = starts[p.line + 1] if p.line + 1 < len(starts) else len(text)
        line = text[begin:end].rstrip("\r\n")
        return begin + len(line.encode("utf-16-le")[: 2 * p.character].decode("utf-16-le"))

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


@st.composite
def untidy(draw: st.DrawFn, text: str) -> str:
    """A valid session made untidy without changing what it means: spaces, blank lines, line endings."""
    lines = text.split("\n")
    out = []
    for line in lines:
        content = line.lstrip(" ")
        if content and not content.startswith("#") and " " in content and draw(st.booleans()):
            spaces = draw(st.sampled_from(["  ", "   ", " \t"]))
            indent = line[: len(line) - len(content)]
            line = indent + content.replace(" ", spaces, 1) + draw(st.sampled_from(["", " "]))
        out.append(line)
        if draw(st.integers(0, 5)) == 0:
            out.append("")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    end = draw(st.sampled_from(["", newline]))
    return newline.join(out).rstrip("\r\n") + end


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([p.read_text(encoding="utf-8") for p in EXAMPLES]).flatmap(untidy))
def test_the_formatting_edits_make_what_nmdsl_fmt_makes(text: str) -> None:
    from nmdsl.language.fmt import format_text

    expected = format_text(text).text
    assert expected is not None
    edits = features.formatting(_doc(text))
    assert edits is not None
    assert _apply(text, edits) == expected
    # A range over every line makes the same (each change lies inside it).
    whole = types.Range(start=types.Position(line=0, character=0), end=_doc(text).positions.end())
    ranged = features.formatting(_doc(text), whole)
    assert ranged is not None and _apply(text, ranged) == expected
