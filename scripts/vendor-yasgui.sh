#!/usr/bin/env bash
# Refresh the vendored YASGUI (the query page's editor) from the npm registry.
#   bash scripts/vendor-yasgui.sh [VERSION]
# The served copy lives in server/static/vendor/yasgui/ and is committed, so the server works
# offline and needs no CDN; this script is only for moving to another version.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-$(cat server/static/vendor/yasgui/VERSION)}"
target=server/static/vendor/yasgui
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@zazuko/yasgui@$version" >/dev/null && tar xzf zazuko-yasgui-*.tgz)
# The bundle without its source-map comment: the maps (7 MB) are not served.
sed '/^\/\/# sourceMappingURL=/d' "$work/package/build/yasgui.min.js" > "$target/yasgui.min.js"
sed 's#/\*\# sourceMappingURL=[^*]*\*/##' "$work/package/build/yasgui.min.css" > "$target/yasgui.min.css"
echo "$version" > "$target/VERSION"
echo "vendored @zazuko/yasgui $version into $target"
