#!/usr/bin/env node
// An OpenAPI conformance check that shares no code with the server: it reads the document the
// gateway serves and a file of HTTP exchanges recorded against the real gateway, and reports every
// mismatch between them. It uses published validators only:
//   - the document itself against the official OpenAPI 3.x schema (@seriousme/openapi-schema-validator);
//   - each exchange against the document (Ajv, JSON Schema 2020-12, the dialect of OpenAPI 3.1):
//     the operation exists; the status is declared; the content type is one the response declares;
//     a body where one is declared and none where none is; the body valid against the response's
//     schema; headers the response marks required are present; a request the server accepted is
//     valid against the document (the document is no stricter than the server), and a request the
//     recorder broke on purpose and the server refused is invalid against it (the document states
//     the constraint the server enforced).
//
// Usage: node check.mjs <openapi.json> <exchanges.json>
// Exchanges: [{ method, path (with query), requestContentType?, requestBody? (text),
//               brokenOnPurpose? (what was broken), status, contentType?, headers? ({ lower-case name: value }), body? (text) }]
// Prints a JSON report { document: { valid, errors }, checked, mismatches: [{ exchange, problem }] } and
// exits 0 when the document is valid and there is no mismatch, 1 otherwise, 2 on bad usage.
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [documentPath, exchangesPath] = process.argv.slice(2);
if (!documentPath || !exchangesPath) {
  console.error("usage: node check.mjs <openapi.json> <exchanges.json>");
  process.exit(2);
}
const document = JSON.parse(await readFile(documentPath, "utf8"));
const exchanges = JSON.parse(await readFile(exchangesPath, "utf8"));

// 1. The document against the OpenAPI schema of its version.
const specValidator = new Validator();
const spec = await specValidator.validate(structuredClone(document));
const report = {
  document: { version: document.openapi, valid: spec.valid, errors: spec.valid ? [] : spec.errors },
  checked: 0,
  mismatches: [],
};
if (!String(document.openapi).startsWith("3.1")) {
  report.document.valid = false;
  report.document.errors.push({ message: `this checker validates OpenAPI 3.1 documents (JSON Schema 2020-12); the document is ${document.openapi}` });
}

// 2. Exchanges against the document.
const DOC = "openapi.json";
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
// OpenAPI's own numeric formats (the OpenAPI Format Registry).
ajv.addFormat("int32", { type: "number", validate: (n) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 });
ajv.addFormat("int64", { type: "number", validate: (n) => Number.isInteger(n) });
ajv.addFormat("float", { type: "number", validate: () => true });
ajv.addFormat("double", { type: "number", validate: () => true });
ajv.addSchema(document, DOC);
// Parameters arrive as text: the same schemas, with text coerced to the declared type.
const paramAjv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false, coerceTypes: true });
addFormats(paramAjv);
for (const f of ["int32", "int64", "float", "double"]) paramAjv.addFormat(f, { type: "number", validate: () => true });
paramAjv.addSchema(document, DOC);

const pointer = (...parts) => "#/" + parts.map((p) => String(p).replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
const compiled = new Map();
// A parameter's text is coerced to its declared type, which Ajv does for a property: validate { v: text }.
function parameterValidator(at) {
  const key = "p" + at;
  if (!compiled.has(key)) compiled.set(key, paramAjv.compile({ type: "object", properties: { v: { $ref: DOC + at } } }));
  return compiled.get(key);
}
function validatorAt(instance, ref) {
  const key = "b" + ref;
  if (!compiled.has(key)) compiled.set(key, instance.compile({ $ref: DOC + ref }));
  return compiled.get(key);
}
function resolve(node) {
  // Responses, request bodies and parameters may themselves be references into components.
  while (node && typeof node.$ref === "string") {
    node = node.$ref.replace(/^#\//, "").split("/").map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
      .reduce((at, p) => at?.[p], document);
  }
  return node;
}

const templates = Object.keys(document.paths ?? {}).map((template) => {
  const names = [];
  const source = template.split("/").map((segment) => segment.replace(/\{([^}]+)\}|[^{]+/g, (m, name) => {
    if (name) { names.push(name); return "([^/]+)"; }
    return m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  })).join("/");
  return { template, names, regex: new RegExp(`^${source}$`), literal: template.replace(/\{[^}]+\}/g, "").length };
}).sort((a, b) => b.literal - a.literal);

const mediaTypeOf = (contentType) => (contentType ?? "").split(";")[0].trim().toLowerCase();
const isJson = (mediaType) => mediaType === "application/json" || mediaType.endsWith("+json");
function describeErrors(errors) {
  return (errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "(root)"} ${e.message}${e.params && Object.keys(e.params).length ? " " + JSON.stringify(e.params) : ""}`).join("; ");
}
function matchMedia(content, mediaType) {
  if (!content) return undefined;
  if (content[mediaType]) return mediaType;
  const [type] = mediaType.split("/");
  if (content[`${type}/*`]) return `${type}/*`;
  if (content["*/*"]) return "*/*";
  return undefined;
}

for (const x of exchanges) {
  report.checked++;
  const url = new URL(x.path, "http://recorded.invalid");
  const label = `${x.method} ${x.path} → ${x.status}${x.brokenOnPurpose ? ` [${x.brokenOnPurpose}]` : ""}`;
  const fail = (problem) => report.mismatches.push({ exchange: label, problem });
  const method = x.method.toLowerCase();
  let match;
  let pathValues;
  for (const t of templates) {
    const m = t.regex.exec(url.pathname);
    if (m && document.paths[t.template][method]) {
      match = t;
      pathValues = Object.fromEntries(t.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      break;
    }
  }
  if (!match) { fail("no operation of the document matches this method and path"); continue; }
  const operation = document.paths[match.template][method];
  const operationRef = ["paths", match.template, method];

  // The status, or its range, or a default.
  const status = String(x.status);
  const statusKey = [status, `${status[0]}XX`, "default"].find((k) => operation.responses?.[k]);
  if (!statusKey) {
    fail(`status ${status} is not declared (declared: ${Object.keys(operation.responses ?? {}).join(", ")})`);
  } else {
    const response = resolve(operation.responses[statusKey]);
    const responseRef = operation.responses[statusKey].$ref ? operation.responses[statusKey].$ref.slice(1) : pointer(...operationRef, "responses", statusKey).slice(1);
    const hasBody = typeof x.body === "string" && x.body.length > 0;
    const mediaType = mediaTypeOf(x.contentType);
    if (hasBody && !response.content) fail(`a body (${mediaType || "no content type"}) where the document declares none`);
    if (!hasBody && response.content && x.method !== "HEAD" && Object.keys(response.content).length > 0) fail(`no body where the document declares ${Object.keys(response.content).join(", ")}`);
    if (hasBody && response.content) {
      const declared = matchMedia(response.content, mediaType);
      if (!declared) {
        fail(`content type ${mediaType || "(none)"} is not declared (declared: ${Object.keys(response.content).join(", ")})`);
      } else if (isJson(mediaType) && response.content[declared].schema) {
        let body;
        try { body = JSON.parse(x.body); } catch { fail(`the ${mediaType} body is not JSON`); }
        if (body !== undefined) {
          const validate = validatorAt(ajv, "#" + responseRef + pointer("content", declared, "schema").slice(1));
          if (!validate(body)) fail(`the body does not match the declared schema: ${describeErrors(validate.errors)}`);
        }
      }
    }
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const h = resolve(header);
      if (h?.required && !(name.toLowerCase() in (x.headers ?? {}))) fail(`required header ${name} is missing`);
    }
  }

  // The request: what the server accepted must be valid against the document, and what the
  // recorder broke on purpose (and the server refused) must be invalid against it.
  const accepted = x.status >= 200 && x.status < 300;
  const requestBody = resolve(operation.requestBody);
  const requestMedia = mediaTypeOf(x.requestContentType);
  const bodySchemaAt = () => {
    const base = operation.requestBody?.$ref ? operation.requestBody.$ref.slice(1) : pointer(...operationRef, "requestBody").slice(1);
    return "#" + base + pointer("content", requestMedia, "schema").slice(1);
  };
  // "path X" or "query X" names a parameter broken on purpose; anything else, the body.
  const bodyBroken = x.brokenOnPurpose && !/^(path|query) /.test(x.brokenOnPurpose);
  if (typeof x.requestBody === "string" && requestBody?.content?.[requestMedia]?.schema && isJson(requestMedia)) {
    let body;
    let parsed = true;
    try { body = JSON.parse(x.requestBody); } catch { parsed = false; }
    if (parsed) {
      const validate = validatorAt(ajv, bodySchemaAt());
      const valid = validate(body);
      if (accepted && !valid) fail(`the server accepted a request body the document calls invalid: ${describeErrors(validate.errors)}`);
      if (bodyBroken && !accepted && valid) fail(`the server refused a request body broken on purpose (${x.brokenOnPurpose}), but the document calls it valid: the document does not state that constraint`);
    }
  } else if (accepted && operation.requestBody && resolve(operation.requestBody).required && typeof x.requestBody !== "string") {
    fail("the server accepted a request without the body the document requires");
  }
  const pathParameters = document.paths[match.template].parameters ?? [];
  const ownParameters = operation.parameters ?? [];
  const parameters = [
    ...pathParameters.map((p, i) => [resolve(p), pointer("paths", match.template, "parameters", i, "schema")]),
    ...ownParameters.map((p, i) => [resolve(p), pointer(...operationRef, "parameters", i, "schema")]),
  ];
  for (const [p, at] of parameters) {
    if (!p?.schema || (p.in !== "path" && p.in !== "query")) continue;
    // A query array (style form, explode: name=a&name=b) is every value of the name; anything else, one value.
    const type = resolve(p.schema)?.type;
    const isArray = p.in === "query" && (type === "array" || (Array.isArray(type) && type.includes("array")));
    const value = p.in === "path" ? pathValues[p.name]
      : isArray ? (url.searchParams.has(p.name) ? url.searchParams.getAll(p.name) : undefined)
      : url.searchParams.get(p.name) ?? undefined;
    if (value === undefined) {
      if (accepted && p.required) fail(`the server accepted a request without the required ${p.in} parameter ${p.name}`);
      continue;
    }
    const validate = parameterValidator(at);
    const valid = validate({ v: value });
    if (accepted && !valid) fail(`the server accepted ${p.in} parameter ${p.name}=${JSON.stringify(value)}, which the document calls invalid: ${describeErrors(validate.errors)}`);
    if (x.brokenOnPurpose === `${p.in} ${p.name}` && !accepted && valid) fail(`the server refused ${p.in} parameter ${p.name}=${JSON.stringify(value)} (broken on purpose), but the document calls it valid`);
  }
}

console.log(JSON.stringify(report, null, 2));
process.exit(report.document.valid && report.mismatches.length === 0 ? 0 : 1);
