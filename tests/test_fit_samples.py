"""Garmin's four sample workouts: import, compile back to FIT, the same steps.

Each file of ``../shared/corpus/fit`` (the FIT SDK's WorkoutEncode output) is
imported, written as nmdsl text, checked, and compiled back to FIT.  Garmin's
own decoder (``garmin_fit_sdk``, with its sub-fields expanded: ``duration_hr``,
``target_hr_zone``, ``custom_target_power_low``...) reads both files, and
their ``workout_step`` messages are compared field by field.  What may differ
is documented in docs/format-fit.md ("Garmin's sample files"):

* a step name nmdsl did not write (``_A_``, ``B1_``) comes back as the step's
  notes: nmdsl's step names are its own labels;
* a repeat step has no name and no intensity in nmdsl's files (Garmin's
  samples give theirs ``Rep`` and active);
* ``WorkoutRepeatGreaterThanStep.fit`` repeats until the heart rate is above
  80% of max (repeat_until_hr_greater_than): ``until >80%maxhr:``, which comes
  back field for field too.

Skipped when ``../shared`` is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from garmin_fit_sdk import Decoder, Stream  # type: ignore[import-untyped,unused-ignore]

import nmdsl
from nmdsl.language.writer import write

from .conftest import PATHS
from .test_fit import decode_both

SAMPLES = ["WorkoutIndividualSteps.fit", "WorkoutCustomTargetValues.fit", "WorkoutRepeatSteps.fit",
           "WorkoutRepeatGreaterThanStep.fit"]
#: Fields of a repeat step that nmdsl does not write.
REPEAT_EXTRAS = ("wkt_step_name", "intensity")


def garmin_steps(data: bytes) -> list[dict[str, Any]]:
    """Garmin's decoder's view of the workout steps (names, sub-fields expanded)."""
    stream = Stream.from_byte_array(bytearray(data))
    decoder = Decoder(stream)
    assert decoder.is_fit() and decoder.check_integrity()
    stream.reset()
    messages, errors = decoder.read()
    assert errors == []
    steps: list[dict[str, Any]] = messages["workout_step_mesgs"]
    return steps


def round_trip(path: Path) -> tuple[bytes, str, list[str]]:
    """Import the file, write the text, check it, compile it back to FIT."""
    imported = nmdsl.load(path)
    assert imported.workout is not None
    text = write(imported.workout)
    checked = nmdsl.check(text)
    assert checked.ok, [d.short() for d in checked.diagnostics]
    assert checked.workout is not None
    out = nmdsl.emit(checked.workout, "fit")
    return out.data, text, sorted(d.code for d in imported.diagnostics)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_compiles_back_to_the_same_steps(name: str) -> None:
    path = PATHS.require_shared("corpus", "fit", name)
    original = garmin_steps(path.read_bytes())
    data, text, codes = round_trip(path)
    decode_both(data)  # fitdecode reads it too, and agrees with Garmin's decoder
    ours = garmin_steps(data)
    assert len(ours) == len(original), text
    conditional = name == "WorkoutRepeatGreaterThanStep.fit"
    # Its repeat until 80% of max HR is 'until >80%maxhr:', which needs a max-hr (W550).
    assert codes == (["W540", "W550"] if conditional else ["W540"] if "Repeat" in name
                     else ["W550"] if "Custom" in name else [])
    for i, (theirs, mine) in enumerate(zip(original, ours, strict=True)):
        theirs, mine = dict(theirs), dict(mine)
        if theirs["duration_type"].startswith("repeat_until"):
            for key in REPEAT_EXTRAS:
                theirs.pop(key, None)
        else:
            # A foreign step name comes back as the step's notes.
            name_line = theirs.pop("wkt_step_name")
            assert mine.pop("notes").split("\n") == [name_line]
        assert mine == theirs, f"step {i}"


def test_samples_use_every_new_construct() -> None:
    """The samples exercise what issue 15 added: say which, so a lost one shows."""
    seen: set[str] = set()
    for name in SAMPLES:
        path = PATHS.require_shared("corpus", "fit", name)
        _, text, _ = round_trip(path)
        for word in ("@Z2hr", "%maxhr", "until <125bpm", "500mtr @Z5", "@300-310W"):
            if word in text:
                seen.add(word)
    assert seen == {"@Z2hr", "%maxhr", "until <125bpm", "500mtr @Z5", "@300-310W"}
