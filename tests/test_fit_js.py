"""nmdsl's FIT files read by Garmin's JavaScript SDK (@garmin/fitsdk), as by its Python one.

Garmin ships its FIT SDK for several languages, and apps and web tools built
on the JavaScript one (Garmin Connect's own web pages among them) must read
nmdsl's files as devices do.  Every file here is decoded by both SDKs: the
JavaScript decoder must find it a FIT file, pass its integrity check, report
no error, and see the same workout steps, field by field, as the Python
decoder (the field names are camelCase in one and snake_case in the other;
enum values likewise).

``.ci/run`` installs the SDK with npm into ``.ci-node/``; elsewhere set
``NMDSL_FITSDK_JS`` to an installed ``node_modules/@garmin/fitsdk``.  Without
Node.js or the SDK the tests skip, saying why.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from garmin_fit_sdk import Decoder, Stream  # type: ignore[import-untyped,unused-ignore]

import nmdsl
from tests.conftest import PATHS

SCRIPT = PATHS.root / "tests" / "fit" / "js" / "decode.mjs"


def _sdk_dir() -> Path | None:
    named = os.environ.get("NMDSL_FITSDK_JS")
    candidates = [Path(named)] if named else []
    candidates.append(PATHS.root / ".ci-node" / "node_modules" / "@garmin" / "fitsdk")
    return next((p for p in candidates if (p / "src" / "index.js").is_file()), None)


def _decode_js(paths: list[Path]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    sdk = _sdk_dir()
    if node is None or sdk is None:
        pytest.skip("Node.js or @garmin/fitsdk is missing (.ci/run installs the SDK into .ci-node/)")
    r = subprocess.run(
        [node, str(SCRIPT), *map(str, paths)],
        env={**os.environ, "FITSDK_DIR": str(sdk)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def _key(name: str) -> str:
    """``durationType`` and ``duration_type`` alike."""
    return re.sub(r"_", "", name).lower()


def _value(v: Any) -> Any:
    if isinstance(v, str):
        return _key(v)  # hrLessThan, hr_less_than
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _python_steps(data: bytes) -> list[dict[str, Any]]:
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    messages, errors = decoder.read(expand_sub_fields=True, convert_types_to_strings=True)
    assert errors == []
    steps: list[dict[str, Any]] = messages["workout_step_mesgs"]
    return steps


def _normal(step: dict[str, Any]) -> dict[str, Any]:
    return {_key(k): _value(v) for k, v in step.items() if not isinstance(k, int)}


SESSIONS = {
    "v2.nm": """name: v2
ftp: 250
lthr: 165
max-hr: 190

warmup lap ~10m ramp 45%-70%
6x sprint 10s / rest until <130bpm ~3m
30m @Z2hr
10m @Z2 @Z2hr
5m @80%lthr
20m @65-75%maxhr
3x 2km ~3m @Z4 / 2m @50%
cooldown lap @Z1hr
""",
    "run.nm": """name: run
sport: run
threshold-pace: 4:30/km
max-hr: 190

warmup 2km @5:30-6:00/km
8x strides 20s
6x 400mtr @3:35/km / rest until <140bpm
4x 200mtr @3:20/km / rest until <65%maxhr ~90s
cooldown 1km ~6m @Z1hr
""",
}


def _files(tmp_path: Path) -> list[Path]:
    """Every FIT golden, every example compiled, and the language-v2 sessions compiled."""
    out = sorted((PATHS.root / "tests" / "fit" / "compile").glob("*.fit"))
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted((PATHS.root / "examples").glob("*.nm"))}
    sources.update(SESSIONS)
    for name, text in sources.items():
        result = nmdsl.check(text)
        assert result.workout is not None, [d.short() for d in result.errors]
        path = tmp_path / (Path(name).stem + ".fit")
        path.write_bytes(nmdsl.emit(result.workout, "fit", ftp_w=250).data)
        out.append(path)
    return out


def test_the_javascript_sdk_reads_every_file_as_the_python_one(tmp_path: Path) -> None:
    files = _files(tmp_path)
    decoded = _decode_js(files)
    assert len(decoded) == len(files) >= 10
    for path, js in zip(files, decoded, strict=True):
        assert js["isFIT"] and js["integrity"] and js["errors"] == [], path.name
        python = [_normal(s) for s in _python_steps(path.read_bytes())]
        javascript = [_normal(s) for s in js["steps"]]
        assert python and all("durationtype" in s for s in python), path.name
        assert javascript == python, path.name


def test_the_new_end_conditions_as_the_javascript_sdk_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "v2.fit"
    path.write_bytes(nmdsl.compile(nmdsl.parse(SESSIONS["v2.nm"]), "fit"))
    (js,) = _decode_js([path])
    types = [s["durationType"] for s in js["steps"]]
    assert "open" in types and "hrLessThan" in types and "distance" in types
    until = next(s for s in js["steps"] if s["durationType"] == "hrLessThan")
    assert until["durationHr"] == 230  # 130 bpm, written with FIT's +100 offset
    zone = next(s for s in js["steps"] if s.get("targetHrZone") == 2 and s["targetType"] == "heartRate")
    assert zone["durationTime"] == 1800
