// Prints, for every CloudFormation template named on the command line, the template as parsed by cfn-lint
// (short tags such as !Ref and !GetAtt expanded to their long forms) and cfn-lint's findings, as one JSON
// document on stdout. EvSwap.Infra.Tests judges the findings; this script only collects them, so the rules
// about what may be ignored live in one place (the tests) and not half here.
"use strict";
const path = require("path");
const parser = require("cfn-lint/lib/parser");
const cfnLint = require("cfn-lint");

const out = [];
for (const file of process.argv.slice(2)) {
  const entry = { file: path.resolve(file), template: null, findings: [], parseError: null };
  try {
    entry.template = parser.openFile(file);
    // Validation mutates the object it is given (it resolves intrinsics in place): lint a fresh parse.
    const result = cfnLint.validateFile(file, {});
    for (const level of ["crit", "warn", "info"]) {
      for (const e of result.errors[level]) {
        entry.findings.push({ level, resource: e.resource, message: e.message });
      }
    }
  } catch (e) {
    entry.parseError = String(e && e.message || e);
  }
  out.push(entry);
}
process.stdout.write(JSON.stringify(out));
