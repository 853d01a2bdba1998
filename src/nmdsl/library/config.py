"""Project configuration: ``[tool.nmdsl]`` in pyproject.toml, or nmdsl.toml.

Found by walking up from the checked path; the nearest file that has nmdsl
settings wins (an ``nmdsl.toml`` beside a ``pyproject.toml`` is preferred).
Every key is optional::

    [tool.nmdsl]
    targets = ["zwo", "erg", "mrc", "fit"]   # formats every session must compile to
    ftp = 250                                # for files whose header sets none
    required = ["name", "tags"]              # header keys every file must have
    exclude = ["drafts/**", "*.wip.nm"]      # globs, relative to the config's folder
    file-name-pattern = "^[a-z0-9-]+$"       # a regular expression for file stems

    [tool.nmdsl.rules]                       # severities: "off", "warning", "error"
    W601 = "error"
    W701 = "off"

    [tool.nmdsl.lint]                        # coaching-lint thresholds (docs/lints.md)
    max-all-out-s = 25

In ``nmdsl.toml`` the same keys sit at the top level (no ``[tool.nmdsl]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nmdsl.diagnostics import Report, Severity, Span
from nmdsl.library import codes as _codes  # noqa: F401  (registers E011)

RuleLevel = Literal["off", "warning", "error"]
LEVELS: tuple[RuleLevel, ...] = ("off", "warning", "error")
KEYS = ("targets", "ftp", "required", "exclude", "file-name-pattern", "rules", "lint")


@dataclass(frozen=True)
class Config:
    """The settings that apply to the files below ``root``."""

    #: The file the settings came from (None: defaults).
    path: Path | None = None
    #: Formats to compile to in ``check``; None means every format that can
    #: carry the session (ERG/MRC only for bike sessions).
    targets: tuple[str, ...] | None = None
    ftp_w: float | None = None
    required: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    file_name_pattern: str | None = None
    rules: dict[str, RuleLevel] = field(default_factory=dict)
    lint: dict[str, float] = field(default_factory=dict)

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path is not None else None


def find(start: Path) -> Path | None:
    """The nearest nmdsl.toml, or pyproject.toml with a [tool.nmdsl] table, upward."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "nmdsl.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_nmdsl_table(candidate):
            return candidate
    return None


def _has_nmdsl_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    # Cheap test before parsing every pyproject.toml on the way up.
    return "tool.nmdsl" in text


def load(path: Path, report: Report) -> Config:
    """Read and validate a configuration file; problems are E011 in ``report``."""
    import tomllib  # only where a configuration is found: 2 ms of start-up otherwise

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        report.add("E011", f"cannot read the configuration: {exc}")
        return Config(path=path)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        span = Span.point(int(m.group(1)), int(m.group(2))) if m else None
        report.add("E011", f"not valid TOML: {exc}", span)
        return Config(path=path)
    table = data.get("tool", {}).get("nmdsl", {}) if path.name == "pyproject.toml" else data
    return _validate(path, table, report)


def _validate(path: Path, table: dict[str, Any], report: Report) -> Config:
    def bad(key: str, why: str) -> None:
        report.add("E011", f"'{key}' {why}")

    fields: dict[str, Any] = {"path": path}
    for key in sorted(set(table) - set(KEYS)):
        import difflib

        close = difflib.get_close_matches(key, KEYS, n=1)
        report.add(
            "E011",
            f"unknown key '{key}'",
            None,
            f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(KEYS),
        )
    if "targets" in table:
        from nmdsl import formats

        targets = table["targets"]
        known = [n for n in formats.names() if n != "json"]
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            bad("targets", "must be a list of format names")
        elif unknown := [t for t in targets if t not in known]:
            bad("targets", f"has unknown formats {unknown}; known: {', '.join(known)}")
        else:
            fields["targets"] = tuple(targets)
    if "ftp" in table:
        ftp = table["ftp"]
        if isinstance(ftp, bool) or not isinstance(ftp, int | float) or not 1 <= ftp <= 1000:
            bad("ftp", "must be a number of watts between 1 and 1000")
        else:
            fields["ftp_w"] = float(ftp)
    for key, name in (("required", "required"), ("exclude", "exclude")):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                bad(key, "must be a list of strings")
            else:
                fields[name] = tuple(value)
    if "required" in fields:
        from nmdsl.language.lexer import HEADER_KEYS

        if unknown := [k for k in fields["required"] if k not in HEADER_KEYS]:
            bad("required", f"names unknown header keys {unknown}; known: {', '.join(HEADER_KEYS)}")
            del fields["required"]
    if "file-name-pattern" in table:
        pattern = table["file-name-pattern"]
        try:
            re.compile(pattern)
            fields["file_name_pattern"] = pattern
        except (re.error, TypeError) as exc:
            bad("file-name-pattern", f"is not a regular expression: {exc}")
    if "rules" in table:
        rules = table["rules"]
        if not isinstance(rules, dict):
            bad("rules", 'must be a table of CODE = "off" | "warning" | "error"')
        else:
            from nmdsl.library.codes import all_codes

            codes = all_codes()
            good: dict[str, RuleLevel] = {}
            for code, level in sorted(rules.items()):
                if code not in codes:
                    bad(f"rules.{code}", "is not a diagnostic code (see docs/diagnostics.md)")
                elif level not in LEVELS:
                    bad(f"rules.{code}", 'must be "off", "warning" or "error"')
                elif codes[code].severity is Severity.ERROR and level != "error":
                    bad(f"rules.{code}", "is an error: errors cannot be turned off or down")
                else:
                    good[code] = level
            fields["rules"] = good
    if "lint" in table:
        lint = table["lint"]
        if not isinstance(lint, dict):
            bad("lint", "must be a table of lint settings")
        else:
            from nmdsl.analysis.lint import LintSettings

            try:
                LintSettings.from_config(lint)
                fields["lint"] = dict(lint)
            except (ValueError, TypeError) as exc:
                bad("lint", f"has a problem: {exc} (see docs/lints.md)")
    return Config(**fields)
