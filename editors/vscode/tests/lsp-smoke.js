'use strict';
// Talks to a language server the way the extension's client does: the
// configured command spawned with LSP over stdio, through the protocol
// library vscode-languageclient is built on. Opens one session with a
// mistake, waits for its diagnostics, asks for a hover, and shuts down.
//
//   node tests/lsp-smoke.js PROGRAM [ARG...]
//
// Prints one JSON line: the server's capabilities (their names), the
// diagnostics published for the document, and whether the hover answered.
// Used by tests/test_vscode.py when this checkout has `nmdsl lsp`.
const childProcess = require('child_process');
const path = require('path');
const { pathToFileURL } = require('url');
const rpc = require('vscode-languageserver-protocol/node');

const TEXT = 'ftp: 250\n\nwarmup 10m ramp 45%-70%\n6x 30sec @150% / 30s @50%\n';

async function main() {
  const [command, ...args] = process.argv.slice(2);
  const server = childProcess.spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(server.stdout),
    new rpc.StreamMessageWriter(server.stdin)
  );
  const diagnostics = new Promise((resolve) => {
    connection.onNotification(rpc.PublishDiagnosticsNotification.type, (params) => {
      if (params.diagnostics.length > 0) resolve(params.diagnostics);
    });
  });
  connection.listen();
  const folder = path.join(__dirname, 'no-such-workspace');
  const uri = pathToFileURL(path.join(folder, 'smoke.nm')).toString();
  const init = await connection.sendRequest(rpc.InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    workspaceFolders: null,
    capabilities: {},
  });
  await connection.sendNotification(rpc.InitializedNotification.type, {});
  await connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'nmdsl', version: 1, text: TEXT },
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no diagnostics within 30 s')), 30000);
  });
  const published = await Promise.race([diagnostics, timeout]);
  clearTimeout(timer);
  const hover = await connection.sendRequest(rpc.HoverRequest.type, {
    textDocument: { uri },
    position: { line: 2, character: 8 },
  });
  await connection.sendRequest(rpc.ShutdownRequest.type);
  await connection.sendNotification(rpc.ExitNotification.type);
  const exited = await new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), 10000);
    server.on('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
  if (!exited) server.kill();
  connection.dispose();
  const capabilities = Object.keys(init.capabilities).sort();
  process.stdout.write(
    `${JSON.stringify({ capabilities, diagnostics: published, hover: Boolean(hover && hover.contents), exited })}\n`
  );
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
