"""Issue 16, part 1: targets relative to peak power (``%pmax``) and top speed (``%vmax``).

The normative lines parse with their meaning; every format writes what the
target means in its own units (FIT decoded by Garmin's SDK); the errors come
with their place and a hint.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import nmdsl
from nmdsl.analysis.metrics import NeuromuscularStats, stats
from nmdsl.diagnostics import NmdslError
from nmdsl.formats.fit import codec as fc
from nmdsl.language.fmt import format_text
from nmdsl.model import Metadata, Pace, PeakPercentTarget, Step, Workout

from .test_fit import decode_both, execute

BIKE = "pmax: 1150W\n6x 8s @95%pmax / 3m @50%\n6x 10s @85-95%pmax / 3m free\n"
RUN = "sport: run\nvmax: 2:30/km\n6x 10s @95%vmax / 2m free\n"
ISSUE = "pmax: 1000W\nftp: 250\n8s @90%pmax\n"


def where(src: str) -> list[tuple[str, int, int]]:
    out = []
    for d in nmdsl.check(src).diagnostics:
        assert d.span is not None
        out.append((d.code, d.span.line, d.span.column))
    return out


# -- the normative lines ----------------------------------------------------------------------------


def test_the_bike_lines_mean_shares_of_pmax() -> None:
    w = nmdsl.parse(BIKE)
    assert w.meta.pmax_w == 1150.0
    first = w.steps[0].steps[0]  # type: ignore[union-attr]
    assert first.target == PeakPercentTarget(low_pct=95.0, high_pct=95.0, of="pmax", span=first.target.span)
    assert 1150 * first.target.low_pct / 100 == pytest.approx(1092.5)
    ranged = w.steps[1].steps[0].target  # type: ignore[union-attr]
    assert (ranged.low_pct, ranged.high_pct, ranged.of) == (85.0, 95.0, "pmax")
    assert nmdsl.parse("pmax: 1150\n8s @95%pmax\n").meta.pmax_w == 1150.0


def test_the_run_lines_mean_shares_of_vmax() -> None:
    w = nmdsl.parse(RUN)
    assert w.meta.vmax == Pace(seconds=150, per="km")
    t = w.steps[0].steps[0].target  # type: ignore[union-attr]
    assert (t.low_pct, t.high_pct, t.of) == (95.0, 95.0, "vmax")
    assert nmdsl.parse("sport: run\nvmax: 2:30/km\n6x 10s @90-95%vmax / 2m free\n").steps


def test_vmax_admits_elite_sprinters() -> None:
    # 12.5 m/s is 1:20/km: faster than the pace limit of targets (1:30/km), still allowed.
    assert nmdsl.parse("sport: run\nvmax: 1:20/km\n10s @95%vmax\n").meta.vmax.speed_mps == 12.5  # type: ignore[union-attr]
    assert where("sport: run\nvmax: 1:19/km\n10s @95%vmax\n")[0] == ("E106", 2, 7)


def test_a_distance_at_vmax_has_its_time() -> None:
    w = nmdsl.parse("sport: run\nvmax: 2:30/km\n60mtr @100%vmax\n")
    assert w.totals().duration_s == pytest.approx(9.0)  # 60 m at 6.67 m/s


@pytest.mark.parametrize("src", [BIKE, RUN, "pmax: 900W\n30s @80-90.5%pmax\n"])
def test_writer_fmt_and_json_keep_them(src: str) -> None:
    w = nmdsl.parse(src)
    again = nmdsl.parse(nmdsl.write(w))
    assert nmdsl.write(again) == nmdsl.write(w)
    assert "%pmax" in nmdsl.write(w) or "%vmax" in nmdsl.write(w)
    assert format_text(src).text == src.replace("\n6x", "\n\n6x", 1).replace("W\n30s", "W\n\n30s")
    back = Workout.model_validate_json(nmdsl.compile(w, "json"))
    assert nmdsl.write(back) == nmdsl.write(w)
    assert "peak_pct" in str(Workout.model_json_schema())


def test_fmt_spells_pmax_in_watts() -> None:
    assert format_text("pmax: 1150\n8s   @95.0%pmax\n").text == "pmax: 1150W\n\n8s @95%pmax\n"
    assert format_text("pmax: 1150W\n8s @90%-95%pmax\n").text == "pmax: 1150W\n\n8s @90-95%pmax\n"


# -- errors, with place and hint -------------------------------------------------------------------


def test_errors_at_the_target_and_the_header() -> None:
    assert where("6x 8s @95%pmax / 3m @50%\n") == [("E215", 1, 7)]
    hint = nmdsl.check("8s @95%pmax\n").diagnostics[0].hint
    assert hint is not None and "pmax: 1150W" in hint
    hint = nmdsl.check("sport: run\n10s @95%vmax\n").diagnostics[0].hint
    assert hint is not None and "vmax: 2:30/km" in hint
    assert where("sport: run\npmax: 1150W\n10s max\n") == [("E301", 2, 1)]
    assert where("vmax: 2:30/km\n10s max\n") == [("E301", 1, 1)]
    # the sport may come after the key
    assert where("vmax: 2:30/km\nsport: bike\n10s max\n") == [("E301", 1, 1)]
    assert where("pmax: 1150W\nsport: run\n10s max\n") == [("E301", 1, 1)]
    assert where("sport: run\nvmax: 2:30/km\n10s @95%pmax\n") == [("E301", 3, 5)]
    assert where("pmax: 1150W\n10s @95%vmax\n") == [("E301", 2, 5)]
    assert where("pmax: 1150W\n10s @130%pmax\n") == [("E208", 2, 5)]
    assert where("pmax: 1150W\n10s @0%pmax\n") == [("E208", 2, 5)]
    assert where("pmax: 1150W\n10s @95-90%pmax\n") == [("E204", 2, 5)]
    assert where("pmax: 4000W\n10s max\n") == [("E106", 1, 7)]
    assert where("pmax: lots\n10s max\n") == [("E106", 1, 7)]
    assert where("sport: run\nvmax: fast\n10s max\n") == [("E106", 2, 7)]


# -- every format in its own units ---------------------------------------------------------------


def _values(text: str) -> list[float]:
    data = text.split("[COURSE DATA]")[1].split("[END COURSE DATA]")[0]
    return [float(line.split()[1]) for line in data.strip().splitlines()]


def test_erg_writes_watts_and_mrc_percent_of_ftp() -> None:
    assert _values(nmdsl.compile(ISSUE, "erg").decode()) == [900.0, 900.0]
    assert _values(nmdsl.compile(ISSUE, "mrc").decode()) == [360.0, 360.0]
    # ERG needs no FTP for %pmax (watts); MRC does, as for watts (E450).
    assert _values(nmdsl.compile("pmax: 1000W\n8s @90%pmax\n", "erg").decode()) == [900.0, 900.0]
    with pytest.raises(NmdslError) as e:
        nmdsl.compile("pmax: 1000W\n8s @90%pmax\n", "mrc")
    assert [d.code for d in e.value.diagnostics] == ["E450"]
    # the middle of a range (W454)
    out = nmdsl.emit(nmdsl.parse("pmax: 1000W\n8s @80-90%pmax\n"), "erg")
    assert _values(out.data.decode()) == [850.0, 850.0] and "W454" in [d.code for d in out.diagnostics]


def test_zwo_writes_fractions_of_ftp_and_of_threshold_speed() -> None:
    assert 'Power="3.6"' in nmdsl.compile(ISSUE, "zwo").decode()
    ranged = nmdsl.compile("pmax: 1000W\nftp: 250\n8s @80-90%pmax\n", "zwo").decode()
    assert 'PowerLow="3.2"' in ranged and 'PowerHigh="3.6"' in ranged
    with pytest.raises(NmdslError) as e:
        nmdsl.compile("pmax: 1000W\n8s @90%pmax\n", "zwo")
    assert [(d.code, d.span.line) for d in e.value.diagnostics if d.span] == [("E401", 2)]
    run = nmdsl.compile("sport: run\nvmax: 2:30/km\nthreshold-pace: 4:00/km\n10s @95%vmax\n", "zwo").decode()
    # 95% of 6.667 m/s over 4.167 m/s
    assert re.search(r'Power="1\.52"', run)
    with pytest.raises(NmdslError) as e:
        nmdsl.compile("sport: run\nvmax: 2:30/km\n10s @95%vmax\n", "zwo")
    assert [d.code for d in e.value.diagnostics] == ["E402"]


def test_fit_writes_watts_and_speeds() -> None:
    steps = execute(decode_both(nmdsl.compile(ISSUE, "fit"))["workout_step"])
    assert len(steps) == 1
    s = steps[0]
    # fields 3, 5, 6: target_type, custom_target_value_low/high
    assert s[3] == fc.Target.POWER
    assert (s[5], s[6]) == (900 + fc.POWER_WATTS_OFFSET, 900 + fc.POWER_WATTS_OFFSET)
    out = nmdsl.emit(nmdsl.parse(BIKE), "fit")
    steps = execute(decode_both(out.data)["workout_step"])
    assert (steps[0][5], steps[0][6]) == (1093 + 1000, 1093 + 1000)  # 1092.5 W, rounded (W461)
    assert "W461" in [d.code for d in out.diagnostics]
    assert (steps[12][5], steps[12][6]) == (978 + 1000, 1093 + 1000)  # 977.5-1092.5 W
    run = execute(decode_both(nmdsl.compile(RUN, "fit"))["workout_step"])
    assert run[0][3] == fc.Target.SPEED
    assert (run[0][5], run[0][6]) == (6333, 6333)  # mm/s: 95% of 6.667 m/s


def test_formats_refuse_a_hand_built_share_without_the_header() -> None:
    target = PeakPercentTarget(low_pct=90, high_pct=90, of="pmax")
    w = Workout(meta=Metadata(ftp_w=250), steps=(Step(duration_s=8, target=target),))
    for fmt in ("erg", "mrc", "zwo", "fit"):
        with pytest.raises(NmdslError) as e:
            nmdsl.compile(w, fmt)
        assert "E215" in [d.code for d in e.value.diagnostics], fmt
    run = Workout(
        meta=Metadata(sport="run", threshold_pace=Pace(seconds=240)),
        steps=(Step(duration_s=8, target=PeakPercentTarget(low_pct=90, high_pct=90, of="vmax")),),
    )
    for fmt in ("zwo", "fit"):
        with pytest.raises(NmdslError) as e:
            nmdsl.compile(run, fmt)
        assert "E215" in [d.code for d in e.value.diagnostics], fmt
    vmax = PeakPercentTarget(low_pct=90, high_pct=90, of="vmax")
    vmax_on_erg = Workout(meta=Metadata(), steps=(Step(duration_s=8, target=vmax),))
    with pytest.raises(NmdslError) as e:
        nmdsl.compile(vmax_on_erg, "erg")
    assert [d.code for d in e.value.diagnostics] == ["E453"]


# -- stats -------------------------------------------------------------------------------------


def test_a_pmax_step_counts_by_its_watts() -> None:
    as_pmax = stats(nmdsl.parse("pmax: 1000W\nftp: 250\n10m @50%\n6x 30s @90%pmax / 3m @50%\n"))
    as_watts = stats(nmdsl.parse("ftp: 250\n10m @50%\n6x 30s @900W / 3m @50%\n"))
    assert as_pmax.normalized_power_w == pytest.approx(as_watts.normalized_power_w)
    assert as_pmax.tss == pytest.approx(as_watts.tss)
    assert as_pmax.neuromuscular.hard_s == pytest.approx(180.0)
    # without an FTP the watts are still known
    no_ftp = stats(nmdsl.parse("pmax: 1000W\n6x 30s @90%pmax / 3m @200W\n"))
    assert no_ftp.normalized_power_w is not None and no_ftp.normalized_power_w > 200


def test_lints_and_plot_take_them() -> None:
    from nmdsl.analysis.lint import lint
    from nmdsl.analysis.plot import render_svg

    w = nmdsl.parse("pmax: 1000W\nftp: 250\nwarmup 15m @60%\n6x 8s @90%pmax / 3m @50%\ncooldown 10m @50%\n")
    assert lint(w) == []
    assert b"<svg" in render_svg(w)


# -- the neuromuscular summary against the peak -----------------------------------------------


def _nm(src: str, **options: float) -> NeuromuscularStats:
    from nmdsl.analysis.metrics import StatsOptions

    return stats(nmdsl.parse(src), StatsOptions(**options)).neuromuscular


def test_near_peak_efforts_and_time_on_a_bike() -> None:
    nm = _nm(
        "ftp: 250\npmax: 1000\nwarmup 10m ramp 45%-70%\n"
        "6x 8s @95%pmax / 3m @50%\n"  # 6 efforts of 8 s
        "4x sprint 10s\n"  # max counts in full: 4 of 10 s
        "3x 10s @850W / 3m @50%\n"  # 85%: below the line
        "2x 12s @360-380% / 3m @50%\n"  # 900-950 W, its middle 92.5%: counts
        "20s ramp 200%-400%\n"  # 50% -> 100% of pmax: the last 20% of it, 4 s
    )
    assert (nm.peak_of, nm.peak_pct) == ("pmax", 90.0)
    assert nm.peak_efforts == 6 + 4 + 2 + 1
    assert nm.peak_s == pytest.approx(6 * 8 + 4 * 10 + 2 * 12 + 4)


def test_back_to_back_near_peak_steps_are_one_effort() -> None:
    nm = _nm("ftp: 250\npmax: 1000\n5s @100%pmax\n5s max\n3m @50%\n")
    assert (nm.peak_efforts, nm.peak_s) == (1, 10.0)


def test_near_peak_on_a_run() -> None:
    nm = _nm(
        "sport: run\nthreshold-pace: 4:10/km\nvmax: 2:30/km\n"
        "6x 10s @95%vmax / 2m free\n"
        "4x 10s @2:40/km / 2m free\n"  # 93.75% of vmax
        "4x 10s @150% / 2m free\n"  # 150% of 4.0 m/s = 6.0 m/s, 90% of 6.67 m/s
        "4x 10s @3:00/km / 2m free\n"  # 83%: below
    )
    assert nm.peak_of == "vmax"
    assert nm.peak_efforts == 14
    assert nm.peak_s == pytest.approx(140.0)


def test_near_peak_threshold_is_an_option_and_needs_the_peak() -> None:
    src = "ftp: 250\npmax: 1000\n6x 8s @85%pmax / 3m @50%\n"
    assert _nm(src).peak_efforts == 0
    assert _nm(src, peak_pct=80).peak_efforts == 6
    nm = _nm("ftp: 250\n6x 8s @380% / 3m @50%\n")
    assert (nm.peak_of, nm.peak_efforts, nm.peak_s) == (None, None, None)
    # %FTP needs an FTP to be a share of pmax; --ftp stands in for the header's.
    assert _nm("pmax: 1000\n6x 8s @380% / 3m @50%\n").peak_efforts == 0
    assert _nm("pmax: 1000\n6x 8s @380% / 3m @50%\n", ftp_w=250).peak_efforts == 6


def test_near_peak_in_the_reports() -> None:
    from nmdsl.analysis.metrics import csv_row, format_table, nm_summary

    st = stats(nmdsl.parse("ftp: 250\npmax: 1000\nwarmup 10m @50%\n6x 8s @95%pmax / 3m @50%\n"))
    assert "6 ≥90% pmax (0:48)" in nm_summary(st)
    assert re.search(r">= 90% pmax\s+6 efforts, 0:48", format_table(st))
    row = csv_row(st, "s.nm")
    assert (row["peak_of"], row["peak_efforts"], row["peak_s"]) == ("pmax", "6", "48.0")
    assert st.to_dict()["neuromuscular"]["peak_s"] == 48.0


def test_cli_peak_option_moves_the_near_peak_line(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from nmdsl.cli import main

    src = tmp_path / "s.nm"
    src.write_text("ftp: 250\npmax: 1000\nwarmup 10m @50%\n6x 8s @85%pmax / 3m @50%\n", encoding="utf-8")
    runner = CliRunner()
    by_default = json.loads(runner.invoke(main, ["stats", str(src), "--format", "json"]).stdout)
    lowered = json.loads(runner.invoke(main, ["stats", str(src), "--format", "json", "--peak", "80%"]).stdout)
    assert by_default[0]["neuromuscular"]["peak_efforts"] == 0
    assert lowered[0]["neuromuscular"]["peak_efforts"] == 6 and lowered[0]["neuromuscular"]["peak_pct"] == 80
    bad = runner.invoke(main, ["stats", str(src), "--peak", "lots"])
    assert bad.exit_code == 2 and "not a percentage" in bad.output
