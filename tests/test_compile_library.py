"""``nmdsl compile`` over a library: folders, several formats, --jobs, --report (issue 13, part 4)."""

from __future__ import annotations

import concurrent.futures
import json
import os
from pathlib import Path

import pytest

import nmdsl
from nmdsl import library
from nmdsl.cli import REPORTS
from nmdsl.formats.base import EmitOptions
from nmdsl.library.reports import RENDERERS

from .test_cli import run, write
from .test_performance_guards import _imported_after

BIKE = "name: {name}\nftp: 250\nwarmup 10m @55%\n6x 30s @150% / 30s @50%\ncooldown 5m @50%\n"
RUN = "name: {name}\nsport: run\nthreshold-pace: 4:00/km\nwarmup 10m @70%\n6x 20s @110% / 1m @60%\n"
BAD = "name: Bad\n5m @94-88%\n"
NO_FTP = "name: No FTP\n10m @60%\n"  # ZWO and FIT take it; ERG needs an FTP (E450)
WARN = "name: Warn\nsport: run\nthreshold-pace: 4:00/km\n400m @90%\n"  # W101


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (hidden ones too: temporary files must not be left) and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "workouts"
    write(root / "a.nm", BIKE.format(name="A"))
    write(root / "bike" / "b.nm", BIKE.format(name="B"))
    write(root / "bike" / "deep" / "c.d.nm", BIKE.format(name="C"))
    write(root / "run" / "r.nm", RUN.format(name="R"))
    write(root / "bike" / "notes.txt", "not a workout")
    write(root / ".drafts" / "x.nm", "garbage\n")
    return root


# -- the tree ---------------------------------------------------------------------------


def test_a_folder_is_written_as_a_tree_in_every_format(lib: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    r = run("compile", str(lib), "-f", "zwo", "-f", "fit", "-o", str(dist))
    assert r.exit_code == 0, r.output
    assert r.stderr == "compiled 4 files\n"
    names = ["a", "bike/b", "bike/deep/c.d", "run/r"]
    assert sorted(tree(dist)) == sorted(f"{n}.{s}" for n in names for s in ("zwo", "fit"))
    for name in names:
        source = (lib / f"{name}.nm").read_text(encoding="utf-8")
        for fmt in ("zwo", "fit"):
            assert (dist / f"{name}.{fmt}").read_bytes() == nmdsl.compile(source, fmt), (name, fmt)


def test_paths_are_relative_to_each_folder_given_a_file_goes_by_its_name(lib: Path, tmp_path: Path) -> None:
    other = tmp_path / "more"
    write(other / "m" / "n.nm", BIKE.format(name="N"))
    single = write(tmp_path / "elsewhere" / "deep" / "s.nm", BIKE.format(name="S"))
    dist = tmp_path / "dist"
    r = run("compile", str(lib / "bike"), str(other), str(single), "-f", "erg", "-o", str(dist))
    assert r.exit_code == 0, r.output
    assert sorted(tree(dist)) == ["b.erg", "deep/c.d.erg", "m/n.erg", "s.erg"]


def test_a_repeated_format_is_written_once(lib: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert run("compile", str(lib / "a.nm"), "-f", "fit", "-f", "fit", "-o", f"{dist}/").exit_code == 0
    assert sorted(tree(dist)) == ["a.fit"]


def test_several_formats_for_one_file_need_a_folder_and_get_one(lib: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    formats = ["-f", "zwo", "-f", "erg", "-f", "mrc", "-f", "json"]
    r = run("compile", str(lib / "a.nm"), *formats, "-o", str(dist))
    assert r.exit_code == 0, r.output
    assert sorted(tree(dist)) == ["a.erg", "a.json", "a.mrc", "a.zwo"]


def test_stdin_among_folders_is_named_stdin(lib: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    r = run("compile", "-", str(lib / "run"), "-f", "zwo", "-o", str(dist), input=BIKE.format(name="In"))
    assert r.exit_code == 0, r.output
    assert sorted(tree(dist)) == ["r.zwo", "stdin.zwo"]
    assert (dist / "stdin.zwo").read_bytes() == nmdsl.compile(BIKE.format(name="In"), "zwo")


def test_bike_only_formats_are_written_for_bike_sessions_only(lib: Path, tmp_path: Path) -> None:
    """As check's targets: ERG and MRC are not asked of a run, unless they are all that was asked for."""
    dist = tmp_path / "dist"
    r = run("compile", str(lib), "-f", "zwo", "-f", "erg", "-o", str(dist))
    assert r.exit_code == 0, r.output
    assert "run/r.zwo" in tree(dist) and "run/r.erg" not in tree(dist)
    assert "bike/b.erg" in tree(dist)
    r = run("compile", str(lib / "run"), "-f", "erg", "-o", str(tmp_path / "only-erg"))
    assert r.exit_code == 1
    assert "r.nm: error[E451]" in r.stderr and "compiled 0 files, 1 failed" in r.stderr
    assert not (tmp_path / "only-erg").exists()


# -- configuration --------------------------------------------------------------------------


def test_excludes_and_the_configured_ftp_apply(lib: Path, tmp_path: Path) -> None:
    write(lib / "nmdsl.toml", 'exclude = ["bike/deep/**", "run/**"]\nftp = 200\n')
    write(lib / "plain.nm", NO_FTP)
    dist = tmp_path / "dist"
    r = run("compile", str(lib), "-f", "erg", "-o", str(dist))
    assert r.exit_code == 0, r.output
    assert sorted(tree(dist)) == ["a.erg", "bike/b.erg", "plain.erg"]
    assert b"FTP = 200" in (dist / "plain.erg").read_bytes()
    # --ftp wins over the configuration; a file named itself is compiled even if excluded.
    r = run("compile", str(lib / "plain.nm"), str(lib / "bike" / "deep" / "c.d.nm"), "-f", "erg",
            "--ftp", "300", "-o", str(tmp_path / "named"))
    assert r.exit_code == 0, r.output
    assert b"FTP = 300" in (tmp_path / "named" / "plain.erg").read_bytes()
    assert (tmp_path / "named" / "c.d.erg").is_file()


def test_configured_targets_must_compile_too(lib: Path, tmp_path: Path) -> None:
    """As in check: a session the configured targets cannot carry is an error, and is not written."""
    write(lib / "nmdsl.toml", 'targets = ["zwo", "erg"]\n')
    write(lib / "plain.nm", NO_FTP)
    dist = tmp_path / "dist"
    r = run("compile", str(lib), "-f", "fit", "-o", str(dist))
    assert r.exit_code == 1
    assert "plain.nm:2:1: error[E450]" in r.stderr and "[erg]" in r.stderr
    assert "plain.fit" not in tree(dist) and "a.fit" in tree(dist)


def test_a_broken_configuration_writes_nothing_of_its_files(lib: Path, tmp_path: Path) -> None:
    write(lib / "nmdsl.toml", 'exclude = "bike"\n')  # not a list: the exclude is lost
    elsewhere = write(tmp_path / "free" / "f.nm", BIKE.format(name="F"))
    dist = tmp_path / "dist"
    r = run("compile", str(lib), str(elsewhere), "-f", "zwo", "-o", str(dist))
    assert r.exit_code == 1
    assert "error[E011]" in r.stderr and "compiled 1 file, 4 failed" in r.stderr
    assert sorted(tree(dist)) == ["f.zwo"]


# -- diagnostics and errors -------------------------------------------------------------------


def test_the_diagnostics_are_checks(lib: Path, tmp_path: Path) -> None:
    write(lib / "bad.nm", BAD)
    write(lib / "run" / "warn.nm", WARN)
    write(lib / "bike" / "dup.nm", BIKE.format(name="a"))  # W701 with a.nm
    write(lib / "sprint.nm", "name: Sprint\nftp: 250\n8x 40s max / 20s @40%\n")  # coaching lints
    checked = run("check", str(lib))
    compiled = run("compile", str(lib), "-f", "zwo", "-f", "fit", "-o", str(tmp_path / "dist"))
    assert checked.exit_code == compiled.exit_code == 1
    assert "W701" in checked.stderr and "W101" in checked.stderr and "W60" in checked.stderr
    assert compiled.stderr.splitlines()[:-1] == checked.stderr.splitlines()[:-1]
    assert compiled.stderr.splitlines()[-1] == "compiled 7 files, 1 failed"


def test_a_file_with_errors_is_not_written_and_the_others_are(lib: Path, tmp_path: Path) -> None:
    write(lib / "bike" / "bad.nm", BAD)
    dist = tmp_path / "dist"
    r = run("compile", str(lib), "-f", "zwo", "-f", "fit", "-o", str(dist))
    assert r.exit_code == 1
    assert f"{lib / 'bike' / 'bad.nm'}:2:4: error[E204]" in r.stderr
    assert r.stderr.endswith("compiled 4 files, 1 failed\n")
    assert not any(name.startswith("bike/bad") for name in tree(dist))
    assert len(tree(dist)) == 8


def test_nothing_partial_when_one_format_fails(lib: Path, tmp_path: Path) -> None:
    """ZWO could carry it, ERG cannot: neither is written."""
    write(lib / "plain.nm", NO_FTP)
    dist = tmp_path / "dist"
    r = run("compile", str(lib), "-f", "zwo", "-f", "erg", "-o", str(dist))
    assert r.exit_code == 1
    assert "plain.nm:2:1: error[E450]" in r.stderr and "[erg]" in r.stderr  # several formats: named
    assert not [n for n in tree(dist) if n.startswith("plain")]


def test_one_format_is_not_named_in_its_messages(lib: Path, tmp_path: Path) -> None:
    write(lib / "plain.nm", NO_FTP)
    r = run("compile", str(lib / "plain.nm"), "-f", "erg")
    assert r.exit_code == 1
    assert "error[E450]" in r.stderr and "[erg]" not in r.stderr


def test_an_earlier_output_of_a_file_that_now_fails_is_left_alone(lib: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    assert run("compile", str(lib), "-f", "zwo", "-f", "fit", "-o", str(dist)).exit_code == 0
    before = tree(dist)
    write(lib / "bike" / "b.nm", BAD)
    write(lib / "a.nm", BIKE.format(name="A, again"))
    r = run("compile", str(lib), "-f", "zwo", "-f", "fit", "-o", str(dist))
    assert r.exit_code == 1
    after = tree(dist)
    assert after["bike/b.zwo"] == before["bike/b.zwo"] and after["bike/b.fit"] == before["bike/b.fit"]
    assert after["a.zwo"] != before["a.zwo"]  # the good ones are brought up to date
    assert sorted(after) == sorted(before)


def test_an_output_that_cannot_be_written_is_e012_and_leaves_nothing(lib: Path, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    write(dist / "bike", "a file where a folder should be")
    (dist / "run" / "r.fit").mkdir(parents=True)  # a folder where r.fit should be
    r = run("compile", str(lib), "-f", "zwo", "-f", "fit", "-o", str(dist))
    assert r.exit_code == 1
    assert f"{lib / 'bike' / 'b.nm'}: error[E012]: cannot write {dist / 'bike' / 'b.zwo'}, " in r.stderr
    assert f"{dist / 'bike'}: Not a directory" in r.stderr
    assert f"{lib / 'run' / 'r.nm'}: error[E012]" in r.stderr
    assert f"{dist / 'run' / 'r.fit'}: Is a directory" in r.stderr
    assert r.stderr.endswith("compiled 1 file, 3 failed\n")
    # a.nm is written; r.nm's ZWO was not renamed into place, as its FIT could not be; no temporary files.
    assert sorted(tree(dist)) == ["a.fit", "a.zwo", "bike"]


def test_strict_makes_warnings_errors(lib: Path, tmp_path: Path) -> None:
    write(lib / "run" / "warn.nm", WARN)
    dist = tmp_path / "dist"
    assert run("compile", str(lib), "-f", "zwo", "-o", str(dist)).exit_code == 0
    assert (dist / "run" / "warn.zwo").is_file()
    strict = tmp_path / "strict"
    r = run("compile", str(lib), "-f", "zwo", "--strict", "-o", str(strict))
    assert r.exit_code == 1
    assert "warn.nm:4:1: error[W101]" in r.stderr
    assert not (strict / "run" / "warn.zwo").exists() and (strict / "run" / "r.zwo").is_file()


def test_strict_makes_a_duplicate_name_an_error_too(lib: Path, tmp_path: Path) -> None:
    write(lib / "bike" / "dup.nm", BIKE.format(name="a"))
    r = run("compile", str(lib), "-f", "zwo", "--strict", "-o", str(tmp_path / "dist"))
    assert r.exit_code == 1 and "error[W701]" in r.stderr
    assert sorted(tree(tmp_path / "dist")) == ["bike/b.zwo", "bike/deep/c.d.zwo", "run/r.zwo"]


def test_crlf_and_the_percentages_reach_the_tree(lib: Path, tmp_path: Path) -> None:
    write(lib / "max.nm", "name: Max\nftp: 250\n5m @50%\n10s max\n5m free\n")
    flags = ["-f", "erg", "-f", "mrc", "--crlf", "--max-effort", "300", "--free-ride", "40"]
    r = run("compile", str(lib / "max.nm"), str(lib / "bike"), *flags, "-o", str(tmp_path / "dist"))
    assert r.exit_code == 0, r.output
    options = EmitOptions(crlf=True, max_effort_pct=300, free_ride_pct=40)
    source = (lib / "max.nm").read_text(encoding="utf-8")
    for fmt in ("erg", "mrc"):
        data = (tmp_path / "dist" / f"max.{fmt}").read_bytes()
        assert b"\r\n" in data
        assert data == nmdsl.compile(source, fmt, options=options)


def test_hostile_files_in_a_folder_never_traceback(tmp_path: Path) -> None:
    from nmdsl.api import MAX_FILE_BYTES

    root = tmp_path / "lib"
    (root / "binary.nm").parent.mkdir()
    (root / "binary.nm").write_bytes(bytes(range(256)) * 4)
    (root / "huge.nm").write_bytes(b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    write(root / "bomb.nm", "999999999x:\n  999999999x 1h @50% / 1h @40%\n")
    write(root / "empty.nm", "")
    write(root / "ok.nm", BIKE.format(name="Ok"))
    r = run("compile", str(root), "-f", "zwo", "-f", "fit", "-o", str(tmp_path / "dist"))
    assert r.exit_code == 1
    assert "compiled 1 file, 4 failed" in r.stderr
    assert sorted(tree(tmp_path / "dist")) == ["ok.fit", "ok.zwo"]


# -- --jobs -----------------------------------------------------------------------------------


def test_the_same_bytes_whatever_the_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "lib"
    for i in range(40):
        body = BIKE.format(name=f"W{i}") if i % 9 else BAD
        write(root / f"d{i % 3}" / f"w{i:02}.nm", body)
    write(root / "d0" / "same.nm", BIKE.format(name="W1"))  # a library-wide W701 too
    monkeypatch.setattr(library, "usable_cpus", lambda: 2)
    pools: list[int] = []

    class Recording(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, max_workers: int) -> None:
            pools.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recording)
    outputs = {}
    for jobs in ("1", "2"):
        formats = ["-f", "zwo", "-f", "fit", "-f", "erg"]
        r = run("compile", str(root), *formats, "-j", jobs, "-o", str(tmp_path / jobs))
        assert r.exit_code == 1
        outputs[jobs] = (r.stderr, tree(tmp_path / jobs))
    assert pools == [1], "--jobs 2 did not use a worker"
    assert outputs["1"] == outputs["2"]
    assert "compiled 36 files, 5 failed" in outputs["1"][0] and "W701" in outputs["1"][0]
    assert len(outputs["1"][1]) == 36 * 3


# -- --report -------------------------------------------------------------------------------


def test_report_json_lists_what_was_written(lib: Path, tmp_path: Path) -> None:
    write(lib / "bad.nm", BAD)
    dist = tmp_path / "dist"
    r = run("compile", str(lib / "a.nm"), str(lib / "bad.nm"), "-f", "zwo", "-f", "fit", "--report", "json",
            "-o", str(dist))
    assert r.exit_code == 1 and r.stderr == ""
    doc = json.loads(r.stdout)
    assert doc["summary"] == {"files": 2, "errors": 1, "warnings": 0, "failed": 1}
    good, bad = doc["files"]
    assert good["ok"] and good["outputs"] == [str(dist / "a.zwo"), str(dist / "a.fit")]
    assert not bad["ok"] and bad["outputs"] == [] and bad["diagnostics"][0]["code"] == "E204"


def test_report_github_and_sarif(lib: Path, tmp_path: Path) -> None:
    write(lib / "bad.nm", BAD)
    r = run("compile", str(lib), "-f", "zwo", "--report", "github", "-o", str(tmp_path / "g"))
    assert r.exit_code == 1
    annotation = (
        f"::error file={lib / 'bad.nm'},line=2,col=4,endLine=2,endColumn=11,title=E204 range low above high"
        "::range low 94%25 is above high 88%25 (hint: write the smaller number first: @88-94%25)"
    )
    assert r.stdout.splitlines() == [annotation, "compiled 4 files, 1 failed"]
    r = run("compile", str(lib), "-f", "zwo", "--report", "sarif", "-o", str(tmp_path / "s"))
    assert r.exit_code == 1
    assert [x["ruleId"] for x in json.loads(r.stdout)["runs"][0]["results"]] == ["E204"]


def test_the_report_formats_are_checks() -> None:
    assert set(REPORTS) == set(RENDERERS)


# -- usage errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lib", "-f", "zwo"], "a folder input means several outputs: give -o FOLDER"),
        (["lib/a.nm", "-f", "zwo", "-f", "fit"], "several formats means several outputs"),
        (["lib", "-f", "zwo", "-o", "-"], "a folder input means several outputs"),
        (["lib/a.nm", "-f", "zwo", "-f", "fit", "-o", "-"], "several formats means several outputs"),
        (["lib", "-f", "zwo", "-o", "taken.txt"], "-o taken.txt is a file, but there are several outputs"),
        (["lib/a.nm", "-f", "zwo", "-f", "fit", "-o", "taken.txt"], "-o taken.txt is a file"),
        (["lib/a.nm", "-f", "zwo", "-o", "-", "--report", "json"], "-o - and --report json would both write"),
        (["lib", "lib2", "-f", "zwo", "-o", "out"], "lib/a.nm and lib2/a.nm would both be written to out/"),
        (["lib/a.nm", "lib2/sub/a.nm", "-f", "zwo", "-o", "out"], "would both be written to out/a.zwo"),
        (["lib", "-f", "zwo", "-j", "0", "-o", "out"], "Invalid value for '-j' / '--jobs'"),
        (["lib", "-f", "zwo", "--report", "xml", "-o", "out"], "Invalid value for '--report'"),
        (["-", "-", "-f", "zwo", "-o", "out"], "stdin ('-') can be read only once"),
    ],
)
def test_usage_errors_exit_2_and_write_nothing(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "lib" / "a.nm", BIKE.format(name="A"))
    write(tmp_path / "lib2" / "a.nm", BIKE.format(name="A2"))
    write(tmp_path / "lib2" / "sub" / "a.nm", BIKE.format(name="A3"))
    write(tmp_path / "taken.txt", "keep me")
    before = tree(tmp_path)
    r = run("compile", *args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert tree(tmp_path) == before


def test_exit_statuses(lib: Path, tmp_path: Path) -> None:
    write(lib / "run" / "warn.nm", WARN)
    assert run("compile", str(lib), "-f", "zwo", "-o", str(tmp_path / "ok")).exit_code == 0  # warnings: 0
    assert run("compile", str(lib), "-f", "zwo", "--strict", "-o", str(tmp_path / "strict")).exit_code == 1
    write(lib / "bad.nm", BAD)
    assert run("compile", str(lib), "-f", "zwo", "-o", str(tmp_path / "bad")).exit_code == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("compile", str(empty), "-f", "zwo", "-o", str(tmp_path / "none"))
    assert r.exit_code == 0 and r.stderr == "compiled 0 files\n"


# -- start-up --------------------------------------------------------------------------------


def test_compiling_a_folder_stays_light(lib: Path, tmp_path: Path) -> None:
    code = (
        "from click.testing import CliRunner\n"
        "from nmdsl.cli import main\n"
        f"r = CliRunner().invoke(main, ['compile', {str(lib)!r}, '-f', 'zwo', '-f', 'fit', '-f', 'erg',"
        f" '-o', {str(tmp_path / 'dist')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
    )
    assert not _imported_after(code) & {"pydantic", "pydantic_core", "lark", "lxml"}
    assert len(tree(tmp_path / "dist")) == 11
    assert sorted(os.listdir(tmp_path / "dist" / "run")) == ["r.fit", "r.zwo"]
