#!/usr/bin/env bash
# The WordPress versions matrix (`npm test`'s `versions` suite; also `npm run test:versions`): one
# site per version (bin/env.sh with WP_VERSION, MariaDB, each with its own Dify emulator), started
# side by side, then the smoke spec of tests/e2e/versions/ on each (one Playwright project per
# version: tests/e2e/versions.config.ts), then the sites are stopped. Arguments go to Playwright.
#
# Environment: WP_VERSIONS ("6.2 7.1": the oldest supported, which also runs the plugin's own
# react-jsx-runtime of 6.2–6.5, and the newest; "6.2 6.8 7.1" adds the last 6.x, and 6.5, 6.6-rc,
# 6.4, 6.3 work too — npm test keeps to two to stay under 20 minutes), WP_VERSIONS_PORT (8980):
# version number i (from 0) serves WordPress on WP_VERSIONS_PORT+1+2i and its emulator on the next
# port. WP_DB_TAG as for bin/env.sh. WP_VERSIONS_KEEP=1 leaves the sites running afterwards.
#
# Fails when a test fails, a site does not start, or PHP logged a message from the plugin's own files
# on any of the sites (WordPress's own deprecation notices on old versions are counted, not failed).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
read -r -a VERSIONS <<< "${WP_VERSIONS:-6.2 7.1}"
BASE_PORT=${WP_VERSIONS_PORT:-8980}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
unset DIFY_CHATBOT_BASE_URL DIFY_CHATBOT_API_KEY
T0=$(date +%s)
die() { echo "versions: $*" >&2; exit 1; }

site_env() { # index version -> the environment bin/env.sh gets for that version's site
	local port=$((BASE_PORT + 1 + 2 * $1))
	echo "WP_SITE=wp-$2 WP_VERSION=$2 WP_DB=mariadb WP_PORT=$port DIFY_EMULATOR_PORT=$((port + 1))"
}
stop_sites() {
	[ "${WP_VERSIONS_KEEP:-0}" = 1 ] && return
	for v in "${VERSIONS[@]}"; do WP_SITE=wp-$v bash bin/env.sh stop > /dev/null 2>&1; done
}
trap stop_sites EXIT

# The front end is built once here, not by each site's start at the same moment.
if [ ! -f build/.stamp ] || [ -n "$(find src package.json -newer build/.stamp -print -quit)" ]; then
	npx wp-scripts build --webpack-copy-php --blocks-manifest > /tmp/dify-chatbot-versions-build.log 2>&1 ||
		{ tail -30 /tmp/dify-chatbot-versions-build.log; die "the front-end build failed."; }
	touch build/.stamp
fi

# ------------------------------------------------------------------ the sites, side by side
# Each source of WordPress is prepared once under a lock (bin/wordpress-dist.sh), so sites of the
# same source wait for one another and the others go ahead.
echo "::: starting WordPress ${VERSIONS[*]}"
pids=() sites_json=()
for i in "${!VERSIONS[@]}"; do
	v=${VERSIONS[$i]}
	mkdir -p ".wp/wp-$v"
	# shellcheck disable=SC2046 # the words of site_env are NAME=value pairs
	env $(site_env "$i" "$v") WP_RESET=1 bash bin/env.sh start > ".wp/wp-$v/start.log" 2>&1 &
	pids+=($!)
	port=$((BASE_PORT + 1 + 2 * i))
	sites_json+=("{\"version\":\"$v\",\"url\":\"http://127.0.0.1:$port\",\"emulator\":\"http://127.0.0.1:$((port + 1))/v1\"}")
done
started=1
for i in "${!VERSIONS[@]}"; do
	v=${VERSIONS[$i]}
	if wait "${pids[$i]}"; then
		echo "  WordPress $(sed -n 's/^  WordPress \([^ ]*\) .*/\1/p' ".wp/wp-$v/start.log") on :$((BASE_PORT + 1 + 2 * i))"
	else
		started=0
		echo "  WordPress $v did not start:"
		tail -15 ".wp/wp-$v/start.log" | sed 's/^/    /'
	fi
done
echo "::: sites ready after $(( $(date +%s) - T0 ))s"
[ $started = 1 ] || die "not every version site started."
for v in "${VERSIONS[@]}"; do rm -f ".wp/wp-$v/run/debug.log"; done

# ------------------------------------------------------------------ the smoke, one project a version
export WP_VERSION_SITES="[$(IFS=,; echo "${sites_json[*]}")]"
npx wp-scripts test-playwright --config tests/e2e/versions.config.ts "$@"
status=$?

# PHP messages from the plugin's own files on any version fail the run.
for v in "${VERSIONS[@]}"; do
	log=.wp/wp-$v/run/debug.log
	[ -s "$log" ] || continue
	if grep -F "$ROOT/" "$log" | grep -vF "$ROOT/.wp/" > /dev/null; then
		echo "::: PHP messages from the plugin on WordPress $v ($log):"
		grep -F "$ROOT/" "$log" | grep -vF "$ROOT/.wp/" | head -20
		status=1
	else
		echo "::: WordPress $v: $(grep -c 'PHP ' "$log") PHP messages from WordPress itself, none from the plugin"
	fi
done
echo "::: versions: $(( $(date +%s) - T0 ))s"
exit $status
