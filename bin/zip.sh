#!/usr/bin/env bash
# npm run zip: the release, dify-chatbot.zip (top folder dify-chatbot/), as users upload it in wp-admin.
# The build runs first unless build/ is newer than everything it is made from; then wp-scripts
# plugin-zip packs what package.json's `files` lists: the plugin's PHP, build/, languages/, readme.txt
# and the human-readable sources of the built JavaScript (src/ without its tests, webpack.config.js;
# npm adds package.json and README.md to any `files` list). See docs/release.md.
#
#   ZIP_REBUILD=1 npm run zip    build even when build/ looks current
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
die() { echo "zip: $*" >&2; exit 1; }

[ -x node_modules/.bin/wp-scripts ] || die "node_modules is missing: run 'npm ci' first."
stale=$(find src package.json package-lock.json webpack.config.js -newer build/.stamp -print -quit 2> /dev/null || echo build/.stamp)
if [ "${ZIP_REBUILD:-0}" = 1 ] || [ ! -f build/.stamp ] || [ -n "$stale" ]; then
	echo "zip: building (${stale:-forced})"
	log=$(mktemp)
	# A build from scratch: a file left in build/ by an older build must not ship.
	rm -rf build
	npx wp-scripts build --webpack-copy-php --blocks-manifest > "$log" 2>&1 || { tail -40 "$log" >&2; rm -f "$log"; die "the build failed."; }
	rm -f "$log"
	touch build/.stamp
fi

rm -f dify-chatbot.zip
npx wp-scripts plugin-zip > /dev/null || die "wp-scripts plugin-zip failed."
[ -f dify-chatbot.zip ] || die "wp-scripts plugin-zip wrote no dify-chatbot.zip."
echo "zip: $ROOT/dify-chatbot.zip ($(wc -c < dify-chatbot.zip) bytes)"
