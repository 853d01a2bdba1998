"""``nmdsl lsp`` end to end: a real client (pytest-lsp) talking to the server over stdio.

One server runs for the whole module (``python -m nmdsl lsp``); each test
opens its own documents, in its own folder when it needs a configuration.
The expected values are written out in full: ranges in UTF-16 code units
(as VS Code counts them), labels, markdown, edits.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the lsp extra is not installed (pip install 'nmdsl[lsp]')")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (the test extra)")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from nmdsl.language.fmt import format_text  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "nmdsl", "lsp"]),
    scope="module",
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    params = types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    lsp_client.init_result = await lsp_client.initialize_session(params)  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "nmdsl", "lsp"]),
    scope="module",
)
async def client8(lsp_client: LanguageClient) -> AsyncIterator[None]:
    """A client that counts in UTF-8 (as Helix may), for the positions' sake."""
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
    )
    lsp_client.init_result = await lsp_client.initialize_session(  # type: ignore[attr-defined]
        types.InitializeParams(capabilities=capabilities)
    )
    yield
    await lsp_client.shutdown_session()


async def _published(client: LanguageClient, uri: str, before: object) -> list[types.Diagnostic]:
    """The diagnostics published for ``uri`` after ``before`` (what the client held for it until then)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while client.diagnostics.get(uri) is before:
        assert loop.time() < deadline, f"no diagnostics published for {uri}"
        # Another document's (or a configuration's) notification may come first: look again after each.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 0.5)
    return list(client.diagnostics[uri])


async def _until(
    client: LanguageClient, uri: str, done: Callable[[list[types.Diagnostic]], bool]
) -> list[types.Diagnostic]:
    """The diagnostics published for ``uri`` once they satisfy ``done``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while uri not in client.diagnostics or not done(list(client.diagnostics[uri])):
        assert loop.time() < deadline, f"never published for {uri}: {client.diagnostics.get(uri)}"
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 0.5)
    return list(client.diagnostics[uri])


async def _open(client: LanguageClient, path: Path, text: str) -> tuple[str, list[types.Diagnostic]]:
    uri = path.as_uri()
    before = client.diagnostics.get(uri)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="nmdsl", version=1, text=text)
        )
    )
    return uri, await _published(client, uri, before)


async def _change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def _apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply edits given in UTF-16 positions (the test's own arithmetic, not the server's)."""
    lines = text.split("\n")

    def offset(p: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: p.line])
        line = lines[p.line] if p.line < len(lines) else ""
        units = line.encode("utf-16-le")[: 2 * p.character].decode("utf-16-le")
        return before + len(units)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
        lines = text.split("\n")
    return text


def _pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def _rng(a: int, b: int, c: int, d: int) -> types.Range:
    return types.Range(start=_pos(a, b), end=_pos(c, d))


SESSION = """name: Demo
ftp: 250

warmup 10m ramp 45%-70%
6x 30s @150% 100-110rpm "Go 🚀" / 30s @50%
2x:
  5m @Z4
  rest 2m
6x sprint 10s
cooldown 5m @40%
"""


async def test_the_server_says_what_it_offers(client: LanguageClient) -> None:
    result = client.init_result  # type: ignore[attr-defined]
    caps = result.capabilities
    assert result.server_info.name == "nmdsl"
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Full
    assert (
        caps.hover_provider and caps.document_formatting_provider and caps.document_range_formatting_provider
    )
    assert caps.inlay_hint_provider and caps.document_symbol_provider and caps.folding_range_provider
    assert list(caps.code_action_provider.code_action_kinds) == [types.CodeActionKind.QuickFix]
    assert set(caps.completion_provider.trigger_characters) == {"@", " ", "/"}


async def test_diagnostics_on_open_count_utf16_and_clear_when_fixed(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = 'ftp: 250\n5m @60% "🚀" 30S\n'
    uri, found = await _open(client, tmp_path / "emoji.nm", text)
    assert [(d.code, d.severity, d.range, d.source) for d in found] == [
        ("E002", types.DiagnosticSeverity.Error, _rng(1, 13, 1, 16), "nmdsl")
    ]
    assert found[0].message == "unknown unit 'S' in '30S'\nhint: did you mean 30s? (units are case-sensitive)"
    before = client.diagnostics[uri]
    await _change(client, uri, 2, 'ftp: 250\n5m @60% "🚀"\n')
    assert await _published(client, uri, before) == []


async def test_a_line_separator_in_a_cue_moves_no_line(client: LanguageClient, tmp_path: Path) -> None:
    # U+2028 and a form feed are text to nmdsl and to the protocol, not line breaks.
    text = 'ftp: 250\n5m @60% "a\u2028b\x0c"\n30S @50%\n'
    uri, found = await _open(client, tmp_path / "separator.nm", text)
    assert [(d.code, d.range) for d in found] == [("E002", _rng(2, 0, 2, 3))]
    before = client.diagnostics[uri]
    await _change(client, uri, 2, text.replace("30S", "10m 30S"))
    assert [(d.code, d.range) for d in await _published(client, uri, before)] == [("E002", _rng(2, 4, 2, 7))]


async def test_several_quick_changes_are_checked_once_typing_pauses(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri, _ = await _open(client, tmp_path / "typing.nm", "10m @60%\n")
    before = client.diagnostics[uri]
    for version, text in enumerate(["10m @6", "10m @60", "10m @60%\n30sec @50%\n"], start=2):
        await _change(client, uri, version, text)
    found = await _published(client, uri, before)
    assert [(d.code, d.range) for d in found] == [("E002", _rng(1, 0, 1, 5))]


async def test_the_configuration_applies(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.nmdsl]\nftp = 250\nrequired = ["name"]\n\n[tool.nmdsl.rules]\nW601 = "error"\n',
        encoding="utf-8",
    )
    text = "# nmdsl: disable=W603\n10m @150W\n30s max\n10m @50%\n"
    _, found = await _open(client, tmp_path / "configured.nm", text)
    # No E304 (the configuration's ftp relates watts and %), W601 made an error,
    # W603 silenced by the comment, E107 for the required name.
    assert [(d.code, d.severity, d.range.start.line) for d in found] == [
        ("E107", types.DiagnosticSeverity.Error, 0),
        ("W601", types.DiagnosticSeverity.Error, 2),
    ]


async def test_a_broken_configuration_is_reported_on_its_own_file(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "nmdsl.toml").write_text("ftp = 5000\n", encoding="utf-8")
    config_uri = (tmp_path / "nmdsl.toml").resolve().as_uri()
    uri = (tmp_path / "s.nm").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="nmdsl", version=1, text="10m @60%\n")
        )
    )
    found = await _published(client, config_uri, None)
    assert [(d.code, d.message) for d in found] == [
        ("E011", "'ftp' must be a number of watts between 1 and 1000")
    ]


async def test_hover_on_a_step_of_a_repeat(client: LanguageClient, tmp_path: Path) -> None:
    uri, _ = await _open(client, tmp_path / "hover.nm", SESSION)
    got = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=_pos(4, 8))
    )
    assert got is not None and got.range == _rng(4, 3, 4, 31)
    assert got.contents.value == (
        "**30s**\n"
        "- 150% FTP = 375 W, zone 6 (anaerobic capacity)\n"
        "- cadence 100-110 rpm\n"
        "starts at 0:10:00 in the first repetition\n"
        "\n"
        "**6 ×**: 1:00 per repetition, 6:00 in all; starts at 0:10:00"
    )


async def test_hover_on_a_header_key_a_drill_and_a_code(client: LanguageClient, tmp_path: Path) -> None:
    text = "# nmdsl: disable=W602\nftp: 250\n6x sprint 10s\n"
    uri, _ = await _open(client, tmp_path / "hover2.nm", text)

    async def at(line: int, character: int) -> str:
        got = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=_pos(line, character)
            )
        )
        assert got is not None
        return str(got.contents.value)

    assert (await at(1, 1)).startswith("**ftp:** Functional threshold power in watts")
    assert await at(2, 5) == (
        "**sprint** (bike): all-out; 3m @50% after each\n\n"
        "- default target: `max`\n"
        "- default recovery after each repetition of `Nx sprint D`: `3:00 @50%`\n"
        "- a target written on the step replaces the default of its kind"
    )
    assert (await at(0, 19)).startswith("**W602** (warning): ")


async def test_completion_offers_what_fits_the_place(client: LanguageClient, tmp_path: Path) -> None:
    uri, _ = await _open(client, tmp_path / "complete.nm", "\n6x \n10m @\n10m @60% 9\n30")

    async def labels(line: int, character: int) -> list[str]:
        got = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=_pos(line, character)
            )
        )
        assert isinstance(got, types.CompletionList)
        return [i.label for i in got.items]

    first = await labels(0, 0)
    assert first[:11] == [
        "name",
        "author",
        "description",
        "sport",
        "tags",
        "ftp",
        "threshold-pace",
        "lthr",
        "max-hr",
        "pmax",
        "vmax",
    ]
    assert "sprint" in first and "warmup" in first
    assert await labels(1, 3) == [
        "warmup",
        "cooldown",
        "rest",
        "recovery",
        "sprint",
        "strides",
        "accel",
        "spinup",
        "standing-start",
        "torque",
    ]
    at = await labels(2, 5)
    assert at[:7] == ["@Z1", "@Z2", "@Z3", "@Z4", "@Z5", "@Z6", "@Z7"] and "@Z2hr" in at
    assert await labels(3, 10) == ["9rpm"]
    assert await labels(4, 2) == ["30s", "30m", "30h", "30mtr", "30km", "30mi", "30x"]


async def test_formatting_is_nmdsl_fmt(client: LanguageClient, tmp_path: Path) -> None:
    text = "name:   Messy\n\n\n10min   @60%\n3x:\n    1:00 @Z4\n    1m  @50%\n"
    uri, _ = await _open(client, tmp_path / "messy.nm", text)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    expected = format_text(text).text
    assert expected == "name: Messy\n\n10m @60%\n3x:\n  1m @Z4\n  1m @50%\n"
    assert edits and _apply(text, edits) == expected
    one = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=_rng(3, 0, 3, 5),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert one is not None
    assert _apply(text, one) == "name:   Messy\n\n\n10m @60%\n3x:\n    1:00 @Z4\n    1m  @50%\n"


async def test_quick_fixes_apply_the_hints(client: LanguageClient, tmp_path: Path) -> None:
    text = "10m @94-88%\n30sec @50%\n5m @250W\n"
    uri, found = await _open(client, tmp_path / "fixes.nm", text)
    assert [d.code for d in found] == ["E204", "E002"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=_rng(0, 0, 2, 0),
            context=types.CodeActionContext(diagnostics=found),
        )
    )
    assert actions is not None
    titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
    assert titles == ["Replace with '@88-94%'", "Replace with '30s'"]
    fixed = text
    for a in actions:
        assert isinstance(a, types.CodeAction) and a.edit is not None and a.edit.changes is not None
        fixed = _apply(fixed, a.edit.changes[uri])
    assert fixed == "10m @88-94%\n30s @50%\n5m @250W\n"


async def test_missing_ftp_is_a_quick_fix_too(client: LanguageClient, tmp_path: Path) -> None:
    text = "10m @60%\n5m @250W\n"
    uri, found = await _open(client, tmp_path / "noftp.nm", text)
    assert [(d.code, d.range) for d in found] == [("E304", _rng(1, 3, 1, 8))]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=_rng(1, 3, 1, 3),
            context=types.CodeActionContext(diagnostics=found),
        )
    )
    assert actions is not None and len(actions) == 1
    action = actions[0]
    assert isinstance(action, types.CodeAction) and action.edit is not None and action.edit.changes
    assert action.title == "Add 'ftp: 250' to the header (then make it your FTP)"
    assert _apply(text, action.edit.changes[uri]) == "ftp: 250\n10m @60%\n5m @250W\n"


async def test_inlay_hints_say_when_each_line_starts(client: LanguageClient, tmp_path: Path) -> None:
    uri, _ = await _open(client, tmp_path / "inlay.nm", SESSION)
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=_rng(0, 0, 10, 0))
    )
    assert hints is not None
    assert [(h.position.line, h.position.character, h.label) for h in hints] == [
        (3, 23, "0:00:00"),
        (4, 42, "0:10:00 · 6 × 1:00 = 6:00"),  # after the emoji: 41 characters, 42 UTF-16 units
        (5, 3, "0:16:00 · 2 × 7:00 = 14:00"),
        (6, 8, "0:16:00"),
        (7, 9, "0:21:00"),
        (8, 13, "0:30:00 · 6 × 3:10 = 19:00"),
        (9, 16, "0:49:00"),
    ]


async def test_symbols_and_folding_follow_the_blocks(client: LanguageClient, tmp_path: Path) -> None:
    text = "# a\n# b\nname: Blocks\nftp: 250\n\n3x:\n  2x:\n    1m @Z4\n    1m @50%\n  5m @Z2\n10m @50%\n"
    uri, _ = await _open(client, tmp_path / "blocks.nm", text)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols is not None

    def tree(items: Sequence[types.DocumentSymbol | types.SymbolInformation]) -> list[object]:
        out: list[object] = []
        for s in items:
            assert isinstance(s, types.DocumentSymbol)
            out.append((s.name, s.detail, tree(s.children or [])) if s.children else (s.name, s.detail))
        return out

    assert tree(symbols) == [
        ("name", "Blocks"),
        ("ftp", "250"),
        (
            "3x:",
            "0:00:00 · 3 × 9:00 = 27:00",
            [
                ("2x:", "0:00:00 · 2 × 2:00 = 4:00", [("1m @Z4", "0:00:00"), ("1m @50%", "0:01:00")]),
                ("5m @Z2", "0:04:00"),
            ],
        ),
        ("10m @50%", "0:27:00"),
    ]
    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert folds is not None
    assert [(f.start_line, f.end_line, f.kind) for f in folds] == [
        (0, 1, types.FoldingRangeKind.Comment),
        (2, 3, None),
        (5, 9, None),
        (6, 8, None),
    ]


async def test_a_half_typed_document_gets_answers_not_a_crash(client: LanguageClient, tmp_path: Path) -> None:
    text = 'ftp: 2\n6x 30s @1 / "\n2x:\n  @Z\n'
    uri, found = await _open(client, tmp_path / "half.nm", text)
    assert found
    ident = types.TextDocumentIdentifier(uri=uri)
    for line in range(5):
        for character in range(16):
            await client.text_document_hover_async(
                types.HoverParams(text_document=ident, position=_pos(line, character))
            )
            await client.text_document_completion_async(
                types.CompletionParams(text_document=ident, position=_pos(line, character))
            )
    assert (
        await client.text_document_formatting_async(
            types.DocumentFormattingParams(
                text_document=ident, options=types.FormattingOptions(tab_size=2, insert_spaces=True)
            )
        )
        is None
    )
    assert client.error is None


async def test_what_only_compiling_finds_follows_and_never_blinks_out(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "nmdsl.toml").write_text('targets = ["zwo"]\n', encoding="utf-8")
    uri, _ = await _open(client, tmp_path / "lap.nm", "10m @60%\nlap @Z2\n")
    # What the language says (nothing) is published first, then what compiling to ZWO adds
    # (the order is tested in tests/test_lsp_features.py, without a client's timing).
    complete = await _until(client, uri, lambda found: bool(found))
    assert [(d.code, d.range) for d in complete] == [("E404", _rng(1, 0, 1, 7))]
    assert complete[0].message.endswith("[zwo]\nhint: add an estimate: 'lap ~3m' is written as 3 minutes")
    # While it is shown, a change publishes once, with it: no publication without it in between.
    before = client.diagnostics[uri]
    await _change(client, uri, 2, "10m @65%\nlap @Z2\n")
    assert [d.code for d in await _published(client, uri, before)] == ["E404"]
    # Fixed, it goes.
    before = client.diagnostics[uri]
    await _change(client, uri, 3, "10m @65%\nlap ~3m @Z2\n")
    assert await _published(client, uri, before) == []


async def test_semantic_tokens_colour_the_language(client: LanguageClient, tmp_path: Path) -> None:
    legend = client.init_result.capabilities.semantic_tokens_provider.legend  # type: ignore[attr-defined]
    assert list(legend.token_types) == [
        "property", "string", "keyword", "function", "number", "enumMember", "operator", "comment",
    ]  # fmt: skip
    uri, _ = await _open(client, tmp_path / "colours.nm", 'ftp: 250 # mine\n6x 30s @150% "Go 🚀" / rest 1m\n')
    got = await client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert got is not None
    data = list(got.data)
    # (line, start, length, type) made absolute again, in UTF-16.
    absolute, line, start = [], 0, 0
    for i in range(0, len(data), 5):
        line, start = line + data[i], (start if data[i] == 0 else 0) + data[i + 1]
        absolute.append((line, start, data[i + 2], legend.token_types[data[i + 3]]))
    assert absolute == [
        (0, 0, 3, "property"), (0, 3, 1, "operator"), (0, 5, 3, "string"), (0, 9, 6, "comment"),
        (1, 0, 2, "number"), (1, 3, 3, "number"), (1, 7, 5, "enumMember"), (1, 13, 7, "string"),
        (1, 21, 1, "operator"), (1, 23, 4, "keyword"), (1, 28, 2, "number"),
    ]  # fmt: skip


async def test_a_client_that_counts_in_utf8_gets_utf8_places(client8: LanguageClient, tmp_path: Path) -> None:
    assert client8.init_result.capabilities.position_encoding == "utf-8"  # type: ignore[attr-defined]
    uri, found = await _open(client8, tmp_path / "utf8.nm", 'ftp: 250\n5m @60% "🚀é" 30S\n')
    # The rocket is 4 bytes and é is 2: 30S starts at byte 17 (13 characters, 14 UTF-16 units).
    assert [(d.code, d.range) for d in found] == [("E002", _rng(1, 17, 1, 20))]
    uri, _ = await _open(client8, tmp_path / "utf8b.nm", 'ftp: 250\n5m @60% "🚀" / 30s @50%\n')
    hints = await client8.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=_rng(0, 0, 2, 0))
    )
    assert [(h.position, h.label) for h in hints or []] == [(_pos(1, 25), "0:00:00")]
    got = await client8.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=_pos(1, 18))
    )
    # The second step, "30s @50%", is bytes 17 to 25 of its line.
    assert got is not None and got.range == _rng(1, 17, 1, 25)
