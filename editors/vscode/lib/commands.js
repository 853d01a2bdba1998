'use strict';
// The parts of the extension that need no VS Code: reading a command
// setting, choosing a port, starting `nmdsl preview` and reading its URL.
// Kept apart so that tests run them with plain Node.js.

const childProcess = require('child_process');
const net = require('net');

/**
 * A command setting as {command, args}. The setting is an array (the program,
 * then each argument); a string is split at spaces for convenience. Anything
 * else, or an empty value, gives the default.
 */
function splitCommand(value, fallback) {
  let parts = value;
  if (typeof parts === 'string') {
    parts = parts.trim().split(/\s+/).filter(Boolean);
  }
  if (!Array.isArray(parts) || parts.length === 0 || !parts.every((p) => typeof p === 'string' && p !== '')) {
    parts = fallback;
  }
  return { command: parts[0], args: parts.slice(1) };
}

/** The arguments for `nmdsl preview`: the setting's own, then the file, no browser, the port. */
function previewArgs(args, file, port) {
  return [...args, file, '--no-browser', '--port', String(port)];
}

/** A TCP port free on 127.0.0.1 just now (the preview server binds it a moment later). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const URL_RE = /\bhttps?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:\/[^\s'"<>]*)?/;

/** The first local http URL in `text`, or null. */
function findUrl(text) {
  const m = URL_RE.exec(text);
  return m ? m[0] : null;
}

/**
 * Start the preview server and wait for the URL it prints.
 * Resolves {process, url}; rejects with an Error that says what went wrong
 * (the program is missing, it exited, or it printed no URL in time) and
 * carries what it wrote to stderr.
 */
function startPreview(command, args, options = {}) {
  const timeoutMs = options.timeoutMs ?? 20000;
  return new Promise((resolve, reject) => {
    let proc;
    try {
      proc = childProcess.spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (err) {
      reject(new Error(`could not run ${command}: ${err.message}`));
      return;
    }
    let out = '';
    let err = '';
    let done = false;
    const finish = (error, url) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        if (proc.exitCode === null) proc.kill();
        reject(error);
      } else {
        resolve({ process: proc, url });
      }
    };
    const timer = setTimeout(() => {
      finish(new Error(`${command} printed no URL within ${timeoutMs / 1000} s${tail(err)}`));
    }, timeoutMs);
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    // Both pipes are read for as long as the server runs (a full pipe would
    // stop it); once the URL is known, what comes is handed to onOutput.
    const onOutput = options.onOutput ?? (() => {});
    proc.stdout.on('data', (chunk) => {
      if (done) return onOutput(chunk);
      out += chunk;
      const url = findUrl(out);
      if (url) finish(null, url);
    });
    proc.stderr.on('data', (chunk) => {
      if (done) return onOutput(chunk);
      err += chunk;
      // Some servers log their address on stderr.
      const url = findUrl(err);
      if (url) finish(null, url);
    });
    proc.on('error', (e) => {
      const what = e.code === 'ENOENT' ? `${command} was not found` : `could not run ${command}: ${e.message}`;
      finish(new Error(what));
    });
    proc.on('exit', (code, signal) => {
      finish(new Error(`${command} stopped (${signal || `exit code ${code}`}) before printing its URL${tail(err)}`));
    });
  });
}

function tail(text) {
  const t = text.trim();
  return t ? `: ${t.split('\n').slice(-5).join('\n')}` : '';
}

/** The HTML of the preview panel: the preview page in a frame filling the panel. */
function previewHtml(url, title) {
  const origin = new URL(url).origin;
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; frame-src ${esc(origin)}; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>html, body, iframe { margin: 0; padding: 0; border: 0; width: 100%; height: 100%; overflow: hidden; }</style>
</head>
<body><iframe src="${esc(url)}" title="${esc(title)}"></iframe></body>
</html>
`;
}

module.exports = { splitCommand, previewArgs, freePort, findUrl, startPreview, previewHtml };
