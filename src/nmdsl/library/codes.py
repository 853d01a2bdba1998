"""The library's diagnostic codes, and the catalogue of every code.

Each layer registers its own codes with :func:`nmdsl.diagnostics.register`
when it is imported: the language's in :mod:`nmdsl.diagnostics`, each
format's in its modules, the lints' in :mod:`nmdsl.analysis.lint`.  The
catalogue sits here, above all of them, so that asking for every code
(a disable comment's, a configuration's ``rules``) imports downwards only.
"""

from __future__ import annotations

from nmdsl.diagnostics import CODES, Code, Severity, register

register(
    Code("E011", Severity.ERROR, "invalid configuration"),
    Code("W103", Severity.WARNING, "unknown code in a disable comment"),
    Code("E107", Severity.ERROR, "required header key missing"),
    Code("W701", Severity.WARNING, "two files with the same workout name"),
    Code("W702", Severity.WARNING, "file name does not match the configured pattern"),
    Code("E012", Severity.ERROR, "cannot write an output file"),
)


def all_codes() -> dict[str, Code]:
    """Every code, after importing every module that registers some."""
    import nmdsl.analysis.lint  # registers the lints' codes
    import nmdsl.formats

    nmdsl.formats.load_all()
    return dict(CODES)
