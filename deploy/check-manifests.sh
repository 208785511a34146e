#!/usr/bin/env bash
# Parses every manifest under deploy/kubernetes and checks that each document has apiVersion, kind
# and metadata.name (and that namespaced objects say which namespace). Needs Python 3 with PyYAML
# (Debian: python3-yaml, installed here when missing). When kubectl is on the PATH it also renders
# the kustomization offline (kubectl kustomize) to catch broken references.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! python3 -c 'import yaml' 2>/dev/null; then
  echo "Installing python3-yaml (Debian)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-yaml >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq python3-yaml >/dev/null; fi
fi

python3 - kubernetes/*.yaml <<'PY'
import sys, yaml

cluster_scoped = {"Namespace", "ClusterRole", "ClusterRoleBinding", "Kustomization"}
failures, count = [], 0
for path in sys.argv[1:]:
    try:
        with open(path) as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
    except yaml.YAMLError as e:
        failures.append(f"{path}: does not parse: {e}")
        continue
    if not docs:
        failures.append(f"{path}: no documents")
    for i, doc in enumerate(docs, 1):
        count += 1
        where = f"{path} document {i}"
        if not isinstance(doc, dict):
            failures.append(f"{where}: not a mapping"); continue
        for key in ("apiVersion", "kind"):
            if not isinstance(doc.get(key), str) or not doc[key]:
                failures.append(f"{where}: no {key}")
        meta = doc.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if not isinstance(name, str) or not name:
            failures.append(f"{where}: no metadata.name")
        elif doc.get("kind") not in cluster_scoped and not meta.get("namespace"):
            failures.append(f"{where} ({doc.get('kind')}/{name}): no metadata.namespace")
        else:
            print(f"ok  {path}: {doc.get('kind')}/{name}")
for f in failures:
    print(f"FAIL {f}")
print(f"{count} documents, {len(failures)} problems")
sys.exit(1 if failures else 0)
PY

if command -v kubectl >/dev/null; then
  kubectl kustomize kubernetes >/dev/null
  echo "ok  kubectl kustomize kubernetes renders"
fi
