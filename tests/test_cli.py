"""The ``nmdsl`` command through click's runner (and ``python -m nmdsl``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import nmdsl
from nmdsl import cli
from nmdsl.cli import main

from .conftest import PATHS

GOOD = "name: Good\n10m @60%\n6x 30s @150% / 30s @50%\n"
GOOD_TOTAL_S = 600 + 6 * 60
BAD = "name: Bad\n5m @94-88%\n"
WARN = "sport: run\n400m @90%\n"  # valid, with a W101 warning
MIXED = "10m @250W\n10m @60%\n"  # needs an FTP


def run(*args: str, input: str | bytes | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), input=input)
    # Never a traceback: any exception is click's own SystemExit.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output
    return result


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def json_of(data: bytes | str) -> nmdsl.Workout:
    return nmdsl.Workout.model_validate_json(data)


# -- version, help, python -m ------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    r = run(flag)
    assert r.exit_code == 0
    assert nmdsl.__version__ in r.stdout
    assert "nmdsl" in r.stdout


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(flag: str) -> None:
    r = run(flag)
    assert r.exit_code == 0
    for command in ("check", "compile", "schema"):
        assert command in r.stdout


@pytest.mark.parametrize("command", ["check", "compile", "schema"])
def test_command_help(command: str) -> None:
    r = run(command, "--help")
    assert r.exit_code == 0
    assert "Usage:" in r.stdout


def test_python_dash_m_version() -> None:
    p = subprocess.run(
        [sys.executable, "-m", "nmdsl", "--version"], capture_output=True, text=True, timeout=60
    )
    assert p.returncode == 0, p.stderr
    assert nmdsl.__version__ in p.stdout


def test_python_dash_m_check(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.nm", BAD)
    p = subprocess.run(
        [sys.executable, "-m", "nmdsl", "check", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert p.returncode == 1
    assert f"{bad}:2:4: error[E204]" in p.stderr
    assert "Traceback" not in p.stderr


def test_console_script_leaves_with_the_commands_status_and_all_its_output(tmp_path: Path) -> None:
    """``run`` (the console script and ``python -m nmdsl``) ends with os._exit: nothing may be lost."""
    big = "name: Big\n" + "".join(f"{30 + i % 60}s @{50 + i % 50}%\n" for i in range(400))
    src = write(tmp_path / "big.nm", big)
    expected = CliRunner().invoke(main, ["compile", str(src), "-f", "json", "-o", "-"]).stdout_bytes
    p = subprocess.run([sys.executable, "-m", "nmdsl", "compile", str(src), "-f", "json", "-o", "-"],
                       capture_output=True, timeout=60)
    assert p.returncode == 0 and p.stdout == expected and len(expected) > 100_000
    # Through a pipe that reads slowly: still every byte.
    with subprocess.Popen([sys.executable, "-m", "nmdsl", "compile", str(src), "-f", "json", "-o", "-"],
                          stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        chunks = []
        while chunk := proc.stdout.read(4096):
            chunks.append(chunk)
    assert proc.returncode == 0 and b"".join(chunks) == expected
    # Files written, the status of errors and of usage errors kept.
    out = tmp_path / "out.zwo"
    p = subprocess.run([sys.executable, "-m", "nmdsl", "compile", str(src), "-f", "zwo", "-o", str(out)],
                       capture_output=True, timeout=60)
    assert p.returncode == 0 and out.read_bytes() == nmdsl.compile(big, "zwo")
    bad = write(tmp_path / "bad.nm", BAD)
    assert (
        subprocess.run([sys.executable, "-m", "nmdsl", "check", str(bad)], capture_output=True).returncode
        == 1
    )
    assert subprocess.run([sys.executable, "-m", "nmdsl", "nope"], capture_output=True).returncode == 2


def test_cli_import_is_light() -> None:
    code = (
        "import sys\n"
        "from nmdsl.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'pydantic'))\n"
        "print(heavy)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "[]"


def test_cli_formats_match_the_backends() -> None:
    from nmdsl import formats

    assert set(cli.FORMATS) == set(formats.names())


# -- check ----------------------------------------------------------------------------------


def test_check_good_file(tmp_path: Path) -> None:
    r = run("check", str(write(tmp_path / "a.nm", GOOD)))
    assert r.exit_code == 0
    assert "error" not in r.stderr.replace("0 errors", "")


def test_check_bad_file(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.nm", BAD)
    r = run("check", str(bad))
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert lines[0] == f"{bad}:2:4: error[E204]: range low 94% is above high 88%"
    assert lines[1] == "    2 | 5m @94-88%"
    assert lines[2] == "      |    ^^^^^^^"
    assert lines[3].startswith("  hint: ")
    assert r.stdout == ""


def test_check_folder_recurses_and_takes_only_nm(tmp_path: Path) -> None:
    write(tmp_path / "a.nm", GOOD)
    write(tmp_path / "sub" / "b.nm", GOOD)
    write(tmp_path / "sub" / "deeper" / "c.nm", GOOD)
    write(tmp_path / "sub" / "notes.txt", "this is not nmdsl")
    write(tmp_path / "sub" / "d.nm.bak", "nor is this")
    r = run("check", str(tmp_path))
    assert r.exit_code == 0, r.stderr
    assert "checked 3 files" in r.stderr


def test_check_folder_finds_errors_deep_down(tmp_path: Path) -> None:
    write(tmp_path / "a.nm", GOOD)
    bad = write(tmp_path / "x" / "y" / "bad.nm", BAD)
    r = run("check", str(tmp_path))
    assert r.exit_code == 1
    assert f"{bad}:2:4: error[E204]" in r.stderr
    assert "checked 2 files" in r.stderr


def test_check_files_and_folders_together(tmp_path: Path) -> None:
    one = write(tmp_path / "one.nm", GOOD)
    write(tmp_path / "dir" / "two.nm", GOOD)
    write(tmp_path / "dir" / "three.nm", BAD)
    r = run("check", str(one), str(tmp_path / "dir"))
    assert r.exit_code == 1
    assert "checked 3 files" in r.stderr
    assert "three.nm:2:4" in r.stderr


def test_check_reports_every_file(tmp_path: Path) -> None:
    a = write(tmp_path / "a.nm", BAD)
    b = write(tmp_path / "b.nm", "5m @Z9\n")
    r = run("check", str(a), str(b))
    assert r.exit_code == 1
    assert f"{a}:2:4: error[E204]" in r.stderr
    assert f"{b}:1:4: error[E205]" in r.stderr


def test_check_stdin() -> None:
    r = run("check", "-", input=BAD)
    assert r.exit_code == 1
    assert ":2:4: error[E204]" in r.stderr
    assert run("check", "-", input=GOOD).exit_code == 0


def test_check_warnings_exit_0_strict_exit_1(tmp_path: Path) -> None:
    f = write(tmp_path / "w.nm", WARN)
    r = run("check", str(f))
    assert r.exit_code == 0
    assert "W101" in r.stderr
    r = run("check", "--strict", str(f))
    assert r.exit_code == 1
    assert "W101" in r.stderr


def test_check_ftp_option(tmp_path: Path) -> None:
    f = write(tmp_path / "m.nm", MIXED)
    assert run("check", str(f)).exit_code == 1
    assert run("check", "--ftp", "250", str(f)).exit_code == 0


def test_check_format_json(tmp_path: Path) -> None:
    good = write(tmp_path / "good.nm", GOOD)
    bad = write(tmp_path / "bad.nm", BAD)
    r = run("check", "--format", "json", str(good), str(bad))
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    by_file = {f["file"]: f for f in report["files"]}
    assert set(by_file) == {str(good), str(bad)}
    assert by_file[str(good)]["ok"] is True and by_file[str(good)]["diagnostics"] == []
    assert by_file[str(bad)]["ok"] is False
    (d,) = by_file[str(bad)]["diagnostics"]
    assert d["code"] == "E204" and d["severity"] == "error"
    assert (d["span"]["line"], d["span"]["column"]) == (2, 4)
    assert report["summary"]["errors"] == 1 and report["summary"]["files"] == 2


def test_check_format_json_ok(tmp_path: Path) -> None:
    r = run("check", "--format", "json", str(write(tmp_path / "g.nm", GOOD)))
    assert r.exit_code == 0
    assert json.loads(r.stdout)["summary"]["errors"] == 0


@pytest.mark.parametrize(
    "args",
    [
        ["check"],  # no path
        ["check", "no/such/file.nm"],
        ["check", "--format", "yaml", "x.nm"],
        ["check", "--ftp", "lots", "x.nm"],
        ["check", "--no-such-option", "x.nm"],
        ["no-such-command"],
    ],
)
def test_check_usage_errors_exit_2(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "x.nm", GOOD)
    r = run(*args)
    assert r.exit_code == 2, r.output


def test_check_unreadable_file_is_a_diagnostic(tmp_path: Path) -> None:
    # A file that exists but cannot be decoded is the input's problem (1), not usage (2).
    f = tmp_path / "latin1.nm"
    f.write_bytes(b"name: caf\xe9\n10m @60%\n")
    r = run("check", str(f))
    assert r.exit_code == 1
    assert f"{f}:1:10: error[E006]" in r.stderr


# -- compile --------------------------------------------------------------------------------


def test_compile_writes_next_to_the_input(tmp_path: Path) -> None:
    src = write(tmp_path / "session.nm", GOOD)
    r = run("compile", str(src), "-f", "json")
    assert r.exit_code == 0, r.output
    out = tmp_path / "session.json"
    assert out.is_file()
    w = json_of(out.read_bytes())
    assert w == nmdsl.parse_file(src)
    assert w.totals().duration_s == GOOD_TOTAL_S
    assert r.stdout == ""


def test_compile_output_is_the_library_output(tmp_path: Path) -> None:
    src = write(tmp_path / "s.nm", GOOD)
    run("compile", str(src), "-f", "json")
    assert (tmp_path / "s.json").read_bytes() == nmdsl.compile(GOOD, "json")


def test_compile_o_file(tmp_path: Path) -> None:
    src = write(tmp_path / "in.nm", GOOD)
    dest = tmp_path / "elsewhere" / "named.json"
    dest.parent.mkdir()
    r = run("compile", str(src), "-f", "json", "-o", str(dest))
    assert r.exit_code == 0, r.output
    assert json_of(dest.read_bytes()).meta.name == "Good"
    assert not (tmp_path / "in.json").exists()


def test_compile_o_dir_for_several(tmp_path: Path) -> None:
    a = write(tmp_path / "a.nm", GOOD)
    b = write(tmp_path / "sub" / "b.nm", GOOD.replace("Good", "Bee"))
    out = tmp_path / "out"
    r = run("compile", str(a), str(b), "-f", "json", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json"]
    assert json_of((out / "b.json").read_bytes()).meta.name == "Bee"


def test_compile_o_existing_dir_for_one(tmp_path: Path) -> None:
    a = write(tmp_path / "a.nm", GOOD)
    out = tmp_path / "out"
    out.mkdir()
    r = run("compile", str(a), "-f", "json", "-o", str(out))
    assert r.exit_code == 0, r.output
    assert (out / "a.json").is_file()


def test_compile_o_file_for_several_is_a_usage_error(tmp_path: Path) -> None:
    a = write(tmp_path / "a.nm", GOOD)
    b = write(tmp_path / "b.nm", GOOD)
    existing = write(tmp_path / "one.json", "keep")
    r = run("compile", str(a), str(b), "-f", "json", "-o", str(existing))
    assert r.exit_code == 2
    assert existing.read_text() == "keep"


def test_compile_o_dash_writes_stdout(tmp_path: Path) -> None:
    src = write(tmp_path / "s.nm", GOOD)
    r = run("compile", str(src), "-f", "json", "-o", "-")
    assert r.exit_code == 0
    assert r.stdout_bytes == nmdsl.compile(GOOD, "json")
    assert not (tmp_path / "s.json").exists()


def test_compile_stdin_to_stdout() -> None:
    r = run("compile", "-", "-f", "json", input=GOOD.encode())
    assert r.exit_code == 0, r.output
    assert json_of(r.stdout_bytes) == nmdsl.parse(GOOD)


def test_compile_stdin_to_file(tmp_path: Path) -> None:
    dest = tmp_path / "from-stdin.json"
    r = run("compile", "-", "-f", "json", "-o", str(dest), input=GOOD)
    assert r.exit_code == 0, r.output
    assert json_of(dest.read_bytes()).meta.name == "Good"


def test_compile_warnings_go_to_stderr_not_stdout(tmp_path: Path) -> None:
    src = write(tmp_path / "w.nm", WARN)
    r = run("compile", str(src), "-f", "json", "-o", "-")
    assert r.exit_code == 0
    assert "W101" in r.stderr
    assert json_of(r.stdout_bytes).meta.sport == "run"


def test_compile_strict_fails_on_warnings_and_writes_nothing(tmp_path: Path) -> None:
    src = write(tmp_path / "w.nm", WARN)
    r = run("compile", str(src), "-f", "json", "--strict")
    assert r.exit_code == 1
    assert "W101" in r.stderr
    assert not (tmp_path / "w.json").exists()


def test_compile_ftp_supplies_ftp_when_the_file_has_none(tmp_path: Path) -> None:
    src = write(tmp_path / "m.nm", MIXED)
    assert run("compile", str(src), "-f", "json", "-o", "-").exit_code == 1
    r = run("compile", str(src), "-f", "json", "-o", "-", "--ftp", "250")
    assert r.exit_code == 0, r.output
    assert json_of(r.stdout_bytes).meta.ftp_w == 250


def test_compile_ftp_does_not_override_the_header(tmp_path: Path) -> None:
    src = write(tmp_path / "h.nm", "ftp: 200\n" + MIXED)
    r = run("compile", str(src), "-f", "json", "-o", "-", "--ftp", "250")
    assert r.exit_code == 0, r.output
    assert json_of(r.stdout_bytes).meta.ftp_w == 200


def test_failing_compile_leaves_no_output(tmp_path: Path) -> None:
    src = write(tmp_path / "bad.nm", BAD)
    dest = tmp_path / "out.json"
    r = run("compile", str(src), "-f", "json", "-o", str(dest))
    assert r.exit_code == 1
    assert ":2:4: error[E204]" in r.stderr
    assert not dest.exists()
    assert not (tmp_path / "bad.json").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.nm"]  # no temporary files either


def test_failing_compile_does_not_clobber(tmp_path: Path) -> None:
    src = write(tmp_path / "bad.nm", BAD)
    old = write(tmp_path / "bad.json", '{"old": true}')
    r = run("compile", str(src), "-f", "json")
    assert r.exit_code == 1
    assert old.read_text() == '{"old": true}'


def test_compile_several_goes_past_a_failing_one(tmp_path: Path) -> None:
    a = write(tmp_path / "a.nm", GOOD)
    bad = write(tmp_path / "bad.nm", BAD)
    c = write(tmp_path / "c.nm", GOOD)
    out = tmp_path / "out"
    r = run("compile", str(a), str(bad), str(c), "-f", "json", "-o", str(out))
    assert r.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "c.json"]
    assert f"{bad}:2:4: error[E204]" in r.stderr


def test_compile_several_next_to_inputs(tmp_path: Path) -> None:
    a = write(tmp_path / "a.nm", GOOD)
    bad = write(tmp_path / "bad.nm", BAD)
    c = write(tmp_path / "c" / "c.nm", GOOD)
    r = run("compile", str(a), str(bad), str(c), "-f", "json")
    assert r.exit_code == 1
    assert (tmp_path / "a.json").is_file() and (tmp_path / "c" / "c.json").is_file()
    assert not (tmp_path / "bad.json").exists()


def test_compile_refuses_two_inputs_writing_one_output(tmp_path: Path) -> None:
    a = write(tmp_path / "a" / "x.nm", GOOD)
    b = write(tmp_path / "b" / "x.nm", GOOD)
    out = tmp_path / "out"
    r = run("compile", str(a), str(b), "-f", "json", "-o", str(out))
    assert r.exit_code == 2
    assert not (out / "x.json").exists()


def test_compile_overwrites_a_previous_output(tmp_path: Path) -> None:
    src = write(tmp_path / "s.nm", GOOD)
    write(tmp_path / "s.json", "stale")
    assert run("compile", str(src), "-f", "json").exit_code == 0
    assert json_of((tmp_path / "s.json").read_bytes()).meta.name == "Good"


@pytest.mark.parametrize(
    "args",
    [
        ["compile", "x.nm"],  # missing -f
        ["compile", "x.nm", "-f"],
        ["compile", "x.nm", "-f", "docx"],
        ["compile", "missing.nm", "-f", "json"],
        ["compile", "-f", "json"],  # no input
        ["compile", ".", "-f", "json"],  # a folder needs -o FOLDER
        ["compile", "x.nm", "-f", "json", "--ftp", "0"],
    ],
)
def test_compile_usage_errors_exit_2(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "x.nm", GOOD)
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert not (tmp_path / "x.json").exists()


# -- schema ---------------------------------------------------------------------------------


def test_schema() -> None:
    r = run("schema")
    assert r.exit_code == 0
    schema = json.loads(r.stdout)
    assert schema["type"] == "object"
    assert {"meta", "steps"} <= set(schema["properties"])
    assert schema == nmdsl.Workout.model_json_schema()


def test_schema_describes_the_json_output(tmp_path: Path) -> None:
    """Light check without a validator: every top-level key of a compiled file is in the schema."""
    schema = json.loads(run("schema").stdout)
    data = json.loads(nmdsl.compile(GOOD, "json"))
    assert set(data) <= set(schema["properties"])
    assert set(data["meta"]) <= set(schema["$defs"]["Metadata"]["properties"])


def test_check_hostile_files_never_traceback(tmp_path: Path) -> None:
    from nmdsl.api import MAX_FILE_BYTES

    (tmp_path / "binary.nm").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "huge.nm").write_bytes(b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    write(tmp_path / "deep.nm", "".join(" " * i + "2x:\n" for i in range(40)) + " " * 40 + "1s @50%\n")
    write(tmp_path / "bomb.nm", "999999999x:\n  999999999x 1h @50% / 1h @40%\n")
    write(tmp_path / "quotes.nm", '"""\n"\n5m @50% "a\n')
    write(tmp_path / "empty.nm", "")
    r = run("check", str(tmp_path))
    assert r.exit_code == 1
    assert "checked 6 files" in r.stderr
    for name, code in [("binary", "E006"), ("huge", "E009"), ("deep", "E306"), ("bomb", "E305"),
                       ("quotes", "E007"), ("empty", "E010")]:
        assert re.search(rf"{name}\.nm(:\d+:\d+)?: error\[{code}\]", r.stderr), (name, code)


def test_output_to_dev_null_writes_into_it_and_never_replaces_it() -> None:
    import stat

    before = os.stat("/dev/null")
    r = run("compile", str(PATHS.examples / "attacks.nm"), "-f", "zwo", "-o", "/dev/null")
    assert r.exit_code == 0
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
