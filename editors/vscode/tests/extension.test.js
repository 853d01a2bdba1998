'use strict';
// extension.js activated against stand-ins for the `vscode` module and for
// vscode-languageclient (VS Code itself cannot run here): what it registers,
// the language server command it hands the client, and the preview command
// end to end with a fake `nmdsl preview` (fake-preview.js).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

function fakeVscode(settings) {
  const events = { errors: [], warnings: [], output: '', commands: {}, panels: [], opened: [], configListeners: [] };
  const vscode = {
    events,
    ViewColumn: { Beside: -2 },
    ProgressLocation: { Window: 10 },
    Uri: { parse: (s) => ({ toString: () => s, fsPath: null, scheme: 'http', value: s }) },
    env: {
      asExternalUri: async (uri) => uri,
      openExternal: async (uri) => {
        events.opened.push(uri.toString());
        return true;
      },
    },
    workspace: {
      getConfiguration: (section) => ({
        get: (key, def) => {
          const full = `${section}.${key}`;
          return full in settings ? settings[full] : def;
        },
      }),
      onDidChangeConfiguration: (fn) => {
        events.configListeners.push(fn);
        return { dispose() {} };
      },
      openTextDocument: async (uri) => vscode.window.activeTextEditor.document,
    },
    window: {
      activeTextEditor: null,
      showErrorMessage: (m) => events.errors.push(m),
      showWarningMessage: (m) => events.warnings.push(m),
      createOutputChannel: () => ({
        append: (t) => {
          events.output += t;
        },
        appendLine: (t) => {
          events.output += `${t}\n`;
        },
        dispose() {},
      }),
      withProgress: (_opts, fn) => fn(),
      createWebviewPanel: (viewType, title, where, options) => {
        const listeners = [];
        const panel = {
          viewType,
          title,
          where,
          options,
          webview: { html: '' },
          revealed: 0,
          reveal() {
            this.revealed += 1;
          },
          onDidDispose: (fn) => listeners.push(fn),
          dispose() {
            listeners.splice(0).forEach((f) => f());
          },
        };
        events.panels.push(panel);
        return panel;
      },
    },
    commands: {
      registerCommand: (name, fn) => {
        events.commands[name] = fn;
        return { dispose() {} };
      },
    },
  };
  return vscode;
}

function fakeClientModule(record, { failStart = false } = {}) {
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions });
      record.clients.push(this);
      this.started = false;
      this.stopped = false;
    }
    async start() {
      if (failStart) throw new Error('spawn nmdsl ENOENT');
      this.started = true;
    }
    async stop() {
      this.stopped = true;
    }
  }
  return { LanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } };
}

function loadExtension(vscode, client) {
  const file = require.resolve('../extension.js');
  delete require.cache[file];
  const original = Module._load;
  Module._load = function load(request, parent, isMain) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return client;
    return original.call(this, request, parent, isMain);
  };
  try {
    return require(file);
  } finally {
    Module._load = original;
  }
}

const context = () => ({ subscriptions: [] });

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (_) {
    return false;
  }
}

async function waitFor(condition, ms = 5000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('activate starts the configured server command over stdio for nmdsl documents', async () => {
  const record = { clients: [] };
  const vscode = fakeVscode({ 'nmdsl.server.command': ['/opt/venv/bin/nmdsl', 'lsp', '--log', 'x'] });
  const ext = loadExtension(vscode, fakeClientModule(record));
  await ext.activate(context());
  assert.equal(record.clients.length, 1);
  const [c] = record.clients;
  assert.deepEqual(c.serverOptions, { command: '/opt/venv/bin/nmdsl', args: ['lsp', '--log', 'x'], transport: 0 });
  assert.ok(c.clientOptions.documentSelector.every((s) => s.language === 'nmdsl'));
  assert.ok(c.started);
  assert.deepEqual(Object.keys(vscode.events.commands).sort(), ['nmdsl.openPreview', 'nmdsl.restartServer']);
  await ext.deactivate();
  assert.ok(c.stopped);
});

test('the default server command is nmdsl lsp, and a server change restarts it', async () => {
  const record = { clients: [] };
  const vscode = fakeVscode({});
  const ext = loadExtension(vscode, fakeClientModule(record));
  await ext.activate(context());
  assert.deepEqual(record.clients[0].serverOptions, { command: 'nmdsl', args: ['lsp'], transport: 0 });
  vscode.events.configListeners[0]({ affectsConfiguration: (s) => s === 'nmdsl.server' });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(record.clients.length, 2);
  assert.ok(record.clients[0].stopped && record.clients[1].started);
  vscode.events.configListeners[0]({ affectsConfiguration: () => false });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(record.clients.length, 2);
  await ext.deactivate();
});

test('a server that does not start is an error message naming the command, not a crash', async () => {
  const record = { clients: [] };
  const vscode = fakeVscode({ 'nmdsl.server.command': ['nmdsl-missing', 'lsp'] });
  const ext = loadExtension(vscode, fakeClientModule(record, { failStart: true }));
  await ext.activate(context());
  assert.equal(vscode.events.errors.length, 1);
  assert.match(vscode.events.errors[0], /nmdsl-missing lsp\) did not start: spawn nmdsl ENOENT/);
  assert.match(vscode.events.errors[0], /nmdsl\[lsp\]/);
  await ext.deactivate();
});

test('server.enabled false starts no client', async () => {
  const record = { clients: [] };
  const ext = loadExtension(fakeVscode({ 'nmdsl.server.enabled': false }), fakeClientModule(record));
  await ext.activate(context());
  assert.equal(record.clients.length, 0);
  await ext.deactivate();
});

function nmDocument(file, extra = {}) {
  return {
    languageId: 'nmdsl',
    isUntitled: false,
    isDirty: false,
    uri: { scheme: 'file', fsPath: file },
    save: async () => true,
    ...extra,
  };
}

function tmpSession() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmdsl-vscode-'));
  const file = path.join(dir, 'attacks.nm');
  fs.writeFileSync(file, '10m @60%\n');
  return { dir, file, argsFile: path.join(dir, 'args.json') };
}

test('Open Live Preview runs the preview on a free port and shows its page beside the editor', async () => {
  const { file, argsFile } = tmpSession();
  process.env.FAKE_PREVIEW_ARGS = argsFile;
  const vscode = fakeVscode({
    'nmdsl.server.enabled': false,
    'nmdsl.preview.command': [process.execPath, path.join(__dirname, 'fake-preview.js')],
  });
  vscode.window.activeTextEditor = { document: nmDocument(file) };
  const ext = loadExtension(vscode, fakeClientModule({ clients: [] }));
  await ext.activate(context());
  try {
    await vscode.events.commands['nmdsl.openPreview']();
    assert.deepEqual(vscode.events.errors, []);
    const { args, pid } = JSON.parse(fs.readFileSync(argsFile, 'utf8'));
    assert.equal(args[0], file);
    assert.equal(args[1], '--no-browser');
    assert.equal(args[2], '--port');
    const port = Number(args[3]);
    assert.ok(port > 0);
    assert.equal(vscode.events.panels.length, 1);
    const panel = vscode.events.panels[0];
    assert.equal(panel.title, 'Preview attacks.nm');
    assert.ok(panel.options.enableScripts);
    assert.match(panel.webview.html, new RegExp(`<iframe src="http://127\\.0\\.0\\.1:${port}/"`));
    assert.ok(alive(pid));

    // A second call reuses the running server and reveals its panel.
    await vscode.events.commands['nmdsl.openPreview']();
    assert.equal(vscode.events.panels.length, 1);
    assert.equal(panel.revealed, 1);

    // Closing the panel stops the server; the next call starts a new one.
    panel.dispose();
    await waitFor(() => !alive(pid));
    await vscode.events.commands['nmdsl.openPreview']();
    assert.equal(vscode.events.panels.length, 2);
    const second = JSON.parse(fs.readFileSync(argsFile, 'utf8'));
    assert.notEqual(second.pid, pid);
    assert.ok(alive(second.pid));
    await ext.deactivate();
    await waitFor(() => !alive(second.pid));
    assert.deepEqual(vscode.events.warnings, [], 'servers stopped by the extension are no warning');
  } finally {
    delete process.env.FAKE_PREVIEW_ARGS;
    await ext.deactivate();
  }
});

test('a preview that stops by itself is a warning, its output is in the channel, and it can start again', async () => {
  const { file } = tmpSession();
  process.env.FAKE_PREVIEW_MODE = 'die-later';
  const vscode = fakeVscode({
    'nmdsl.server.enabled': false,
    'nmdsl.preview.command': [process.execPath, path.join(__dirname, 'fake-preview.js')],
  });
  vscode.window.activeTextEditor = { document: nmDocument(file) };
  const ext = loadExtension(vscode, fakeClientModule({ clients: [] }));
  await ext.activate(context());
  try {
    await vscode.events.commands['nmdsl.openPreview']();
    await waitFor(() => vscode.events.warnings.length === 1);
    assert.match(vscode.events.warnings[0], /the preview of attacks\.nm stopped \(exit code 3\)/);
    assert.match(vscode.events.output, /preview of .*attacks\.nm: http:\/\/127\.0\.0\.1:\d+\/\n/);
    assert.match(vscode.events.output, /GET \/ 200/);
    delete process.env.FAKE_PREVIEW_MODE;
    const [panel] = vscode.events.panels;
    const { argsFile } = tmpSession();
    process.env.FAKE_PREVIEW_ARGS = argsFile;
    panel.webview.html = 'stale';
    await vscode.events.commands['nmdsl.openPreview']();
    assert.equal(vscode.events.panels.length, 1, 'a new server, in the same panel');
    const { args } = JSON.parse(fs.readFileSync(argsFile, 'utf8'));
    assert.match(panel.webview.html, new RegExp(`<iframe src="http://127\\.0\\.0\\.1:${args[3]}/"`));
    assert.equal(panel.revealed, 1);
    assert.equal(vscode.events.warnings.length, 1);
  } finally {
    delete process.env.FAKE_PREVIEW_MODE;
    delete process.env.FAKE_PREVIEW_ARGS;
    await ext.deactivate();
  }
});

test('preview.openIn browser opens the URL in the system browser', async () => {
  const { file } = tmpSession();
  const vscode = fakeVscode({
    'nmdsl.server.enabled': false,
    'nmdsl.preview.openIn': 'browser',
    'nmdsl.preview.command': [process.execPath, path.join(__dirname, 'fake-preview.js')],
  });
  vscode.window.activeTextEditor = { document: nmDocument(file) };
  const ext = loadExtension(vscode, fakeClientModule({ clients: [] }));
  await ext.activate(context());
  try {
    await vscode.events.commands['nmdsl.openPreview']();
    assert.equal(vscode.events.panels.length, 0);
    assert.equal(vscode.events.opened.length, 1);
    assert.match(vscode.events.opened[0], /^http:\/\/127\.0\.0\.1:\d+\/$/);
  } finally {
    await ext.deactivate();
  }
});

test('the preview refuses an unsaved or non-nmdsl document and reports a failed start', async () => {
  const { file } = tmpSession();
  const vscode = fakeVscode({
    'nmdsl.server.enabled': false,
    'nmdsl.preview.command': ['/nonexistent/nmdsl', 'preview'],
  });
  const ext = loadExtension(vscode, fakeClientModule({ clients: [] }));
  await ext.activate(context());
  const run = vscode.events.commands['nmdsl.openPreview'];
  vscode.window.activeTextEditor = { document: { ...nmDocument(file), languageId: 'python' } };
  await run();
  vscode.window.activeTextEditor = { document: nmDocument(file, { isUntitled: true, uri: { scheme: 'untitled' } }) };
  await run();
  vscode.window.activeTextEditor = { document: nmDocument(file) };
  await run();
  assert.equal(vscode.events.errors.length, 3);
  assert.match(vscode.events.errors[0], /open a \.nm file/);
  assert.match(vscode.events.errors[1], /save the session to a file first/);
  assert.match(vscode.events.errors[2], /the preview did not start: \/nonexistent\/nmdsl was not found/);
  assert.equal(vscode.events.panels.length, 0);
  await ext.deactivate();
});
