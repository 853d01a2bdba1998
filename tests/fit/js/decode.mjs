// Decode FIT files with Garmin's JavaScript SDK (@garmin/fitsdk), for the tests.
//
//   node decode.mjs FILE...    prints one JSON object per file, one per line:
//   {"file", "isFIT", "integrity", "errors", "workout", "steps"}
//
// FITSDK_DIR is the SDK's package folder (node_modules/@garmin/fitsdk), where
// .ci/run installs it; an ES module does not look in NODE_PATH.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const { Decoder, Stream } = await import(pathToFileURL(join(process.env.FITSDK_DIR, "src", "index.js")).href);

for (const file of process.argv.slice(2)) {
  const stream = Stream.fromBuffer(readFileSync(file));
  const decoder = new Decoder(stream);
  const isFIT = decoder.isFIT();
  const integrity = decoder.checkIntegrity();
  const { messages, errors } = decoder.read({ expandSubFields: true, convertTypesToStrings: true });
  const out = {
    file,
    isFIT,
    integrity,
    errors: errors.map(String),
    workout: (messages.workoutMesgs ?? [])[0] ?? null,
    steps: messages.workoutStepMesgs ?? [],
  };
  process.stdout.write(JSON.stringify(out) + "\n");
}
