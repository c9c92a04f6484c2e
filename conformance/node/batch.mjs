// Runs one adapter (conformance/node/<name>.mjs) on many inputs in one Node process:
// reads one JSON input per line on stdin, writes one JSON line per input on stdout,
// {"ok": value} or {"error": message}. Usage: node batch.mjs ADAPTER PACKAGE_ROOT
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [adapterPath, packageRoot] = process.argv.slice(2);
const manifest = JSON.parse(readFileSync(path.join(packageRoot, "package.json"), "utf8"));
const requireFromPackage = createRequire(path.join(packageRoot, "package.json"));

// An entry point: "<package>/<subpath>" through the package's exports, or "./file" inside it.
async function load(entry) {
  const file = entry.startsWith("./") ? path.join(packageRoot, entry) : requireFromPackage.resolve(entry);
  return import(pathToFileURL(file).href);
}

const adapter = await import(pathToFileURL(path.resolve(adapterPath)).href);
const run = await adapter.prepare(load, manifest.name);
let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;
const lines = text.split("\n").filter((l) => l.trim());
const out = [];
for (const line of lines) {
  try {
    out.push(JSON.stringify({ ok: await run(JSON.parse(line)) }));
  } catch (err) {
    out.push(JSON.stringify({ error: String(err?.message ?? err).slice(0, 300) }));
  }
}
process.stdout.write(out.join("\n") + "\n");
