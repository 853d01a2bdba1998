'use strict';
// The extension's VS Code-free helpers (lib/commands.js), with Node's own test runner.
const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const path = require('path');
const c = require('../lib/commands');

const FAKE = path.join(__dirname, 'fake-preview.js');

test('splitCommand takes an array as the program and its arguments', () => {
  assert.deepEqual(c.splitCommand(['/opt/bin/nmdsl', 'lsp', '-v'], ['nmdsl', 'lsp']), {
    command: '/opt/bin/nmdsl',
    args: ['lsp', '-v'],
  });
});

test('splitCommand splits a string at spaces', () => {
  assert.deepEqual(c.splitCommand('  python3 -m nmdsl lsp ', ['x']), { command: 'python3', args: ['-m', 'nmdsl', 'lsp'] });
});

test('splitCommand falls back to the default for empty or malformed settings', () => {
  for (const bad of [undefined, null, [], '', '   ', [''], [3], {}, ['nmdsl', 7]]) {
    assert.deepEqual(c.splitCommand(bad, ['nmdsl', 'lsp']), { command: 'nmdsl', args: ['lsp'] }, JSON.stringify(bad));
  }
});

test('previewArgs puts the file, --no-browser and the port after the setting', () => {
  assert.deepEqual(c.previewArgs(['preview'], '/w/a b.nm', 4321), ['preview', '/w/a b.nm', '--no-browser', '--port', '4321']);
});

test('findUrl finds a local URL in what the server prints', () => {
  assert.equal(c.findUrl('Serving at http://127.0.0.1:8123/ (Ctrl+C)'), 'http://127.0.0.1:8123/');
  assert.equal(c.findUrl('open http://localhost:9000/session?x=1\n'), 'http://localhost:9000/session?x=1');
  assert.equal(c.findUrl('http://127.0.0.1:8123'), 'http://127.0.0.1:8123');
  assert.equal(c.findUrl('see https://example.com/ for help'), null);
  assert.equal(c.findUrl('starting...'), null);
});

test('freePort gives a port that can be bound on 127.0.0.1', async () => {
  const port = await c.freePort();
  assert.ok(Number.isInteger(port) && port > 0 && port < 65536);
  await new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(port, '127.0.0.1', () => s.close(resolve));
  });
});

test('startPreview resolves with the URL the server prints', async () => {
  const { process: proc, url } = await c.startPreview(process.execPath, [FAKE, 'a.nm', '--no-browser', '--port', '5555']);
  try {
    assert.equal(url, 'http://127.0.0.1:5555/');
    assert.equal(proc.exitCode, null);
  } finally {
    proc.kill();
  }
});

test('startPreview hands what the server writes after its URL to onOutput', async () => {
  let later = '';
  const { process: proc } = await c.startPreview(process.execPath, [FAKE, 'a.nm', '--port', '1'], {
    onOutput: (text) => {
      later += text;
    },
  });
  try {
    const end = Date.now() + 5000;
    while (!later.includes('GET / 200') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.equal(later, 'GET / 200\n');
  } finally {
    proc.kill();
  }
});

test('startPreview says when the program is missing', async () => {
  await assert.rejects(c.startPreview('/nonexistent/nmdsl', ['preview']), /\/nonexistent\/nmdsl was not found/);
});

test('startPreview reports an early exit with what the server wrote', async () => {
  await assert.rejects(
    c.startPreview(process.execPath, [FAKE, 'a.nm'], { env: { ...process.env, FAKE_PREVIEW_MODE: 'exit' } }),
    /stopped \(exit code 2\) before printing its URL: E010 the file has no step/
  );
});

test('startPreview gives up when no URL comes', async () => {
  const silent = ['-e', 'setInterval(() => {}, 1000)'];
  await assert.rejects(c.startPreview(process.execPath, silent, { timeoutMs: 300 }), /printed no URL within 0.3 s/);
});

test('previewHtml frames the URL and lets only its origin be framed', () => {
  const html = c.previewHtml('http://127.0.0.1:5555/?a=1&b=2', 'Preview <x>.nm');
  assert.match(html, /frame-src http:\/\/127\.0\.0\.1:5555;/);
  assert.match(html, /<iframe src="http:\/\/127\.0\.0\.1:5555\/\?a=1&#38;b=2"/);
  assert.match(html, /<title>Preview &#60;x&#62;\.nm<\/title>/);
  assert.doesNotMatch(html, /<script/);
});
