"""``nmdsl preview FILE``: a live page of one session, served on 127.0.0.1.

A face over the library, like the CLI: it renders the page that ``nmdsl
site`` makes for a workout (chart, numbers, zones, neuromuscular summary,
downloads) and keeps it current while the file is edited.

- :mod:`nmdsl.preview.snapshot` turns the file, as it is now, into what the
  page shows (:class:`~nmdsl.preview.snapshot.Snapshot`): the last good
  workout's HTML and downloads, and the file's problems;
- :mod:`nmdsl.preview.server` serves it (the standard library's threading
  HTTP server), pushes every new snapshot to the page through server-sent
  events, and watches the file with watchfiles (the ``preview`` extra).

Nothing here imports click, prints or exits: the command in
``nmdsl.cli.preview`` does that.
"""
