"""ERG and MRC import (``nmdsl import FILE.erg|FILE.mrc``).

* Goldens: ``tests/erg/import/NAME.erg|mrc`` -> ``NAME.nm`` (what ``nmdsl import
  NAME -o -`` writes) and ``NAME.log`` (its warnings); ``tests/erg/malformed/NAME``
  -> ``NAME.err`` (the errors; nothing is written).  ``pytest --update-goldens``
  rewrites them; read each one before committing.
* Golden Cheetah's own test files (``../shared/corpus/goldencheetah``) all
  import; each is compared, second by second, with the power line its points
  draw, read here by a few independent lines (:func:`reference_points`).
"""

from __future__ import annotations

import bisect
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import nmdsl
from nmdsl.cli import main
from nmdsl.diagnostics import CODES, Diagnostic, Report, Severity
from nmdsl.formats import for_suffix
from nmdsl.formats.base import ReadOptions
from nmdsl.model import RampTarget, Repeat, Step, WattsTarget, Workout

from .conftest import PATHS
from .test_erg import assert_same_ride, gc_read, ride

ERG_DIR = PATHS.tests / "erg"
IMPORTS = sorted(p for p in (ERG_DIR / "import").iterdir() if p.suffix in (".erg", ".mrc"))
MALFORMED = sorted(p for p in (ERG_DIR / "malformed").iterdir() if p.suffix in (".erg", ".mrc"))


def importer_codes() -> set[str]:
    import nmdsl.formats.erg.read  # noqa: F401  (registers the codes)

    return {c for c in CODES if re.fullmatch(r"[EW]5[23][0-9]", c)}


def read(
    data: bytes | str, suffix: str = ".erg", filename: str = "<input>"
) -> tuple[Workout | None, list[Diagnostic]]:
    report = Report(file=filename)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    workout = for_suffix(suffix).read(raw, report, ReadOptions(filename=filename))
    return workout, report.sorted()


def text_of(workout: Workout | None) -> str:
    assert workout is not None
    return nmdsl.write(workout)


HEAD = "[COURSE HEADER]\nFTP = 200\nMINUTES WATTS\n[END COURSE HEADER]\n"
MRC_HEAD = "[COURSE HEADER]\nMINUTES PERCENT\n[END COURSE HEADER]\n"


def data(*rows: str, head: str = HEAD) -> str:
    return head + "[COURSE DATA]\n" + "\n".join(rows) + "\n[END COURSE DATA]\n"


# -- goldens ----------------------------------------------------------------------------


def _compare(expected: Path, actual: str, update: bool) -> None:
    if update:
        expected.write_text(actual, encoding="utf-8")
        return
    assert expected.is_file(), f"{expected} is missing; run pytest --update-goldens and read it"
    assert actual == expected.read_text(encoding="utf-8"), f"{expected.name} differs"


def test_there_are_goldens() -> None:
    assert len(IMPORTS) >= 4 and len(MALFORMED) >= 8


@pytest.mark.parametrize("source", IMPORTS, ids=lambda p: p.name)
def test_import_golden(source: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    result = CliRunner().invoke(main, ["import", source.name, "-o", "-"])
    assert result.exit_code == 0, result.output
    _compare(source.with_suffix(".nm"), result.stdout, update_goldens)
    _compare(source.with_suffix(".log"), result.stderr, update_goldens)
    # What is written compiles back to a file with the same ride.
    workout = nmdsl.read(source)
    again = nmdsl.parse(result.stdout)
    ftp = workout.meta.ftp_w or 100.0
    assert_same_ride(ride(again, ftp), ride(workout, ftp), 1e-9)


@pytest.mark.parametrize("source", MALFORMED, ids=lambda p: p.name)
def test_malformed(
    source: Path, update_goldens: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(source, tmp_path / source.name)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["import", source.name])
    assert result.exit_code == 1 and result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [source.name], "nothing is written"
    assert "error[" in result.stderr
    _compare(source.with_suffix(".err"), result.stderr, update_goldens)


# -- every code ----------------------------------------------------------------------------

#: Every importer code: (file text, suffix, line of the diagnostic).
TRIGGERS: dict[str, tuple[str | bytes, str, int]] = {
    "E520": ("[COURSE HEADER]\nMINUTES WATTS\n[END COURSE HEADER]\n", ".erg", 3),
    "E521": (HEAD + "[COURSE DATA]\n0 100\n1 100\n", ".erg", 5),
    "E522": (data("0 100", "2 100", "1 100"), ".erg", 8),
    "E523": (data("0 100", "1 x"), ".erg", 7),
    "E524": (data("0 100", "1 100") + "[COURSE TEXT]\nsoon hello 10\n[END COURSE TEXT]\n", ".erg", 10),
    "E525": ("[COURSE HEADER]\nDISTANCE GRADE WIND\n[END COURSE HEADER]\n", ".erg", 2),
    "E526": (data("0 100", "1 50%", head="[COURSE HEADER]\nMINUTES WATTS\n[END COURSE HEADER]\n"), ".erg", 6),
    "E527": (data("0 100", "1 1200", head=MRC_HEAD), ".mrc", 6),
    "W521": (data("0 100", "0.5 LAP", "1 100"), ".erg", 7),
    "W522": (
        "[COURSE HEADER]\n[END COURSE HEADER]\n[COURSE DATA]\n0 50\n1 50\n[END COURSE DATA]\n",
        ".mrc",
        2,
    ),
    "W523": (data("0 100", "1 100") + "[COURSE TEXT]\n60 too late 10\n[END COURSE TEXT]\n", ".erg", 10),
    "W524": (data("0 0", "1 0", "1 100", "2 100"), ".erg", 6),
    "W525": (
        data("0 100", "1 100", head="[COURSE HEADER]\nFTP = 250.x\nMINUTES WATTS\n[END COURSE HEADER]\n"),
        ".erg",
        2,
    ),
    "W526": ("Title\n" + data("0 100", "1 100"), ".erg", 1),
    "W527": (
        data("0 100", "1 100").replace("FTP = 200", "DESCRIPTION = caf\xe9\nFTP = 200").encode("latin-1"),
        ".erg",
        2,
    ),
}


def test_every_importer_code_has_a_trigger() -> None:
    assert set(TRIGGERS) == importer_codes()


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_trigger(code: str) -> None:
    text, suffix, line = TRIGGERS[code]
    workout, found = read(text, suffix)
    assert [d.code for d in found] == [code], [d.short() for d in found]
    (d,) = found
    assert d.severity is CODES[code].severity and d.message
    assert d.span is not None and d.span.line == line, d.short()
    assert (workout is None) == (d.severity is Severity.ERROR)


def test_errors_are_all_reported_and_nothing_is_returned() -> None:
    workout, found = read(data("0 100", "1,5 100", "2 -3", "3"))
    assert workout is None
    assert [(d.code, d.span.line if d.span else 0, d.span.column if d.span else 0) for d in found] == [
        ("E523", 7, 1), ("E523", 8, 3), ("E523", 9, 1),
    ]


def test_strict_import(tmp_path: Path) -> None:
    path = tmp_path / "w.erg"
    path.write_text(data("0 100", "0.5 LAP", "1 100"), encoding="utf-8")
    assert nmdsl.load(path).workout is not None
    strict = nmdsl.load(path, strict=True)
    assert strict.workout is None and [d.severity for d in strict.diagnostics] == [Severity.ERROR]
    result = CliRunner().invoke(main, ["import", str(path), "--strict"])
    assert result.exit_code == 1 and "error[W521]" in result.stderr
    assert not (tmp_path / "w.nm").exists()


# -- how points become steps ------------------------------------------------------------------


def test_flat_pairs_slopes_and_repeats() -> None:
    rows = ["0 80", "10 140"]  # a rising ramp first: a warmup
    t = 10.0
    for _ in range(6):
        rows += [f"{t} 300", f"{t + 0.5} 300", f"{t + 0.5} 100", f"{t + 1} 100"]
        t += 1
    rows += [f"{t} 120", f"{t + 5} 80"]  # a falling ramp last: a cooldown
    workout, found = read(data(*rows))
    assert found == []
    assert text_of(workout) == (
        "ftp: 200\n\nwarmup 10m ramp 80W-140W\n6x 30s @300W / 30s @100W\ncooldown 5m ramp 120W-80W\n"
    )


def test_points_on_one_line_are_one_step() -> None:
    workout, _ = read(data("0 100", "2.5 100", "5 100", "5 100", "10 200", "15 300", "15 100", "20 100"))
    assert text_of(workout) == "ftp: 200\n\n5m @100W\n10m ramp 100W-300W\n5m @100W\n"


def test_equal_neighbours_join_but_repeats_keep_their_boundaries() -> None:
    # 3x 10s @110% / 50s @55% then 4m @55%, as nmdsl writes it: the 4m stays apart.
    source = "ftp: 200\n3x 10s @110% / 50s @55%\n4m @55%\n2m @50%\n2m @50%\n"
    out = nmdsl.emit(nmdsl.parse(source), "mrc").data
    workout, _ = read(out, ".mrc")
    assert text_of(workout) == "3x 10s @110% / 50s @55%\n4m @55%\n4m @50%\n"


def test_watts_stay_watts_and_the_ftp_is_kept() -> None:
    # An ERG's values are the file's own watts, with or without FTP; the FTP is kept.
    with_ftp, _ = read(data("0 130", "1 130"))
    assert with_ftp is not None and with_ftp.meta.ftp_w == 200
    assert with_ftp.steps == (Step(duration_s=60, target=WattsTarget(low_w=130, high_w=130)),)
    no_ftp = data("0 130", "1 130", head="[COURSE HEADER]\nMINUTES WATTS\n[END COURSE HEADER]\n")
    assert text_of(read(no_ftp)[0]) == "1m @130W\n"
    mrc, _ = read(data("0 130", "1 30", head=MRC_HEAD), ".mrc")
    assert mrc is not None and mrc.meta.ftp_w is None
    assert mrc.steps == (Step(duration_s=60, target=RampTarget(start=130, end=30)),)
    # Content wins over the suffix: an .mrc saying MINUTES WATTS is watts.
    assert text_of(read(no_ftp, ".mrc")[0]) == "1m @130W\n"
    # Golden Cheetah's relative rows: '50%' in an ERG with FTP is 50% of it, in watts.
    rel, _ = read(data("0 50%", "1 50%"))
    assert text_of(rel) == "ftp: 200\n\n1m @100W\n"


def test_real_world_spellings() -> None:
    variants = [
        "[course header]\r\nFTP=200\r\nminutes   watts\r\n[end course header]\r\n[course data]\r\n0\t100\r\n"
        "1.0  100\r\n[end course data]\r\n",
        "[COURSE HEADER]\rFTP = 200\rMINUTES WATTS\r[END COURSE HEADER]\r"
        "[COURSE DATA]\r0.00 100\r1 100\r[END COURSE DATA]",
        (
            "\ufeff; comment\n[COURSE HEADER]\n  FTP =  200  \nMINUTES PERCENT\n;MINUTES WATTS\n"
            "[END COURSE HEADER]\n\n"
            "[COURSE DATA]\n; a comment\n .0 \t 100 \n1. 100\n2 LAPS\n[END COURSE DATA]\n"
        ),
    ]
    for text in variants:
        workout, found = read(text.encode("utf-8"))
        assert [d.code for d in found] == (["W521"] if "LAPS" in text else []), text
        assert text_of(workout) == "ftp: 200\n\n1m @100W\n", text


def test_cues_fall_in_their_step() -> None:
    text = data("0 100", "1 100", "1 200", "3 200") + (
        "[COURSE TEXT]\n0 Start 5\n59.6 Just before the end 5\n90\tHalfway\t10\n100 no duration\n"
        "90 Same second: file order 10\n[END COURSE TEXT]\n"
    )
    workout, found = read(text)
    assert found == []
    assert text_of(workout) == (
        'ftp: 200\n\n1m @100W "Start" "Just before the end" at 59.6s\n2m @200W "Halfway" at 30s '
        '"Same second: file order" at 30s "no duration" at 40s\n'
    )


def test_metadata() -> None:
    head = "[COURSE HEADER]\nDESCRIPTION = {d}\nFILE NAME = {f}\nMINUTES WATTS\n[END COURSE HEADER]\n"
    rows = "[COURSE DATA]\n0 100\n1 100\n[END COURSE DATA]\n"

    def meta(d: str, f: str, filename: str = "dir/file.erg") -> tuple[str | None, str | None]:
        workout, _ = read(head.format(d=d, f=f) + rows, filename=filename)
        assert workout is not None
        return workout.meta.name, workout.meta.description

    assert meta("Long words", "Short.ERG") == ("Short", "Long words")
    assert meta("Same", "Same.erg") == ("Same", None)
    assert meta("Only a description", "") == ("file", "Only a description")
    assert meta("Only a description", "", filename="<input>") == ("Only a description", None)
    assert meta("", "") == ("file", None)
    # nmdsl's own files give the name and description back.
    for source in ("name: N\n1m @50W\n", "name: N\ndescription: D\n1m @50W\n"):
        out = nmdsl.emit(nmdsl.parse(source), "erg").data
        # (An imported header has no source positions.)
        assert read(out)[0].meta == replace(nmdsl.parse(source).meta, header_spans=())  # type: ignore[union-attr]


def test_labels_only_make_the_text_idiomatic() -> None:
    # The easy step first: no recovery label (a block), the same ride.
    rows = []
    for i in range(3):
        rows += [f"{2 * i} 100", f"{2 * i + 1} 100", f"{2 * i + 1} 300", f"{2 * i + 2} 300"]
    workout, _ = read(data(*rows))
    assert workout is not None
    (repeat,) = workout.steps
    assert isinstance(repeat, Repeat) and [s.intensity for s in repeat.steps if isinstance(s, Step)] == [
        "active",
        "active",
    ]
    # A lone ramp is the workout, not its warmup.
    ramp, _ = read(data("0 100", "10 400"))
    assert text_of(ramp) == "ftp: 200\n\n10m ramp 100W-400W\n"


# -- CLI --------------------------------------------------------------------------------------


def test_cli_import_writes_next_to_the_file(tmp_path: Path) -> None:
    src = tmp_path / "w.erg"
    src.write_bytes(nmdsl.compile('name: W\nftp: 250\n6x 30s @150% "Go" / 30s @50%\n', "erg"))
    result = CliRunner().invoke(main, ["import", str(src)])
    assert result.exit_code == 0 and result.stderr == ""
    written = (tmp_path / "w.nm").read_text(encoding="utf-8")
    assert written == 'name: W\nftp: 250\n\n6x 30s @375W "Go" / 30s @125W\n'


def test_cli_import_several_into_a_folder(tmp_path: Path) -> None:
    a, b = tmp_path / "a.erg", tmp_path / "b.mrc"
    a.write_text(data("0 100", "1 100"), encoding="utf-8")
    b.write_text(data("0 50", "1 50", head=MRC_HEAD), encoding="utf-8")
    bad = tmp_path / "c.erg"
    bad.write_text("nothing here\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(a), str(b), str(bad), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "imported 2 files, 1 failed" in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.nm", "b.nm"]


# -- Golden Cheetah's test files ---------------------------------------------------------------


def corpus_files() -> list[Path]:
    folder = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "goldencheetah"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".erg", ".mrc"))


CORPUS = corpus_files()

#: The warnings each corpus file gives, checked by hand against the file:
#: RampTest.erg's three "LAP" rows (W521).
CORPUS_WARNINGS = {
    "RampTest.erg": ["W521", "W521", "W521"],
}

#: Files whose points differ, and why.  ERG_03_75%.mrc starts "0 0" then
#: "0 47": a zero-length point at 0% that rides for no time; the import
#: drops it, so the file comes back one point shorter (the same ride).
CORPUS_DIFFERENT: set[str] = {"ERG_03_75%.mrc"}


def reference_points(text: str) -> tuple[list[tuple[float, float]], float | None, bool]:
    """(seconds, value) points, the FTP and whether values are percent: a reader of a few lines."""
    points, ftp, percent, section = [], None, False, ""
    for line in re.split(r"\r\n|\r|\n", text):
        if m := re.search(r"\[(END )?COURSE (\w+)\]", line, re.IGNORECASE):
            section = "" if m.group(1) else m.group(2).upper()
        elif m := re.fullmatch(r"\s*FTP\s*=\s*(\d+)\s*", line, re.IGNORECASE):
            ftp = float(m.group(1))
        elif re.match(r"\s*MINUTES\s+PERCENT", line, re.IGNORECASE):
            percent = True
        elif section == "DATA" and (m := re.fullmatch(r"\s*([\d.]+)\s+([\d.]+)\s*", line)):
            points.append((float(m.group(1)) * 60, float(m.group(2))))
    return points, ftp, percent


def file_power(
    points: list[tuple[float, float]], times: list[float], whole: list[bool], k: int
) -> tuple[float, float, float | None]:
    """The lowest and highest power the file draws in [k, k + 1] seconds, and the
    exact power at k + 0.5 when the segment there starts and ends on whole seconds."""

    def at(x: float) -> list[tuple[float, int]]:
        # (value, segment) of every segment of positive length that contains x
        found = []
        i = max(bisect.bisect_right(times, x) - 1, 0)
        for j in range(max(i - 1, 0), min(i + 2, len(points) - 1)):
            (t0, v0), (t1, v1) = points[j], points[j + 1]
            if t0 <= x <= t1 and t1 > t0:
                found.append((v0 + (v1 - v0) * (x - t0) / (t1 - t0), j))
        return found

    values = [v for _, v in points[bisect.bisect_left(times, k) : bisect.bisect_right(times, k + 1)]]
    values += [v for v, _ in at(k) + at(k + 1)]
    middle = at(k + 0.5)
    exact = None
    if len(middle) == 1 and whole[middle[0][1]] and whole[middle[0][1] + 1]:
        exact = middle[0][0]
    return min(values), max(values), exact


def test_corpus_is_there_or_skipped() -> None:
    if not CORPUS:
        pytest.skip("../shared/corpus/goldencheetah is absent")
    assert len(CORPUS) == 45


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_file_imports_and_compiles_back_to_the_same_ride(path: Path) -> None:
    """Issue 13's acceptance: imported, then compiled to its own format, the file
    rides the same by Golden Cheetah's rules: the same values in the file's
    own unit, every point within 1 ms."""
    from tests import gc_rules

    result = nmdsl.load(path)
    assert result.workout is not None, [d.short() for d in result.diagnostics]
    workout = result.workout
    assert [d.code for d in result.diagnostics] == CORPUS_WARNINGS.get(path.name, [])
    fmt = path.suffix.lstrip(".").lower()
    source = gc_rules.read(path.read_bytes(), fmt)
    # An ERG's FTP stays in the header, and its values in watts.
    assert (workout.meta.ftp_w is not None) == (source.ftp > 0)
    # The text reads back as the same session.
    assert nmdsl.parse(nmdsl.write(workout)) == nmdsl.parse(nmdsl.write(nmdsl.parse(nmdsl.write(workout))))
    out = nmdsl.emit(workout, fmt)
    assert out.diagnostics == []
    again = gc_rules.read(out.data, fmt)
    # (An MRC's FTP line is not written back: its percentages need none.)
    assert again.unit == source.unit and (again.ftp == source.ftp or fmt == "mrc")
    problems = gc_rules.compare(source, again, ms=1, value=0, cues=False)
    if path.name in CORPUS_DIFFERENT:
        assert problems, f"{path.name} now rides the same: take it out of CORPUS_DIFFERENT"
        return
    assert problems == []


def test_corpus_file_with_cues() -> None:
    path = next((p for p in CORPUS if p.name == "TRwithTextCues.mrc"), None)
    if path is None:
        pytest.skip("../shared/corpus/goldencheetah is absent")
    workout = nmdsl.read(path)
    from .test_erg import cue_times

    # 600 s and 615 s: in the 150% step from 9.07 min (544 s) and the 50% from 10.10 (606 s).
    assert cue_times(workout) == [
        (600, "This is a new message"),
        (615, "This message will show up at 10:15 into the workout"),
    ]
    assert gc_read(nmdsl.compile(workout, "mrc")).texts == [
        (600000.0, "This is a new message", 10),
        (615000.0, "This message will show up at 10:15 into the workout", 10),
    ]
