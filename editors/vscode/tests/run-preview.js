'use strict';
// Starts a real preview server the way "nmdsl: Open Live Preview" does and
// fetches its page: node tests/run-preview.js FILE PROGRAM [ARG...]
// Prints the URL and the page's HTTP status, then stops the server.
// Used by tests/test_vscode.py when this checkout has `nmdsl preview`.
const c = require('../lib/commands');

async function main() {
  const [file, command, ...args] = process.argv.slice(2);
  const port = await c.freePort();
  const { process: server, url } = await c.startPreview(command, c.previewArgs(args, file, port), {
    timeoutMs: 60000,
  });
  try {
    const response = await fetch(url);
    const body = await response.text();
    const headers = {
      xFrameOptions: response.headers.get('x-frame-options'),
      csp: response.headers.get('content-security-policy'),
    };
    process.stdout.write(`${JSON.stringify({ url, port, status: response.status, length: body.length, headers })}\n`);
  } finally {
    server.kill();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
