"""The VS Code extension in editors/vscode/.

Without Node.js: the TextMate grammar is what gen_grammar.py makes of
grammar/nmdsl.lark (so the two cannot drift), every terminal has a scope,
and the grammar colours an item exactly as nmdsl's lexer classifies it
(checked by running the grammar's rules, which are Python-compatible regular
expressions, the way a TextMate tokenizer does); package.json, the language
configuration and extension.js agree with each other.

With Node.js and the npm packages (``.ci/run`` runs ``npm ci`` in
editors/vscode; elsewhere run it by hand): the grammar tests
(editors/vscode/tests/*.test.nm) through vscode-tmgrammar-test, the
extension's own tests (node --test, VS Code stood in for), the .vsix built
with @vscode/vsce and its contents, and the screenshot page through VS
Code's tokenizer.  Those skip, saying why, where Node.js or the packages are
missing.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from nmdsl.language import _grammar
from nmdsl.language.lexer import HEADER_KEYS, HEADER_RE
from nmdsl.model import Drill
from tests.conftest import PATHS

EXT = PATHS.root / "editors" / "vscode"
LARK = PATHS.root / "grammar" / "nmdsl.lark"
GRAMMAR = EXT / "syntaxes" / "nmdsl.tmLanguage.json"
NODE_MODULES = EXT / "node_modules"


@cache
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nmdsl_vscode_gen_grammar", EXT / "gen_grammar.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@cache
def grammar() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    return data


def package() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXT / "package.json").read_text(encoding="utf-8"))
    return data


# -- a small TextMate tokenizer for one line, in Python ----------------------------------


@cache
def _line_rules() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    """The grammar's top-level patterns in order, includes resolved, as compiled regexes."""
    repo = grammar()["repository"]
    rules = []
    for p in grammar()["patterns"]:
        rule = repo[p["include"].removeprefix("#")]
        rules.append((re.compile(rule.get("match") or rule["begin"]), rule))
    return rules


def scopes(line: str) -> list[tuple[str, str]]:
    """(text, scope) for each piece of ``line`` a top-level rule matched, as a TextMate
    tokenizer picks them: at each position the rule matching earliest wins, the first
    listed on a tie; captures give their groups' scopes.  Only what step lines need:
    header rules (begin/end) are reported by their key's scope and end the line."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos <= len(line):
        best: tuple[int, re.Match[str], dict[str, Any]] | None = None
        for regex, rule in _line_rules():
            m = regex.search(line, pos)
            if m and m.end() > m.start() and (best is None or m.start() < best[0]):
                best = (m.start(), m, rule)
        if best is None:
            break
        _, m, rule = best
        captures = rule.get("captures") or rule.get("beginCaptures")
        if captures:
            for group, c in sorted(captures.items()):
                if m.group(int(group)):
                    out.append((m.group(int(group)), c["name"]))
        else:
            out.append((m.group(0), rule["name"]))
        if "begin" in rule:
            break
        pos = m.end()
    return out


# -- the grammar and the lark grammar ----------------------------------------------------


def test_the_grammar_file_is_what_gen_grammar_makes_of_the_lark_grammar() -> None:
    made = gen().render(LARK.read_text(encoding="utf-8"))
    assert GRAMMAR.read_text(encoding="utf-8") == made, (
        "syntaxes/nmdsl.tmLanguage.json is stale: run python editors/vscode/gen_grammar.py"
    )
    assert gen().main(["--check"]) == 0


def test_every_lark_terminal_has_a_scope_and_its_own_regex_in_the_grammar() -> None:
    terminals = dict(gen().terminals(LARK.read_text(encoding="utf-8")))
    # The terminals nmdsl's parser uses are the ones gen_grammar reads.
    assert set(terminals) == {name for name, _, _ in _grammar.tables().terminals}
    repo = grammar()["repository"]
    text = GRAMMAR.read_text(encoding="utf-8")
    for name, regex in terminals.items():
        scope = gen().SCOPES[name]
        assert scope.endswith(".nmdsl") and scope in text, name
        if name in ("HEADER_KEY", "HEADER_VALUE", "COLON"):
            continue
        rule = repo[name.lower().replace("_", "-")]
        assert rule["name"] == scope
        assert gen().non_capturing(regex) in rule["match"], name


def test_a_new_terminal_without_a_scope_stops_the_generator() -> None:
    text = LARK.read_text(encoding="utf-8")
    grown = text.replace('MAX: "max"', 'MAX: "max"\nALLOUT: "allout"').replace(
        "| MAX                 -> max_effort", "| MAX                 -> max_effort\n      | ALLOUT"
    )
    assert grown != text and "ALLOUT" in grown
    with pytest.raises(gen().GrammarError, match=r"no TextMate scope for the terminal.* ALLOUT"):
        gen().build(grown)


def test_a_header_key_without_a_value_kind_stops_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    kinds = dict(gen().HEADER_VALUES)
    del kinds["vmax"]
    monkeypatch.setattr(gen(), "HEADER_VALUES", kinds)
    with pytest.raises(gen().GrammarError, match="vmax"):
        gen().build(LARK.read_text(encoding="utf-8"))


def test_the_check_mode_fails_on_a_stale_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "nmdsl.tmLanguage.json"
    stale.write_text(GRAMMAR.read_text(encoding="utf-8").replace("keyword.control.until", "keyword.until"))
    monkeypatch.setattr(gen(), "OUT", stale)
    assert gen().main(["--check"]) == 1
    assert gen().main([]) == 0
    assert stale.read_text(encoding="utf-8") == GRAMMAR.read_text(encoding="utf-8")


# -- the grammar colours items as the lexer reads them -----------------------------------


def _words(regex: str) -> list[str]:
    """The words of a terminal that is a choice of literals, e.g. (?:warmup|rest)."""
    return [w.replace("\\-", "-") for w in regex.strip("(?:)").split("|")]


def test_every_keyword_and_drill_word_is_coloured_with_its_terminals_scope() -> None:
    terminals = dict(gen().terminals(LARK.read_text(encoding="utf-8")))
    words = {
        "INTENSITY": _words(terminals["INTENSITY"]),
        "DRILL": _words(terminals["DRILL"]),
        **{n: [re.sub(r"\\(.)", r"\1", terminals[n])] for n in ("RAMP", "MAX", "FREE", "AT", "LAP", "UNTIL")},
    }
    assert sorted(words["DRILL"]) == sorted(get_args(Drill)), "the model's drills are the grammar's"
    for name, ws in words.items():
        for w in ws:
            assert scopes(w) == [(w, gen().SCOPES[name])], w
            assert scopes(f"  10m {w} # c")[1] == (w, gen().SCOPES[name])


TABLE = _grammar.terminals()

#: Pieces of items, valid and not: joined at random they make items the
#: lexer accepts and many it refuses.
PIECES = st.sampled_from(
    [
        *"0123456789",
        "30", "150", "1.5", ".", ":", ":30", "s", "m", "min", "h", "x", "X", "~", "@", "%", "W", "w", "-",
        "Z", "z", "hr", "bpm", "rpm", "km", "mi", "mtr", "/km", "/mi", "/", "<", ">", "lthr", "maxhr",
        "pmax", "vmax", "ramp", "max", "free", "at", "lap", "until", "rest", "warmup", "sprint", "strides",
        "hill-sprint", "sec", "_", "e",
    ]
)  # fmt: skip


#: Items each terminal's own regular expression makes (hypothesis cannot
#: generate from a lookahead; without it the pattern makes the same words).
WORDS = st.one_of(
    [
        st.from_regex(regex.replace("(?=[0-9])", ""), fullmatch=True).filter(bool)
        for name, regex in gen().terminals(LARK.read_text(encoding="utf-8"))
        if name not in ("HEADER_KEY", "HEADER_VALUE", "COLON", "STRING")
    ]
)


def _insert(parts: tuple[str, str, int]) -> str:
    word, piece, at = parts
    return word[:at] + piece + word[at:]


#: Random joins of pieces (mostly not words), words of the language, and
#: words with a piece put in somewhere (near misses, some still words).
ITEMS = st.one_of(
    st.lists(PIECES, min_size=1, max_size=6).map("".join),
    WORDS,
    st.tuples(WORDS, PIECES, st.integers(0, 12)).map(_insert),
)


def _expected(item: str) -> str | None:
    kind = TABLE.classify(item)
    return None if kind is None else gen().SCOPES[kind]


@given(ITEMS)
@example("30s")
@example("30sec")
@example("@88-94%")
@example("@88%-94W")
@example("1:75")
@example("@Z2hr")
@example("@z2")
@example("~3x")
@example("1h30m")
@example("1m1h")
@example("100-110rpm")
@example("45-70%")
@example("@4:20/km-4:30/km")
@example("<80%maxhr")
def test_the_grammar_colours_an_item_as_the_lexer_classifies_it(item: str) -> None:
    if HEADER_RE.match(item) or item.endswith(":"):
        return  # `key: value` is a header line and `3x:` a block head, tested below
    want = _expected(item)
    got = scopes(item)
    if want is None:
        assert got == [], f"{item!r} is no word of the language but is coloured {got}"
    else:
        assert got == [(item, want)], f"{item!r} is {TABLE.classify(item)}"
    # Indented, twice, before a comment: each item on its own.
    comment = ("# note", "comment.line.number-sign.nmdsl")
    assert scopes(f"  {item} {item}  # note") == ([(item, want)] * 2 if want else []) + [comment]


@given(ITEMS)
def test_the_rules_regexes_match_what_the_terminals_match(item: str) -> None:
    """The grammar embeds each terminal with its groups made non-capturing: the same words."""
    for name, regex in gen().terminals(LARK.read_text(encoding="utf-8")):
        plain = re.compile(gen().non_capturing(regex))
        assert plain.groups == 0, name
        assert bool(re.fullmatch(regex, item)) == bool(plain.fullmatch(item)), (name, item)


def test_a_cue_keeps_its_hash_and_an_open_cue_is_marked() -> None:
    assert scopes('30s @150% "Sprint #1" # go') == [
        ("30s", gen().SCOPES["DURATION"]),
        ("@150%", gen().SCOPES["POWER_PCT"]),
        ('"Sprint #1"', gen().SCOPES["STRING"]),
        ("# go", "comment.line.number-sign.nmdsl"),
    ]
    assert scopes('5m @90% "never closed')[-1] == ('"never closed', "invalid.illegal.unclosed-string.nmdsl")


def test_block_heads() -> None:
    s = gen().SCOPES
    assert scopes("3x:") == [("3x", s["REPEAT"]), (":", s["COLON"])]
    assert scopes("until >80%maxhr ~3x:  # hr") == [
        ("until", s["UNTIL"]),
        (">80%maxhr", s["HR_BOUND"]),
        ("~3x", s["REPEAT_ESTIMATE"]),
        (":", s["COLON"]),
        ("# hr", "comment.line.number-sign.nmdsl"),
    ]
    hr_head = [("until", s["UNTIL"]), ("<130bpm", s["HR_BOUND"]), (":", s["COLON"])]
    assert scopes("  until <130bpm:") == hr_head
    # What may stand before a block's ':' is read from the lark grammar's block_head rule.
    assert gen().block_heads(LARK.read_text(encoding="utf-8")) == ["REPEAT", "REPEAT_ESTIMATE", "HR_BOUND"]
    assert scopes("30s:") == [] and scopes("3x :") == [("3x", s["REPEAT"])]


@pytest.mark.parametrize("key", HEADER_KEYS)
def test_known_header_keys_are_keys_and_others_are_marked(key: str) -> None:
    assert scopes(f"{key}: x")[0] == (key, "support.type.property-name.header.nmdsl")
    assert scopes(f"  {key} : x")[0] == (key, "support.type.property-name.header.nmdsl")
    for wrong in (key.capitalize(), key + "s", key.replace("-", "_")):
        if wrong not in HEADER_KEYS:
            assert scopes(f"{wrong}: x")[0] == (wrong, "invalid.illegal.header-key.nmdsl"), wrong


# -- package.json, language configuration, client ------------------------------------------


def test_package_json_claims_nm_files_and_points_at_files_that_exist() -> None:
    pkg = package()
    assert pkg["publisher"] == "nmdsl"
    [lang] = pkg["contributes"]["languages"]
    assert lang["id"] == "nmdsl" and lang["extensions"] == [".nm"]
    assert (EXT / lang["configuration"]).is_file()
    [g] = pkg["contributes"]["grammars"]
    assert g["language"] == "nmdsl" and (EXT / g["path"]).resolve() == GRAMMAR
    assert g["scopeName"] == grammar()["scopeName"] == "source.nmdsl"
    assert (EXT / pkg["main"]).is_file()
    assert "onLanguage:nmdsl" in pkg["activationEvents"]
    props = pkg["contributes"]["configuration"]["properties"]
    assert props["nmdsl.server.command"]["default"] == ["nmdsl", "lsp"]
    assert props["nmdsl.preview.command"]["default"] == ["nmdsl", "preview"]
    assert props["nmdsl.preview.openIn"]["enum"] == ["editor", "browser"]


def test_the_commands_contributed_are_the_commands_registered() -> None:
    contributed = {c["command"] for c in package()["contributes"]["commands"]}
    source = (EXT / "extension.js").read_text(encoding="utf-8")
    registered = set(re.findall(r"registerCommand\('([^']+)'", source))
    assert contributed == registered == {"nmdsl.openPreview", "nmdsl.restartServer"}
    settings = set(package()["contributes"]["configuration"]["properties"])
    used = {"nmdsl." + k for k in re.findall(r"get\('([a-zA-Z.]+)'", source)}
    assert used <= settings, used - settings


def test_the_engine_range_is_the_one_the_language_client_needs() -> None:
    lock = json.loads((EXT / "package-lock.json").read_text(encoding="utf-8"))
    client = lock["packages"]["node_modules/vscode-languageclient"]
    assert client["version"] == package()["dependencies"]["vscode-languageclient"]
    assert client["engines"]["vscode"] == package()["engines"]["vscode"]


def test_indentation_follows_block_heads() -> None:
    conf = json.loads((EXT / "language-configuration.json").read_text(encoding="utf-8"))
    assert conf["comments"] == {"lineComment": "#"}
    increase = re.compile(conf["indentationRules"]["increaseIndentPattern"])
    assert increase.pattern == conf["onEnterRules"][0]["beforeText"]
    for head in (
        "3x:",
        "  12x:",
        "2x:   # nested",
        "until >80%maxhr ~3x:",
        "until <130bpm:",
        "    until >95%lthr:",
    ):
        assert increase.search(head), head
    for line in (
        "name: Attacks",
        "tags:",
        "6x 30s @150% / 30s @50%",
        "# 3x:",
        '10m "x:"',
        "3x: 10m",
        "warmup 10m",
    ):
        assert not increase.search(line), line
    assert not re.search(conf["indentationRules"]["decreaseIndentPattern"], "anything")


# -- with Node.js and the npm packages ----------------------------------------------------


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is missing: the extension's JavaScript tests need it")
    return node


def _bin(name: str) -> Path:
    _node()
    path = NODE_MODULES / ".bin" / name
    if not path.exists():
        pytest.skip(f"{name} is not installed: run npm ci in editors/vscode (.ci/run does where npm exists)")
    return path


def _run(args: list[str | Path], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=EXT, capture_output=True, text=True, check=False, timeout=300, **kw
    )


def test_grammar_tests_pass_in_vscode_tmgrammar_test() -> None:
    files = sorted(p.name for p in (EXT / "tests").glob("*.test.nm"))
    assert files == ["header.test.nm", "repeats.test.nm", "steps.test.nm"]
    r = _run([_bin("vscode-tmgrammar-test"), "tests/*.test.nm"])
    assert r.returncode == 0, r.stdout + r.stderr
    for f in files:
        assert f"tests/{f} run successfuly" in r.stdout  # (sic: the tool's spelling)


def test_grammar_tests_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "must-fail.test.nm"
    bad.write_text(
        '# SYNTAX TEST "source.nmdsl" "a wrong assertion"\n30s @150%\n# <--- keyword.control.until.nmdsl\n'
    )
    r = _run([_bin("vscode-tmgrammar-test"), bad])
    assert r.returncode != 0
    assert "missing required scopes: keyword.control.until.nmdsl" in r.stdout


def test_the_extensions_own_javascript_tests_pass() -> None:
    files = sorted(str(p.relative_to(EXT)) for p in (EXT / "tests").glob("*.test.js"))
    assert files == ["tests/commands.test.js", "tests/extension.test.js"]
    r = _run([_node(), "--test", *files])
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^# fail 0$", r.stdout, re.M) and not re.search(r"^# pass 0$", r.stdout, re.M), r.stdout


def test_the_vsix_holds_the_grammar_the_client_and_its_dependencies(tmp_path: Path) -> None:
    out = tmp_path / "nmdsl.vsix"
    r = _run(
        [_bin("vsce"), "package", "--allow-missing-repository", "--no-rewrite-relative-links", "--out", out]
    )
    assert r.returncode == 0, r.stdout + r.stderr
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert json.loads(z.read("extension/package.json")) == package()
        assert z.read("extension/syntaxes/nmdsl.tmLanguage.json") == GRAMMAR.read_bytes()
        assert z.read("extension/extension.js") == (EXT / "extension.js").read_bytes()
    for f in ("language-configuration.json", "lib/commands.js", "readme.md", "LICENSE.txt"):
        assert f"extension/{f}" in names, f
    lock = json.loads((EXT / "package-lock.json").read_text(encoding="utf-8"))
    production = [p for p, info in lock["packages"].items() if p and not info.get("dev")]
    assert "node_modules/vscode-languageclient" in production
    for p in production:
        assert f"extension/{p}/package.json" in names, f"the client's dependency {p} is missing"
    for p, info in lock["packages"].items():
        if info.get("dev"):
            assert f"extension/{p}/package.json" not in names, f"the dev dependency {p} was packed"
    for left_out in ("tests/", "screenshot/", "gen_grammar.py", "package-lock.json"):
        assert not any(n.startswith(f"extension/{left_out}") for n in names), left_out


def test_the_screenshot_page_is_coloured_by_vscodes_tokenizer(tmp_path: Path) -> None:
    node = _node()
    if not (NODE_MODULES / "vscode-textmate").is_dir() or not (NODE_MODULES / "tm-themes").is_dir():
        pytest.skip("vscode-textmate or tm-themes is not installed: run npm ci in editors/vscode")
    page = tmp_path / "page.html"
    r = _run([node, "screenshot/render.js", "screenshot/attacks.nm", page])
    assert r.returncode == 0, r.stderr
    html = page.read_text(encoding="utf-8")
    # Dark+ colours: repeat counts purple, drills yellow, amounts green, cues orange, comments green.
    for text, colour in (
        ("4x", "#C586C0"),
        ("spinup", "#DCDCAA"),
        ("30s", "#B5CEA8"),
        ("&#34;Attack!&#34;", "#CE9178"),
        ("# recover fully", "#6A9955"),
        ("ftp", "#9CDCFE"),
    ):
        assert re.search(f'<span style="color:{colour}">{re.escape(text)}</span>', html, re.I), text
    assert (PATHS.root / "docs" / "img" / "vscode-extension.png").is_file()


def _has_preview() -> bool:
    r = subprocess.run(
        [sys.executable, "-m", "nmdsl", "preview", "--help"], capture_output=True, text=True, check=False
    )
    return r.returncode == 0 and "--no-browser" in r.stdout and "--port" in r.stdout


def test_the_preview_command_finds_the_real_preview_servers_url() -> None:
    node = _node()
    if not _has_preview():
        pytest.skip("this checkout has no `nmdsl preview` with --no-browser and --port")
    session = PATHS.root / "examples" / "attacks.nm"
    r = _run([node, "tests/run-preview.js", session, sys.executable, "-m", "nmdsl", "preview"])
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["url"].startswith(f"http://127.0.0.1:{got['port']}")
    assert got["status"] == 200 and got["length"] > 0
    # The extension shows the page in a frame inside its panel: it must allow being framed.
    assert got["headers"]["xFrameOptions"] is None
    assert "frame-ancestors" not in (got["headers"]["csp"] or "")


def _has_lsp() -> bool:
    if importlib.util.find_spec("pygls") is None:
        return False
    argv = [sys.executable, "-m", "nmdsl", "lsp", "--help"]
    return subprocess.run(argv, capture_output=True, text=True, check=False).returncode == 0


def test_the_default_server_speaks_lsp_over_stdio_to_the_clients_protocol_library() -> None:
    node = _node()
    if not (NODE_MODULES / "vscode-languageserver-protocol").is_dir():
        pytest.skip("vscode-languageclient is not installed: run npm ci in editors/vscode")
    if not _has_lsp():
        pytest.skip("this checkout has no `nmdsl lsp`, or pygls (the lsp extra) is missing")
    r = _run([node, "tests/lsp-smoke.js", sys.executable, "-m", "nmdsl", "lsp"])
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert {"hoverProvider", "completionProvider", "documentFormattingProvider"} <= set(got["capabilities"])
    [d] = got["diagnostics"]
    assert d["code"] == "E002" and d["source"] == "nmdsl" and d["severity"] == 1
    assert d["range"] == {"start": {"line": 3, "character": 3}, "end": {"line": 3, "character": 8}}
    assert "did you mean 30s?" in d["message"]
    assert got["hover"] and got["exited"]
