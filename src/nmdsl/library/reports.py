"""Rendering ``check`` results: text for people, JSON, GitHub annotations, SARIF.

Each renderer takes the whole :class:`~nmdsl.library.LibraryResult` and
returns a string; output order is the result's order (sorted files, sorted
diagnostics), so it does not depend on ``--jobs``.
"""

from __future__ import annotations

from collections.abc import Callable

from nmdsl._version import __version__
from nmdsl.diagnostics import CODES, Diagnostic, render
from nmdsl.library import FileResult, LibraryResult


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(result: LibraryResult) -> str:
    """``checked N files: ...``; for ``compile`` ``compiled N files, M failed``, or "" for one file done."""
    if result.build is not None:
        failed = _failed(result)
        if not failed and len(result.files) == 1 and len(result.build.formats) == 1:
            return ""  # the single-file compile says nothing when all went well
        done = _plural(len(result.files) - failed, "file")
        return f"compiled {done}" + (f", {failed} failed" if failed else "")
    bad = sum(1 for f in result.files if not f.ok)
    return (
        f"checked {_plural(len(result.files), 'file')}: "
        f"{_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')}"
        + (f" in {_plural(bad, 'file')}" if bad else "")
    )


def _failed(result: LibraryResult) -> int:
    """Files ``compile`` wrote nothing for."""
    return sum(1 for f in result.files if not f.written)


def _lines(parts: list[str], result: LibraryResult) -> str:
    """The parts (never empty), then the summary line if there is one, each ended by a newline."""
    return "".join(f"{part}\n" for part in [*parts, summary_line(result)] if part)


def text(result: LibraryResult) -> str:
    """Caret diagnostics, then the summary line (the CLI prints this to stderr)."""
    parts = [render(d) for d in result.config_diagnostics]
    for f in result.files:
        parts.extend(render(d, f.source) for d in f.diagnostics)
    return _lines(parts, result)


def _dumps(payload: object) -> str:
    import json  # not for the text and github reports, which are what people wait for

    return json.dumps(payload, indent=2) + "\n"


def _diag_json(d: Diagnostic) -> dict[str, object]:
    return d.model_dump(mode="json")


def as_json(result: LibraryResult) -> str:
    """Every file with its diagnostics, then the totals; ``compile`` adds the files it wrote."""
    files: list[dict[str, object]] = []
    for f in result.files:
        diagnostics = [_diag_json(d) for d in f.diagnostics]
        entry: dict[str, object] = {"file": f.file, "ok": f.ok, "diagnostics": diagnostics}
        if result.build is not None:
            entry["outputs"] = f.written
        files.append(entry)
    summary: dict[str, object] = {"files": len(result.files), "errors": result.errors}
    summary["warnings"] = result.warnings
    if result.build is not None:
        summary["failed"] = _failed(result)
    config = [_diag_json(d) for d in result.config_diagnostics]
    return _dumps({"files": files, "config": config, "summary": summary})


def _escape_data(s: str) -> str:
    # GitHub's workflow-command escaping: message data and property values.
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(result: LibraryResult) -> str:
    """``::error file=...,line=...,col=...::message`` lines (GitHub Actions annotations)."""
    lines = []
    for d in [*result.config_diagnostics, *(d for f in result.files for d in f.diagnostics)]:
        props = [f"file={_escape_property(d.file)}"]
        if d.span is not None:
            props += [
                f"line={d.span.line}",
                f"col={d.span.column}",
                f"endLine={d.span.end_line}",
                f"endColumn={d.span.end_column}",
            ]
        props.append(
            f"title={_escape_property(f'{d.code} {CODES[d.code].title}' if d.code in CODES else d.code)}"
        )
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        kind = "error" if d.is_error else "warning"
        lines.append(f"::{kind} {','.join(props)}::{_escape_data(message)}")
    return _lines(lines, result)


def sarif(result: LibraryResult) -> str:
    """SARIF 2.1.0, for code-scanning dashboards."""
    diagnostics = [*result.config_diagnostics, *(d for f in result.files for d in f.diagnostics)]
    used = sorted({d.code for d in diagnostics})
    rules = [
        {
            "id": code,
            "name": CODES[code].title if code in CODES else code,
            "shortDescription": {"text": CODES[code].title if code in CODES else code},
            "defaultConfiguration": {"level": CODES[code].severity.value if code in CODES else "warning"},
        }
        for code in used
    ]
    index = {code: i for i, code in enumerate(used)}
    results = []
    for d in diagnostics:
        location: dict[str, object] = {"artifactLocation": {"uri": d.file.replace("\\", "/")}}
        if d.span is not None:
            location["region"] = {
                "startLine": d.span.line,
                "startColumn": d.span.column,
                "endLine": d.span.end_line,
                "endColumn": d.span.end_column,
            }
        entry: dict[str, object] = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error" if d.is_error else "warning",
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [{"physicalLocation": location}],
        }
        results.append(entry)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "nmdsl",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return _dumps(doc)


RENDERERS: dict[str, Callable[[LibraryResult], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}

__all__ = ["RENDERERS", "FileResult", "LibraryResult", "summary_line"]
