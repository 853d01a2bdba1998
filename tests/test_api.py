"""The library's public face: ``import nmdsl``, typing, the model's schema."""

from __future__ import annotations

import dataclasses
import importlib.resources
import json
import subprocess
import sys
import tomllib

import pydantic
import pytest

import nmdsl
from nmdsl import model

from .conftest import PATHS

FUNCTIONS = ("parse", "check", "compile", "check_file", "parse_file")
MODEL_CLASSES = (
    "Workout",
    "Metadata",
    "Step",
    "Repeat",
    "Cue",
    "Pace",
    "PercentTarget",
    "WattsTarget",
    "ZoneTarget",
    "RampTarget",
    "MaxTarget",
    "FreeTarget",
    "PaceTarget",
    "PeakPercentTarget",
    "CadenceTarget",
    "HeartRateTarget",
    "HeaderSpan",
)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functions_exported(name: str) -> None:
    assert callable(getattr(nmdsl, name))
    assert name in nmdsl.__all__


@pytest.mark.parametrize("name", MODEL_CLASSES)
def test_model_classes_exported(name: str) -> None:
    cls = getattr(nmdsl, name)
    assert cls is getattr(model, name)
    assert dataclasses.is_dataclass(cls) and issubclass(cls, model.Node)
    assert name in nmdsl.__all__


def test_error_type_exported() -> None:
    assert issubclass(nmdsl.NmdslError, Exception)
    assert "NmdslError" in nmdsl.__all__


def test_version() -> None:
    assert isinstance(nmdsl.__version__, str) and nmdsl.__version__[0].isdigit()


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError):
        nmdsl.no_such_thing  # noqa: B018


def test_every_name_in_all_resolves() -> None:
    import types

    for name in nmdsl.__all__:
        assert getattr(nmdsl, name) is not None, name
    assert set(nmdsl.__all__) <= set(dir(nmdsl))
    nmdsl.parse("10m @60%")  # imports the submodules, which become package attributes
    modules = [n for n in nmdsl.__all__ if isinstance(getattr(nmdsl, n), types.ModuleType)]
    assert modules == [], f"these exported names are shadowed by submodules: {modules}"


def test_import_nmdsl_is_light() -> None:
    code = (
        "import sys, nmdsl; print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', "
        "'pydantic', 'click')))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"


def test_py_typed_is_shipped() -> None:
    assert importlib.resources.files("nmdsl").joinpath("py.typed").is_file()


def test_grammar_is_shipped_inside_the_wheel() -> None:
    conf = tomllib.loads((PATHS.root / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = conf["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"]["grammar/nmdsl.lark"] == "nmdsl/grammar/nmdsl.lark"
    # The LALR tables are a module of the package (src/nmdsl/language/_tables.py): shipped with it.
    assert "_tables" not in json.dumps(wheel.get("exclude", []))
    assert importlib.resources.files("nmdsl.language").joinpath("_tables.py").is_file()


def test_declared_dependencies() -> None:
    conf = tomllib.loads((PATHS.root / "pyproject.toml").read_text(encoding="utf-8"))
    deps = " ".join(conf["project"]["dependencies"])
    for name in ("lark", "click", "pydantic"):
        assert name in deps
    test_deps = " ".join(conf["project"]["optional-dependencies"]["test"])
    assert "pytest" in test_deps and "hypothesis" in test_deps
    assert conf["project"]["scripts"]["nmdsl"] == "nmdsl.cli:run"


# -- behaviour ------------------------------------------------------------------------------


def test_parse_returns_a_workout() -> None:
    w = nmdsl.parse("name: Demo\n10m @60%\n")
    assert isinstance(w, nmdsl.Workout)
    assert isinstance(w.steps[0], nmdsl.Step)


def test_check_returns_a_result_and_never_raises() -> None:
    r = nmdsl.check("5m @94-88%")
    assert isinstance(r, nmdsl.Result)
    assert not r.ok and r.workout is None
    assert all(isinstance(d, nmdsl.Diagnostic) for d in r.diagnostics)


def test_parse_raises_nmdsl_error_with_diagnostics() -> None:
    with pytest.raises(nmdsl.NmdslError) as info:
        nmdsl.parse("5m @94-88%")
    assert [d.code for d in info.value.diagnostics] == ["E204"]
    assert "E204" in str(info.value)


def test_compile_accepts_source_or_workout() -> None:
    src = "name: Demo\n10m @60%\n"
    assert nmdsl.compile(src, "json") == nmdsl.compile(nmdsl.parse(src), "json")
    assert nmdsl.compile(src.encode(), "json") == nmdsl.compile(src, "json")


def test_compile_bad_source_raises_nmdsl_error() -> None:
    with pytest.raises(nmdsl.NmdslError):
        nmdsl.compile("10m", "json")


def test_compile_ftp_only_when_the_workout_has_none() -> None:
    assert json.loads(nmdsl.compile("10m @60%", "json", ftp_w=250))["meta"]["ftp_w"] == 250
    assert json.loads(nmdsl.compile("ftp: 200\n10m @60%", "json", ftp_w=250))["meta"]["ftp_w"] == 200


def test_parse_file_and_check_file(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "s.nm"  # type: ignore[operator]
    path.write_text("name: F\n10m @60%\n", encoding="utf-8")
    assert nmdsl.parse_file(path).meta.name == "F"
    assert nmdsl.parse_file(str(path)).meta.name == "F"
    r = nmdsl.check_file(path)
    assert r.ok and r.file == str(path)
    with pytest.raises(nmdsl.NmdslError) as info:
        nmdsl.parse_file(tmp_path / "missing.nm")  # type: ignore[operator]
    assert [d.code for d in info.value.diagnostics] == ["E008"]


def test_models_are_frozen() -> None:
    w = nmdsl.parse("10m @60%")
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.meta.name = "changed"  # type: ignore[misc]
    assert hash(w) == hash(nmdsl.parse("10m @60%"))


def test_models_check_their_constraints_when_built() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        nmdsl.Repeat(count=0, steps=())
    with pytest.raises(ValueError, match="Z1 to Z7"):
        nmdsl.ZoneTarget(zone=8, low_pct=1, high_pct=2)
    with pytest.raises(ValueError, match="positive"):
        nmdsl.Pace(seconds=0)
    with pytest.raises(TypeError):
        nmdsl.Step(duration_s=60, color="red")  # type: ignore[call-arg]


def test_model_validate_checks_untrusted_data() -> None:
    """Data from outside (JSON, dicts) goes through pydantic: types, constraints, unknown keys."""
    good = {"steps": [{"kind": "repeat", "count": 2, "steps": [{"kind": "step", "duration_s": 30}]}]}
    w = nmdsl.Workout.model_validate(good)
    assert isinstance(w.steps[0], nmdsl.Repeat) and w.steps[0].steps == (nmdsl.Step(duration_s=30),)
    for bad in (
        {"steps": [{"kind": "repeat", "count": 0, "steps": []}]},
        {"steps": [{"kind": "step", "duration_s": "soon"}]},
        {"steps": [{"kind": "step", "target": {"kind": "zone", "zone": 8, "low_pct": 1, "high_pct": 2}}]},
        {"steps": [{"kind": "step", "target": {"kind": "volume", "db": 11}}]},
    ):
        with pytest.raises(pydantic.ValidationError):
            nmdsl.Workout.model_validate(bad)
    with pytest.raises(pydantic.ValidationError):
        nmdsl.Workout.model_validate_json(b'{"steps": [{"kind": "step", "duration_s": -'  b'}]}')


def test_model_copy_and_dump() -> None:
    w = nmdsl.parse("name: A\n10m @60%")
    b = w.model_copy(update={"meta": w.meta.model_copy(update={"name": "B"})})
    assert (w.meta.name, b.meta.name) == ("A", "B") and b.steps is w.steps
    data = w.model_dump(mode="json")
    assert data["steps"][0]["target"] == {
        "kind": "percent", "low_pct": 60.0, "high_pct": 60.0, "of": "ftp",
        "span": {"line": 2, "column": 5, "end_line": 2, "end_column": 9},
    }
    assert nmdsl.Workout.model_validate(data) == w
    assert model.as_data(w)["steps"][0]["target"] == data["steps"][0]["target"]


def test_model_built_by_hand_compiles() -> None:
    w = nmdsl.Workout(
        meta=nmdsl.Metadata(name="By hand", ftp_w=250),
        steps=(
            nmdsl.Repeat(
                count=2,
                steps=(
                    nmdsl.Step(duration_s=30, target=nmdsl.PercentTarget(low_pct=150, high_pct=150)),
                    nmdsl.Step(duration_s=30, intensity="recovery", target=nmdsl.FreeTarget()),
                ),
            ),
        ),
    )
    assert w.totals().duration_s == 120
    assert nmdsl.Workout.model_validate_json(nmdsl.compile(w, "json")) == w


def test_json_schema() -> None:
    schema = nmdsl.Workout.model_json_schema()
    assert schema["title"] == "Workout"
    assert {"meta", "steps"} <= set(schema["properties"])
    defs = schema["$defs"]
    for name in ("Step", "Repeat", "Metadata", "PercentTarget", "RampTarget", "PaceTarget", "Cue"):
        assert name in defs, name
    assert "duration_s" in defs["Step"]["properties"]
    assert json.loads(json.dumps(schema)) == schema


@pytest.mark.parametrize("cls", MODEL_CLASSES)
def test_every_model_class_has_a_schema(cls: str) -> None:
    schema = getattr(nmdsl, cls).model_json_schema()
    if "$ref" in schema:  # a recursive model (Repeat) is a reference into $defs
        schema = schema["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    assert schema["type"] == "object" and schema["properties"]
    assert set(schema["properties"]) == set(getattr(nmdsl, cls).field_names())


def test_units_in_field_names() -> None:
    step_fields = set(nmdsl.Step.field_names())
    assert {"duration_s", "distance_m"} <= step_fields
    assert "low_rpm" in nmdsl.CadenceTarget.field_names()
    assert "low_bpm" in nmdsl.HeartRateTarget.field_names()
    assert "ftp_w" in nmdsl.Metadata.field_names()


def test_every_node_carries_a_span() -> None:
    for name in ("Step", "Repeat", "Cue", "PercentTarget", "CadenceTarget", "HeartRateTarget"):
        assert "span" in getattr(nmdsl, name).field_names(), name


def test_timeline_and_totals() -> None:
    w = nmdsl.parse("10m @60%\n3x 30s @150% / 30s @50%\n")
    segs = w.timeline()
    assert [s.start_s for s in segs] == [0, 600, 630, 660, 690, 720, 750]
    assert [s.iteration for s in segs] == [(), (0,), (0,), (1,), (1,), (2,), (2,)]
    assert segs[-1].end_s == 780
    t = w.totals()
    assert isinstance(t, nmdsl.Totals)
    assert isinstance(segs[0], nmdsl.Segment)
    assert (t.duration_s, t.distance_m, t.exact) == (780, 0, True)
