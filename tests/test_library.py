"""``nmdsl check`` over a library: configuration, rules, library-wide checks, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from nmdsl.cli import main
from nmdsl.library import check_library

GOOD = "name: {name}\ntags: a, b\nwarmup 10m ramp 45%-70%\n6x 30s @150% / 30s @50%\ncooldown 5m @50%\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def codes(result: object) -> list[tuple[str, str]]:
    from nmdsl.library import LibraryResult

    assert isinstance(result, LibraryResult)
    return [(Path(f.file).name, d.code) for f in result.files for d in f.diagnostics]


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    write(tmp_path / "a.nm", GOOD.format(name="A"))
    write(tmp_path / "sub" / "b.nm", GOOD.format(name="B"))
    write(tmp_path / "sub" / "notes.txt", "not a workout")
    write(tmp_path / ".hidden" / "c.nm", "garbage\n")
    return tmp_path


def test_a_clean_library_checks_clean(lib: Path) -> None:
    result = check_library([str(lib)])
    assert [Path(f.file).name for f in result.files] == ["a.nm", "b.nm"]
    assert result.errors == result.warnings == 0


def test_one_broken_file_never_stops_the_others(lib: Path) -> None:
    write(lib / "broken.nm", "name: X\n5m @94-88%\n")
    write(lib / "z.nm", GOOD.format(name="Z") + "30sec @150%\n")
    result = check_library([str(lib)])
    # Sorted by path: sub/b.nm comes before z.nm.
    assert [Path(f.file).name for f in result.files] == ["a.nm", "broken.nm", "b.nm", "z.nm"]
    assert codes(result) == [("broken.nm", "E204"), ("z.nm", "E002")]
    r = run("check", str(lib))
    assert r.exit_code == 1
    assert "checked 4 files: 2 errors, 0 warnings in 2 files" in r.output


def test_config_targets_ftp_required_and_pattern(lib: Path) -> None:
    write(
        lib / "pyproject.toml",
        '[project]\nname = "team"\n\n[tool.nmdsl]\ntargets = ["erg"]\nrequired = ["name", "author"]\n'
        'file-name-pattern = "^[a-z]+$"\n',
    )
    write(lib / "Bad_Name.nm", "name: C\nauthor: me\n10m @60%\n")
    result = check_library([str(lib)])
    # ERG is named, so it must compile: %FTP without an FTP cannot.
    assert ("a.nm", "E450") in codes(result)
    assert ("a.nm", "E107") in codes(result)  # no author
    assert ("Bad_Name.nm", "W702") in codes(result)
    assert ("Bad_Name.nm", "E107") not in codes(result)
    write(lib / "pyproject.toml", '[tool.nmdsl]\ntargets = ["erg"]\nftp = 250\n')
    assert codes(check_library([str(lib)])) == []


def test_default_targets_skip_formats_that_cannot_carry_the_session(tmp_path: Path) -> None:
    # A %FTP session without FTP: ERG/MRC cannot carry it; that is not an error by default.
    write(tmp_path / "a.nm", "10m @60%\n")
    # A run: ERG/MRC are bike formats.
    write(tmp_path / "r.nm", "sport: run\n10m @5:00/km\n")
    assert codes(check_library([str(tmp_path)])) == []


def test_nmdsl_toml_and_excludes(lib: Path) -> None:
    write(lib / "nmdsl.toml", 'exclude = ["sub/**"]\nrequired = ["tags"]\n')
    write(lib / "sub" / "bad.nm", "garbage\n")
    result = check_library([str(lib)])
    assert [Path(f.file).name for f in result.files] == ["a.nm"]
    # A file named on the command line is checked even when excluded.
    assert codes(check_library([str(lib / "sub" / "bad.nm")])) == [("bad.nm", "E002")]


def test_invalid_configuration_is_reported(lib: Path) -> None:
    write(
        lib / "nmdsl.toml",
        'targets = ["zwo", "pdf"]\nftp = "fast"\ntagets = 1\n[rules]\nW999 = "off"\nE204 = "off"\n'
        'W101 = "loud"\n',
    )
    r = run("check", str(lib))
    assert r.exit_code == 1
    for fragment in (
        "unknown formats ['pdf']",
        "'ftp' must be a number",
        "unknown key 'tagets'",
        "did you mean 'targets'?",
        "'rules.W999' is not a diagnostic code",
        "'rules.E204' is an error",
        "'rules.W101' must be",
    ):
        assert fragment in r.output, fragment
    write(lib / "nmdsl.toml", "targets = [\n")
    r = run("check", str(lib))
    assert r.exit_code == 1 and "E011" in r.output and "not valid TOML" in r.output


def test_rule_severities(tmp_path: Path) -> None:
    src = "sport: run\n400m @5:00/km\n"  # W101
    write(tmp_path / "r.nm", src)
    assert codes(check_library([str(tmp_path)])) == [("r.nm", "W101")]
    write(tmp_path / "nmdsl.toml", '[rules]\nW101 = "off"\n')
    assert codes(check_library([str(tmp_path)])) == []
    write(tmp_path / "nmdsl.toml", '[rules]\nW101 = "error"\n')
    result = check_library([str(tmp_path)])
    assert result.errors == 1 and result.files[0].diagnostics[0].severity.value == "error"


def test_disable_comments(tmp_path: Path) -> None:
    f = write(tmp_path / "r.nm", "sport: run  # nmdsl: disable=W101\n400m @5:00/km\n")
    assert codes(check_library([str(f)])) == []
    f = write(
        tmp_path / "r.nm",
        '# nmdsl: disable=W101, W999, E204\nsport: run\n400m @5:00/km "# nmdsl: disable=X"\n',
    )
    result = check_library([str(f)])
    found = [
        (d.code, d.span.line if d.span else 0, d.span.column if d.span else 0, d.message)
        for d in result.files[0].diagnostics
    ]
    assert found == [
        ("W103", 1, 24, "'W999' is not a diagnostic code"),
        ("W103", 1, 30, "'E204' is an error: errors cannot be disabled"),
    ]


def test_duplicate_names_across_the_library(lib: Path) -> None:
    write(lib / "sub" / "copy.nm", GOOD.format(name="a"))  # names compare case-insensitively
    result = check_library([str(lib)])
    assert sorted(codes(result)) == [("a.nm", "W701"), ("copy.nm", "W701")]
    d = next(d for f in result.files for d in f.diagnostics if f.file.endswith("a.nm"))
    assert d.span is not None and d.span.line == 1 and "copy.nm" in d.message


def test_strict_makes_warnings_errors(tmp_path: Path) -> None:
    write(tmp_path / "r.nm", "sport: run\n400m @5:00/km\n")
    assert run("check", str(tmp_path)).exit_code == 0
    assert run("check", "--strict", str(tmp_path)).exit_code == 1


def _library_of(n: int, root: Path) -> None:
    for i in range(n):
        body = GOOD.format(name=f"W{i}") if i % 7 else f"name: Broken {i}\n5m @94-88%\n"
        write(root / f"d{i % 5}" / f"w{i:03}.nm", body)


def test_output_is_the_same_whatever_the_jobs(tmp_path: Path) -> None:
    _library_of(60, tmp_path)
    outputs = {
        jobs: run("check", "--format", "json", "--jobs", jobs, str(tmp_path)).output
        for jobs in ("1", "2", "3")
    }
    assert len(set(outputs.values())) == 1
    doc = json.loads(outputs["1"])
    assert doc["summary"] == {"files": 60, "errors": 9, "warnings": 0}
    assert [f["file"] for f in doc["files"]] == sorted(f["file"] for f in doc["files"])


def test_github_annotations(tmp_path: Path) -> None:
    write(tmp_path / "b.nm", "name: X\n5m @94-88%\n")
    r = run("check", "--format", "github", str(tmp_path))
    assert r.exit_code == 1
    first = r.output.splitlines()[0]
    assert first.startswith(
        f"::error file={tmp_path / 'b.nm'},line=2,col=4,endLine=2,endColumn=11,title=E204 "
    )
    # GitHub's workflow commands escape '%' in the message as %25 (it shows '%').
    assert first.endswith(
        "::range low 94%25 is above high 88%25 (hint: write the smaller number first: @88-94%25)"
    )


def test_github_escapes_newlines_and_percent() -> None:
    from nmdsl.diagnostics import diag
    from nmdsl.library import FileResult, LibraryResult
    from nmdsl.library.reports import github

    d = diag("E204", "50% a\nb", None, file="x,y:z.nm")
    out = github(LibraryResult([FileResult("x,y:z.nm", [d])]))
    assert out.splitlines()[0] == "::error file=x%2Cy%3Az.nm,title=E204 range low above high::50%25 a%0Ab"


def test_sarif(tmp_path: Path) -> None:
    write(tmp_path / "b.nm", "name: X\nsport: run\n5m @94-88%\n400m @5:00/km\n")
    r = run("check", "--format", "sarif", str(tmp_path))
    doc = json.loads(r.output)
    assert doc["version"] == "2.1.0"
    run0 = doc["runs"][0]
    assert run0["tool"]["driver"]["name"] == "nmdsl"
    assert [rule["id"] for rule in run0["tool"]["driver"]["rules"]] == ["E204", "W101"]
    levels = [
        (x["ruleId"], x["level"], x["locations"][0]["physicalLocation"]["region"]["startLine"])
        for x in run0["results"]
    ]
    assert levels == [("E204", "error", 3), ("W101", "warning", 4)]
    for x in run0["results"]:
        assert run0["tool"]["driver"]["rules"][x["ruleIndex"]]["id"] == x["ruleId"]


SHORT_RECOVERY = "name: Sprints\nwarmup 15m ramp 45%-75%\n6x 10s max / 30s @50%\ncooldown 10m @50%\n"


def test_lints_run_in_check_and_obey_rules_comments_and_settings(tmp_path: Path) -> None:
    f = write(tmp_path / "s.nm", SHORT_RECOVERY)
    assert codes(check_library([str(f)])) == [("s.nm", "W602")]
    write(tmp_path / "nmdsl.toml", '[rules]\nW602 = "error"\n')
    assert check_library([str(f)]).errors == 1
    write(tmp_path / "nmdsl.toml", "[lint]\nmin-all-out-recovery-s = 20\n")
    assert codes(check_library([str(f)])) == []
    (tmp_path / "nmdsl.toml").unlink()
    write(tmp_path / "s.nm", SHORT_RECOVERY.replace("name: Sprints", "name: Sprints  # nmdsl: disable=W602"))
    assert codes(check_library([str(f)])) == []
    write(tmp_path / "s.nm", SHORT_RECOVERY.replace("name: Sprints", "name: Sprints\ntags: repeated-sprint"))
    assert codes(check_library([str(f)])) == []


def test_unknown_lint_setting_is_a_configuration_error(tmp_path: Path) -> None:
    write(tmp_path / "s.nm", SHORT_RECOVERY)
    write(tmp_path / "nmdsl.toml", "[lint]\nmax-all-out = 3\n")
    r = run("check", str(tmp_path))
    assert r.exit_code == 1
    assert (
        "error[E011]: 'lint' has a problem: unknown lint setting 'max-all-out'; did you mean max-all-out-s?"
        in r.output
    )


def test_required_ftp_and_sport_mean_written_in_the_header(tmp_path: Path) -> None:
    """A configured or --ftp default does not satisfy 'required = ["ftp"]': the file must say it."""
    write(tmp_path / "nmdsl.toml", 'ftp = 250\nrequired = ["ftp", "sport"]\n')
    write(tmp_path / "bare.nm", "name: Bare\n10m @60%\n")
    write(tmp_path / "full.nm", "name: Full\nsport: bike\nftp: 260\n10m @60%\n")
    result = check_library([str(tmp_path)], ftp_w=270)
    missing = sorted(
        (Path(r.file).name, d.message) for r in result.files for d in r.diagnostics if d.code == "E107"
    )
    assert missing == [
        ("bare.nm", "the header has no 'ftp:', which this library requires"),
        ("bare.nm", "the header has no 'sport:', which this library requires"),
    ]
