"""``nmdsl lsp``: the language server, a face over the public library like the CLI.

- :mod:`nmdsl.lsp.document`: one open document checked as ``nmdsl check``
  checks it (configuration, rules, disable comments), with the positions of
  the Language Server Protocol (UTF-16 by default) and the times of its lines.
- :mod:`nmdsl.lsp.features`: hover, completion, inlay hints, symbols,
  folding, formatting and quick fixes, as pure functions of a document.
- :mod:`nmdsl.lsp.server`: the pygls server that wires them to a client
  over stdio (``pip install 'nmdsl[lsp]'``).

Only :mod:`nmdsl.lsp.server` and the CLI's ``lsp`` command start it; the
other commands never import pygls.
"""
