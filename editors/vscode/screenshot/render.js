'use strict';
// Colour an .nm file as VS Code does and write it as an HTML page that looks
// like an editor: the extension's grammar run by vscode-textmate (VS Code's
// own tokenizer) on vscode-oniguruma (its regular expression engine), with
// the colours of the Dark+ theme as packaged in tm-themes.
//
//   node screenshot/render.js screenshot/sample.nm out.html
//
// make.sh turns the page into docs/img/vscode-extension.png with headless Chromium.

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const HERE = __dirname;
const EXT = path.dirname(HERE);

function resolveTheme() {
  const file = require.resolve('tm-themes/themes/dark-plus.json');
  const theme = JSON.parse(fs.readFileSync(file, 'utf8'));
  return {
    name: theme.name,
    colors: theme.colors,
    // vscode-textmate's raw theme: the editor's default colours first, then the token rules.
    settings: [
      { settings: { foreground: theme.colors['editor.foreground'], background: theme.colors['editor.background'] } },
      ...theme.tokenColors,
    ],
  };
}

async function tokenizer(theme) {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.nmdsl') return null;
      const file = path.join(EXT, 'syntaxes', 'nmdsl.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    theme,
  });
  const grammar = await registry.loadGrammar('source.nmdsl');
  return { grammar, colorMap: registry.getColorMap() };
}

const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function render(source, title) {
  const theme = resolveTheme();
  const { grammar, colorMap } = await tokenizer(theme);
  const lines = source.replace(/\n$/, '').split('\n');
  let state = vsctm.INITIAL;
  const rows = lines.map((line, i) => {
    const { tokens, ruleStack } = grammar.tokenizeLine2(line, state);
    state = ruleStack;
    const spans = [];
    for (let t = 0; t < tokens.length; t += 2) {
      const start = tokens[t];
      const end = t + 2 < tokens.length ? tokens[t + 2] : line.length;
      const meta = tokens[t + 1];
      const fg = colorMap[(meta & 0x00ff8000) >>> 15];
      const style = (meta & 0x00007800) >>> 11;
      const css = [`color:${fg}`];
      if (style & 1) css.push('font-style:italic');
      if (style & 2) css.push('font-weight:bold');
      spans.push(`<span style="${css.join(';')}">${esc(line.slice(start, end))}</span>`);
    }
    return `<div class="row"><span class="num">${i + 1}</span><span class="code">${spans.join('')}</span></div>`;
  });
  const c = theme.colors;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body { margin: 0; background: ${c['editor.background']}; font-family: 'DejaVu Sans', sans-serif; }
.tabs { background: ${c['editorGroupHeader.tabsBackground'] || '#252526'}; height: 35px; display: flex; }
.tab { background: ${c['tab.activeBackground'] || c['editor.background']}; color: ${c['tab.activeForeground'] || '#ffffff'};
       padding: 0 18px; line-height: 35px; font-size: 13px; border-top: 1px solid ${c['tab.activeBorderTop'] || '#007acc'}; }
.lang { color: #858585; font-size: 12px; margin-left: auto; padding: 0 14px; line-height: 35px; }
.editor { padding: 8px 0; font-family: 'DejaVu Sans Mono', monospace; font-size: 14px; line-height: 19px; white-space: pre; }
.num { display: inline-block; width: 44px; padding-right: 22px; text-align: right; color: ${c['editorLineNumber.foreground'] || '#858585'}; }
.code { color: ${c['editor.foreground']}; }
</style></head>
<body><div class="tabs"><div class="tab">${esc(title)}</div><div class="lang">nmdsl · TextMate grammar · Dark+</div></div>
<div class="editor">${rows.join('')}</div></body></html>
`;
}

async function main() {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    process.stderr.write('usage: node render.js SESSION.nm OUT.html\n');
    process.exit(2);
  }
  const html = await render(fs.readFileSync(input, 'utf8'), path.basename(input));
  fs.writeFileSync(output, html);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  });
}

module.exports = { render };
