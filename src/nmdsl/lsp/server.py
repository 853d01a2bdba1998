"""The pygls server: the protocol's requests to :mod:`nmdsl.lsp.features`.

Diagnostics are published when a document opens or is saved, and after
every change once the typing pauses (:data:`DEBOUNCE_S`); each publication
replaces the last one, so a fixed problem disappears with the next.  Those
that only compiling to the formats finds follow the others
(:meth:`NmdslServer.publish`).  The
other requests check the document's current text themselves when it has
changed since the last check, so they never answer from stale text.

A handler that fails logs the traceback and answers nothing rather than
stopping the server (the fuzz tests look for such failures).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from nmdsl._version import __version__
from nmdsl.lsp import features
from nmdsl.lsp.document import Document, problems_of_config

#: How long the typing must pause before a changed document is checked again.
DEBOUNCE_S = 0.15

log = logging.getLogger("nmdsl.lsp")

T = TypeVar("T")


class NmdslServer(LanguageServer):
    def __init__(self) -> None:
        # Whole-document sync: the client sends the text as it has it.  With
        # incremental changes pygls would place them on its own lines, which
        # also break at form feeds and U+2028 (str.splitlines), where the
        # protocol and nmdsl break only at LF, CRLF and CR: a cue holding one
        # would shift every later edit.  A session is small; its text is cheap.
        super().__init__("nmdsl", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        #: The last check of each open document, by URI.
        self.documents: dict[str, Document] = {}
        self._pending: dict[str, asyncio.TimerHandle] = {}
        #: Configuration files that have diagnostics published (to clear them when fixed).
        self._config_uris: set[str] = set()
        #: Documents whose last publication held a format's diagnostic (see :meth:`publish`).
        self._formats_shown: dict[str, bool] = {}

    def document(self, uri: str, *, formats: bool = True) -> Document:
        """The document at ``uri`` as the client holds it now, checked again if it changed.

        ``formats=False``: a :meth:`Document.quick` check is enough (one made in full also is).
        """
        text_doc = self.workspace.get_text_document(uri)
        known = self.documents.get(uri)
        if known is not None and known.version == text_doc.version and known.text == text_doc.source:
            if known.formats or not formats:
                return known
            done = self.documents[uri] = known.completed()
            return done
        path = to_fs_path(uri) if uri.startswith("file:") else None
        doc = Document(
            text_doc.source,
            path,
            encoding=_encoding(self.workspace.position_encoding),
            version=text_doc.version,
            formats=formats,
        )
        self.documents[uri] = doc
        return doc

    def publish(self, uri: str) -> None:
        """Publish ``uri``'s diagnostics: first without compiling, when that can show no less than before.

        Compiling to the four formats is most of the work and finds nothing in
        most sessions, so the language's diagnostics (and the lints', the
        rules', the disable comments') go out first and the complete ones
        follow when they differ.  While the last publication held a format's
        diagnostic, the first step is skipped, so that it never blinks out.
        """
        pending = self._pending.pop(uri, None)
        if pending is not None:  # a save after a change: this publication is the one that was due
            pending.cancel()
        if uri not in self.workspace.text_documents:
            return
        first: list[types.Diagnostic] | None = None
        if not self._formats_shown.get(uri, False):
            quick = self.document(uri, formats=False)
            first = quick.lsp_diagnostics()
            self._send(uri, quick.version, first)
        doc = self.document(uri)
        found = doc.lsp_diagnostics()
        if found != first:
            self._send(uri, doc.version, found)
        self._formats_shown[uri] = doc.has_format_diagnostics
        if doc.config_path is not None:
            config_uri = doc.config_path.resolve().as_uri()
            if doc.config_problems or config_uri in self._config_uris:
                self._config_uris.add(config_uri)
                self._send(config_uri, None, problems_of_config(doc.config_problems))

    def _send(self, uri: str, version: int | None, diagnostics: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )

    def later(self, uri: str) -> None:
        """Publish ``uri``'s diagnostics once changes stop for :data:`DEBOUNCE_S`."""
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        loop = asyncio.get_running_loop()
        self._pending[uri] = loop.call_later(DEBOUNCE_S, lambda: _safely(lambda: self.publish(uri), None))


def _encoding(agreed: types.PositionEncodingKind | str | None) -> str:
    """The position encoding agreed with the client by its name (``utf-16``), whether an enum or a str."""
    if isinstance(agreed, types.PositionEncodingKind):
        return agreed.value
    return agreed or types.PositionEncodingKind.Utf16.value


def _safely(fn: Callable[[], T], default: T) -> T:
    try:
        return fn()
    except Exception:  # a bug: say so in the log and keep serving
        log.exception("nmdsl lsp: a handler failed")
        return default


server = NmdslServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: NmdslServer, params: types.DidOpenTextDocumentParams) -> None:
    _safely(lambda: ls.publish(params.text_document.uri), None)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: NmdslServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.later(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: NmdslServer, params: types.DidSaveTextDocumentParams) -> None:
    _safely(lambda: ls.publish(params.text_document.uri), None)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: NmdslServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    pending = ls._pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.documents.pop(uri, None)
    ls._formats_shown.pop(uri, None)
    ls._send(uri, None, [])


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: NmdslServer, params: types.HoverParams) -> types.Hover | None:
    return _safely(
        lambda: features.hover(ls.document(params.text_document.uri, formats=False), params.position), None
    )


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=["@", " ", "/"]),
)
def completion(ls: NmdslServer, params: types.CompletionParams) -> types.CompletionList:
    none: list[types.CompletionItem] = []
    items = _safely(
        lambda: features.completion(ls.document(params.text_document.uri, formats=False), params.position),
        none,
    )
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT)
def inlay_hint(ls: NmdslServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    return _safely(
        lambda: features.inlay_hints(ls.document(params.text_document.uri, formats=False), params.range), []
    )


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(ls: NmdslServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
    return _safely(
        lambda: features.document_symbols(ls.document(params.text_document.uri, formats=False)), []
    )


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
def folding_range(ls: NmdslServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
    return _safely(lambda: features.folding_ranges(ls.document(params.text_document.uri, formats=False)), [])


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: NmdslServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    return _safely(lambda: features.formatting(ls.document(params.text_document.uri, formats=False)), None)


@server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
def range_formatting(
    ls: NmdslServer, params: types.DocumentRangeFormattingParams
) -> list[types.TextEdit] | None:
    return _safely(
        lambda: features.formatting(ls.document(params.text_document.uri, formats=False), params.range),
        None,
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_action(ls: NmdslServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    return _safely(lambda: features.code_actions(ls.document(uri), uri, params.range), [])


@server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL, features.semantic_legend())
def semantic_tokens(ls: NmdslServer, params: types.SemanticTokensParams) -> types.SemanticTokens:
    uri = params.text_document.uri
    return _safely(
        lambda: features.semantic_tokens(ls.document(uri, formats=False)), types.SemanticTokens(data=[])
    )


def serve() -> None:
    """Serve one client over stdin and stdout until it says exit."""
    server.start_io()
