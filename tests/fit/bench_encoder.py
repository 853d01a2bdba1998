"""Benchmark (not a test): nmdsl's FIT encoder against garmin_fit_sdk.Encoder.

    python3 tests/fit/bench_encoder.py            # prints a markdown table

For each shipped example (and the FIT goldens) it times, per file:

* ``nmdsl emit``: the whole backend, model -> bytes (mapping included);
* ``nmdsl codec``: only the record writer, on the messages the backend made;
* ``SDK Encoder``: ``garmin_fit_sdk.Encoder`` writing the same messages (the
  same fields and values, as the dicts its ``write_mesg`` takes).

The three produce files of the same length; the SDK needs the message dicts,
so the comparison is codec to Encoder, and emit shows what the mapping adds.
Each figure is the median of ``REPEATS`` runs of ``LOOPS`` encodings.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from garmin_fit_sdk import Encoder, Profile  # type: ignore[import-untyped,unused-ignore]

import nmdsl
from nmdsl.diagnostics import Report
from nmdsl.formats.base import EmitOptions
from nmdsl.formats.fit import codec as fc
from nmdsl.formats.fit.write import FitBackend

ROOT = Path(__file__).resolve().parents[2]
REPEATS = 7
LOOPS = 50
_SDK_MESG = {
    fc.Mesg.FILE_ID: Profile["mesg_num"]["FILE_ID"],
    fc.Mesg.WORKOUT: Profile["mesg_num"]["WORKOUT"],
    fc.Mesg.WORKOUT_STEP: Profile["mesg_num"]["WORKOUT_STEP"],
}


def _per_file_us(fn: Callable[[], object]) -> float:
    runs = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        for _ in range(LOOPS):
            fn()
        runs.append((time.perf_counter() - began) / LOOPS * 1e6)
    return statistics.median(runs)


def _codec_messages(data: bytes) -> list[fc.Message]:
    """The messages of a file nmdsl wrote, rebuilt as codec input (same types, same sizes)."""
    types = {
        fc.Mesg.FILE_ID: {0: fc.ENUM, 1: fc.UINT16, 3: fc.UINT32Z, 4: fc.UINT32},
        fc.Mesg.WORKOUT: {4: fc.ENUM, 6: fc.UINT16, 8: fc.STRING, 11: fc.ENUM, 17: fc.STRING},
        fc.Mesg.WORKOUT_STEP: {
            254: fc.UINT16,
            0: fc.STRING,
            1: fc.ENUM,
            2: fc.UINT32,
            3: fc.ENUM,
            4: fc.UINT32,
            5: fc.UINT32,
            6: fc.UINT32,
            7: fc.ENUM,
            8: fc.STRING,
            19: fc.ENUM,
            20: fc.UINT32,
            21: fc.UINT32,
            22: fc.UINT32,
        },
    }
    out = []
    for m in fc.decode_file(data).messages:
        fields = tuple(fc.Field(n, types[m.number][n], v) for n, v in m.fields.items()
                       if isinstance(v, (int, str)))
        out.append(fc.Message(m.number, fields))
    return out


def _sdk_dicts(data: bytes) -> list[dict[str, object]]:
    return [{"mesg_num": _SDK_MESG[m.number], **m.named()} for m in fc.decode_file(data).messages]


def _sdk_encode(dicts: list[dict[str, object]]) -> bytes:
    encoder = Encoder()
    for d in dicts:
        encoder.write_mesg(d)
    data: bytes = encoder.close()
    return data


def main() -> None:
    sources = sorted((ROOT / "examples").glob("*.nm")) + sorted(
        (ROOT / "tests" / "fit" / "compile").glob("*.nm")
    )
    print(
        f"Python {platform.python_version()} on {platform.machine()}, garmin-fit-sdk "
        f"{Profile['version']['major']}.{Profile['version']['minor']}; median of {REPEATS} x {LOOPS} runs\n"
    )
    print("| file | steps | bytes | nmdsl emit (µs) | nmdsl codec (µs) | SDK Encoder (µs) | SDK / codec |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for path in sources:
        workout = nmdsl.parse_file(path)
        backend = FitBackend()
        data = backend.emit(workout, Report(), EmitOptions())
        messages = _codec_messages(data)
        dicts = _sdk_dicts(data)
        assert len(_sdk_encode(dicts)) == len(fc.encode_file(messages)) == len(data)
        # Default arguments bind this file's values (the lambdas run right here anyway).
        emit_us = _per_file_us(lambda b=backend, w=workout: b.emit(w, Report(), EmitOptions()))
        codec_us = _per_file_us(lambda m=messages: fc.encode_file(m))
        sdk_us = _per_file_us(lambda d=dicts: _sdk_encode(d))
        ratios.append(sdk_us / codec_us)
        steps = len(messages) - 2
        print(f"| {path.name} | {steps} | {len(data)} | {emit_us:.0f} | {codec_us:.0f} | {sdk_us:.0f} | "
              f"{sdk_us / codec_us:.1f}x |")
    print(f"\nSDK Encoder / nmdsl codec, median over files: {statistics.median(ratios):.1f}x")


if __name__ == "__main__":
    sys.exit(main())
