'use strict';
// The nmdsl extension: starts `nmdsl lsp` (the language server, over stdio)
// for .nm files and offers "nmdsl: Open Live Preview", which runs
// `nmdsl preview FILE --no-browser --port N` and shows the page it serves.
// Plain JavaScript, no build step: this file is what VS Code loads.

const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');
const { splitCommand, previewArgs, freePort, startPreview, previewHtml } = require('./lib/commands');

const SERVER_DEFAULT = ['nmdsl', 'lsp'];
const PREVIEW_DEFAULT = ['nmdsl', 'preview'];

let client = null;
let output = null;
/** file path -> {process, url, panel} for each running preview. */
const previews = new Map();

function config() {
  return vscode.workspace.getConfiguration('nmdsl');
}

async function startClient() {
  if (!config().get('server.enabled', true)) return;
  const { command, args } = splitCommand(config().get('server.command'), SERVER_DEFAULT);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'nmdsl' },
      { scheme: 'untitled', language: 'nmdsl' },
    ],
    outputChannel: output,
  };
  client = new LanguageClient('nmdsl', 'nmdsl language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    const shown = [command, ...args].join(' ');
    vscode.window.showErrorMessage(
      `nmdsl: the language server (${shown}) did not start: ${err && err.message ? err.message : err}. ` +
        "Install it with pip install 'nmdsl[lsp]', or set nmdsl.server.command to its full path."
    );
  }
}

async function stopClient() {
  const running = client;
  client = null;
  if (running) {
    try {
      await running.stop();
    } catch (_) {
      // It may never have started; nothing to stop then.
    }
  }
}

async function restartClient() {
  await stopClient();
  await startClient();
}

function stopPreview(file) {
  const entry = previews.get(file);
  if (!entry) return;
  previews.delete(file);
  const proc = entry.process;
  entry.process = null; // so that its exit is no surprise
  if (proc && proc.exitCode === null) proc.kill();
  if (entry.panel) entry.panel.dispose();
}

function running(entry) {
  return Boolean(entry && entry.process && entry.process.exitCode === null);
}

async function show(entry, file) {
  const title = `Preview ${path.basename(file)}`;
  if (config().get('preview.openIn', 'editor') === 'browser') {
    await vscode.env.openExternal(vscode.Uri.parse(entry.url));
    return;
  }
  // In a remote window the port is forwarded and the URL rewritten.
  const external = (await vscode.env.asExternalUri(vscode.Uri.parse(entry.url))).toString(true);
  if (entry.panel) {
    if (entry.shown !== external) entry.panel.webview.html = previewHtml(external, title);
    entry.shown = external;
    entry.panel.reveal(vscode.ViewColumn.Beside, true);
    return;
  }
  const created = vscode.window.createWebviewPanel(
    'nmdsl.preview',
    title,
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    { enableScripts: true, retainContextWhenHidden: true }
  );
  created.webview.html = previewHtml(external, title);
  created.onDidDispose(() => {
    entry.panel = null;
    entry.shown = null;
    stopPreview(file);
  });
  entry.panel = created;
  entry.shown = external;
}

async function openPreview(uri) {
  let document = null;
  if (uri && uri.fsPath) {
    document = await vscode.workspace.openTextDocument(uri);
  } else if (vscode.window.activeTextEditor) {
    document = vscode.window.activeTextEditor.document;
  }
  if (!document || document.languageId !== 'nmdsl') {
    vscode.window.showErrorMessage('nmdsl: open a .nm file to preview it.');
    return;
  }
  if (document.isUntitled || document.uri.scheme !== 'file') {
    vscode.window.showErrorMessage('nmdsl: save the session to a file first; the preview follows the saved file.');
    return;
  }
  if (document.isDirty) await document.save();
  const file = document.uri.fsPath;
  // One server per file; a panel left by a server that stopped is reused.
  const entry = previews.get(file) || { process: null, url: null, panel: null, shown: null };
  if (running(entry)) {
    await show(entry, file);
    return;
  }
  const { command, args } = splitCommand(config().get('preview.command'), PREVIEW_DEFAULT);
  const port = await freePort();
  let started;
  try {
    started = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'nmdsl: starting the preview' },
      () =>
        startPreview(command, previewArgs(args, file, port), {
          cwd: path.dirname(file),
          onOutput: (text) => output.append(text),
        })
    );
  } catch (err) {
    vscode.window.showErrorMessage(
      `nmdsl: the preview did not start: ${err.message}. ` +
        'Install nmdsl (pip install nmdsl), or set nmdsl.preview.command to its full path.'
    );
    return;
  }
  entry.process = started.process;
  entry.url = started.url;
  entry.shown = null; // a reused panel shows the new server's page
  previews.set(file, entry);
  started.process.on('exit', (code, signal) => {
    if (entry.process !== started.process) return; // stopped by us
    entry.process = null;
    vscode.window.showWarningMessage(
      `nmdsl: the preview of ${path.basename(file)} stopped (${signal || `exit code ${code}`}); ` +
        'run nmdsl: Open Live Preview to start it again. Its output is in the nmdsl output channel.'
    );
  });
  output.appendLine(`preview of ${file}: ${started.url}`);
  await show(entry, file);
}

async function activate(context) {
  output = vscode.window.createOutputChannel('nmdsl');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('nmdsl.openPreview', openPreview),
    vscode.commands.registerCommand('nmdsl.restartServer', restartClient),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('nmdsl.server')) restartClient();
    }),
    { dispose: () => [...previews.keys()].forEach(stopPreview) }
  );
  await startClient();
}

async function deactivate() {
  [...previews.keys()].forEach(stopPreview);
  await stopClient();
}

module.exports = { activate, deactivate };
