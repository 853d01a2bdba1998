'use strict';
// Stands in for `nmdsl preview` in extension.test.js: records its arguments,
// prints a URL on the port it was given, and stays up until it is killed.
// FAKE_PREVIEW_MODE=exit makes it fail at once instead, as a bad command line would.
const fs = require('fs');
const args = process.argv.slice(2);
if (process.env.FAKE_PREVIEW_ARGS) fs.writeFileSync(process.env.FAKE_PREVIEW_ARGS, JSON.stringify({ args, pid: process.pid }));
if (process.env.FAKE_PREVIEW_MODE === 'exit') {
  process.stderr.write('E010 the file has no step\n');
  process.exit(2);
}
const port = args[args.indexOf('--port') + 1];
process.stdout.write(`Serving the preview at http://127.0.0.1:${port}/ (Ctrl+C stops)\n`);
// What a server logs later (FAKE_PREVIEW_MODE=die-later: then it fails, as a crash would).
setTimeout(() => {
  process.stderr.write('GET / 200\n');
  if (process.env.FAKE_PREVIEW_MODE === 'die-later') process.exit(3);
}, 50);
setInterval(() => {}, 1000);
