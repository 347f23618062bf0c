// Validate rendered Kubernetes manifests (a YAML stream on stdin, e.g. `helm template`) against
// the Kubernetes OpenAPI schemas of the npm package kubernetes-models: every object must be of
// a known kind and pass its schema (required fields, types, enums). Prints one line per object;
// exits 1 on the first invalid one. With --json, prints the objects as one JSON array instead.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const groups = { v1: "v1" };  // apiVersion → module folder of kubernetes-models

async function modelFor(apiVersion, kind) {
  const folder = groups[apiVersion] ?? apiVersion;  // "apps/v1" → "apps/v1"
  return (await import(`kubernetes-models/${folder}/${kind}`))[kind];
}

const documents = parseAllDocuments(readFileSync(0, "utf8"));
const asJson = process.argv.includes("--json");
const objects = [];
let count = 0;
for (const document of documents) {
  const object = document.toJS();
  if (!object) continue;
  const Model = await modelFor(object.apiVersion, object.kind);
  try {
    new Model(object).validate();
  } catch (error) {
    console.error(`INVALID ${object.kind}/${object.metadata?.name}: ${error.message}`);
    process.exit(1);
  }
  count += 1;
  objects.push(object);
  if (!asJson) console.log(`valid ${object.apiVersion} ${object.kind}/${object.metadata.name}`);
}
console.log(asJson ? JSON.stringify(objects) : `${count} objects valid`);
