"""The ``preview`` command: start the live page of one file, print its URL, serve until Ctrl-C.

``nmdsl.cli`` registers it with ``main.add_command``; this module imports
only click at import time, so other commands do not pay for the server,
jinja2 or watchfiles.
"""

from __future__ import annotations

import click

from nmdsl.cli.report import _assumption_options, _options


@click.command(name="preview")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 to serve on; 0 takes a free one.",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser; only print the URL.")
@_assumption_options
def preview_cmd(
    file: str,
    port: int,
    no_browser: bool,
    ftp_w: float | None,
    max_effort_pct: float | None,
    free_ride_pct: float | None,
    hard_pct: float | None,
    easy_pct: float | None,
    peak_pct: float | None,
) -> None:
    """Show FILE live in a browser: chart, numbers, zones, downloads.

    Serves a page on 127.0.0.1 that shows FILE as `nmdsl site` shows a
    workout and updates it within a second of every save, keeping the scroll
    position. While FILE has errors they are shown over the last good chart.
    The URL is the first line printed on stdout. Stop with Ctrl-C.
    """
    try:
        import watchfiles  # noqa: F401
    except ImportError:
        raise click.ClickException(
            "nmdsl preview needs watchfiles, in the preview extra: pip install 'nmdsl[preview]'"
        ) from None
    import sys

    from nmdsl.preview.server import PreviewError, PreviewServer
    from nmdsl.preview.snapshot import Preview

    options = _options(ftp_w, max_effort_pct, free_ride_pct, hard_pct, easy_pct, peak_pct)
    live = Preview(file, options)
    try:
        server = PreviewServer(live, port)
    except PreviewError as exc:
        raise click.UsageError(str(exc)) from None
    server.watch()
    click.echo(server.url)
    sys.stdout.flush()
    click.echo(f"nmdsl preview: showing {file} at {server.url} (Ctrl-C to stop)", err=True)
    if not no_browser:
        import threading

        threading.Thread(target=_open_browser, args=(server.url,), daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _open_browser(url: str) -> None:
    import webbrowser

    if not webbrowser.open(url):
        click.echo(f"nmdsl preview: no browser could be opened; open {url} yourself", err=True)
