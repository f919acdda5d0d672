#!/usr/bin/env bash
# npm test: every suite, against a real WordPress 7.1 (MariaDB, plus a SQLite smoke site), the Dify
# emulator and Debian's Chromium. Starts what it needs, stops it afterwards, and fails if any suite
# fails. Installs what is missing first (apt as root, npm ci, composer install).
#
#   TEST_ONLY="phpunit e2e" npm test     run only some suites
#   (suites: lint-js lint-style phpcs tsc pot phpstan jest emulator phpunit phpunit-multisite e2e zip plugin-check
#   install versions stacks nodes)
#   TEST_ONLY="phpunit-multisite" npm test     only the multisite piece of the phpunit suite
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The suites use the emulator, never a real Dify from the shell.
unset DIFY_CHATBOT_BASE_URL DIFY_CHATBOT_API_KEY

TEST_PORT=${WP_TEST_PORT:-8889} TEST_EMU_PORT=${DIFY_TEST_EMULATOR_PORT:-8788}
SQLITE_PORT=${WP_SQLITE_TEST_PORT:-8890} SQLITE_EMU_PORT=${DIFY_SQLITE_TEST_EMULATOR_PORT:-8789}
export WP_BASE_URL="http://127.0.0.1:$TEST_PORT" WP_SQLITE_BASE_URL="http://127.0.0.1:$SQLITE_PORT"
export DIFY_EMULATOR_URL="http://127.0.0.1:$TEST_EMU_PORT/v1"
# The subdirectory multisite network of tests/e2e/specs/multisite.spec.ts (bin/env.sh WP_MULTISITE=1).
MULTISITE_PORT=${WP_MULTISITE_TEST_PORT:-8894} MULTISITE_EMU_PORT=${DIFY_MULTISITE_TEST_EMULATOR_PORT:-8795}
export WP_MULTISITE_BASE_URL="http://127.0.0.1:$MULTISITE_PORT" DIFY_MULTISITE_EMULATOR_URL="http://127.0.0.1:$MULTISITE_EMU_PORT/v1"

die() { echo "test: $*" >&2; exit 1; }
T0=$(date +%s)

# ------------------------------------------------------------------ what the suites need
apt_need=()
command -v chromium > /dev/null || apt_need+=(chromium)
command -v composer > /dev/null || apt_need+=(composer)
command -v mariadb > /dev/null || apt_need+=(mariadb-server)
# The TLS tests make a self-signed certificate with the openssl command.
command -v openssl > /dev/null || apt_need+=(openssl)
# The shared-cache e2e spec puts Debian's nginx as a caching proxy in front of the test site.
command -v nginx > /dev/null || apt_need+=(nginx)
if [ ${#apt_need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "Missing: ${apt_need[*]}. Run 'sudo apt-get install ${apt_need[*]}' and test again."
	echo "::: installing ${apt_need[*]} (apt)"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_need[@]}"; } > /tmp/dify-chatbot-apt.log 2>&1 ||
		{ tail -20 /tmp/dify-chatbot-apt.log; die "apt-get install failed."; }
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "::: npm ci"
	npm ci --no-audit --no-fund || die "npm ci failed."
fi
# The dev tools come from composer.lock (committed): a lock that no longer matches composer.json
# stops the run instead of resolving anew.
if [ ! -x vendor/bin/phpunit ] || [ composer.json -nt vendor/autoload.php ] || [ composer.lock -nt vendor/autoload.php ]; then
	echo "::: composer install (from composer.lock)"
	[ -f composer.lock ] || die "composer.lock is missing: it is committed; restore it (git checkout composer.lock)."
	composer validate --no-check-publish --no-check-all -q ||
		die "composer.lock does not match composer.json: run 'composer update --lock' and commit composer.lock."
	composer install --no-interaction --no-progress || die "composer install failed."
fi
echo "::: build"
npx wp-scripts build --webpack-copy-php --blocks-manifest > /tmp/dify-chatbot-build.log 2>&1 || { tail -40 /tmp/dify-chatbot-build.log; die "build failed."; }
touch build/.stamp

# ------------------------------------------------------------------ suites
# Two lanes run side by side, one per core: the browser suites of the php -S test sites in the
# foreground (phpunit, e2e), everything else in the background (static checks, the release, the
# WordPress versions, the server stacks, the web nodes). Each lane's suites run one after another;
# the background lane's output is shown after the foreground's. Every site, port and Playwright
# artifacts folder of one lane is its own, so the lanes cannot see each other.
passed=0 failed=0 failed_names=()
selected() { [ -z "${TEST_ONLY:-}" ] || [[ " $TEST_ONLY " == *" $1 "* ]]; }
# A piece of a suite runs with its suite, or alone by its own name.
if [ -n "${TEST_ONLY:-}" ] && selected phpunit; then TEST_ONLY="$TEST_ONLY phpunit-multisite"; fi
suite() { # name command...
	local name=$1 start
	shift
	selected "$name" || return 0
	start=$(date +%s)
	echo
	echo "::: $name"
	if "$@"; then
		passed=$((passed + 1))
		echo "::: $name passed ($(( $(date +%s) - start ))s)"
	else
		failed=$((failed + 1)) failed_names+=("$name")
		echo "::: $name FAILED ($(( $(date +%s) - start ))s)"
	fi
}

# ------------------------------------------------------------------ the background lane
# zip: `npm run zip` and what the zip holds (tests/release/). plugin-check: WordPress.org's Plugin
# Check on the zip unpacked in a WordPress without the plugin (bin/plugin-check.sh). install: on
# that site, wp-admin upload, settings, block, a visitor's streamed chat, replacement by a newer zip,
# deletion leaving nothing in the database (tests/e2e/release/). Site: WP_INSTALL_PORT (8891),
# DIFY_INSTALL_EMULATOR_PORT (8790).
export WP_INSTALL_PORT=${WP_INSTALL_PORT:-8891} DIFY_INSTALL_EMULATOR_PORT=${DIFY_INSTALL_EMULATOR_PORT:-8790}
zipped=0
release_zip() { [ $zipped = 1 ] || { bash bin/zip.sh && zipped=1; }; }
zip_suite() { release_zip && npm run -s test:zip; }
plugin_check_suite() { release_zip && bash bin/plugin-check.sh; }
install_suite() {
	local site=(env WP_SITE=install WP_DB=mariadb WP_PLUGIN=none WP_PORT="$WP_INSTALL_PORT" DIFY_EMULATOR_PORT="$DIFY_INSTALL_EMULATOR_PORT") rc
	release_zip || return 1
	rm -f .wp/install/run/debug.log
	WP_RESET=1 "${site[@]}" bash bin/env.sh start > /dev/null || { echo "the install site did not start"; return 1; }
	WP_INSTALL_BASE_URL="http://127.0.0.1:$WP_INSTALL_PORT" DIFY_EMULATOR_URL="http://127.0.0.1:$DIFY_INSTALL_EMULATOR_PORT/v1" \
		npx wp-scripts test-playwright --config tests/e2e/release.config.ts
	rc=$?
	"${site[@]}" bash bin/env.sh stop > /dev/null
	# Notices from installing, updating or uninstalling fail the suite like any other.
	if [ -s .wp/install/run/debug.log ]; then
		echo "::: PHP messages in .wp/install/run/debug.log:"
		cat .wp/install/run/debug.log
		rc=1
	fi
	return $rc
}
background_lane() {
	# Its own Playwright artifacts (results, report, the admin's saved login), apart from the e2e's.
	export WP_ARTIFACTS_PATH=$ROOT/artifacts/background
	export STORAGE_STATE_PATH=$WP_ARTIFACTS_PATH/storage-states/admin.json
	suite lint-js npx wp-scripts lint-js src tests assets/connectors
	suite lint-style npx wp-scripts lint-style "src/**/*.scss"
	suite phpcs vendor/bin/phpcs -q
	suite tsc npx tsc --noEmit
	suite pot bash bin/check-pot.sh
	suite phpstan vendor/bin/phpstan analyse --no-progress --memory-limit=1G
	suite jest npx wp-scripts test-unit-js
	suite emulator npm run -s test:emulator
	suite zip zip_suite
	suite plugin-check plugin_check_suite
	suite install install_suite
	# The WordPress versions matrix: a smoke test on each supported version's own site
	# (bin/versions.sh starts and stops them; WP_VERSIONS chooses).
	suite versions bash bin/versions.sh
	# Real Debian server stacks (bin/stacks/): the streaming specs on each, with and without zlib.
	suite stacks bash bin/stacks/test-stacks.sh
	# Several web nodes (nginx + two php-fpm nodes, with and without a Redis object cache).
	suite nodes bash bin/stacks/test-nodes.sh
	echo "$passed $failed ${failed_names[*]}" > "$LANE_RESULT"
}

# The servers of the foreground lane: a MariaDB site and a SQLite site, each with its own emulator.
stop_sites() {
	WP_SITE=test bash bin/env.sh stop > /dev/null 2>&1
	WP_SITE=test-sqlite bash bin/env.sh stop > /dev/null 2>&1
	WP_SITE=install bash bin/env.sh stop > /dev/null 2>&1
	WP_SITE=test-multisite bash bin/env.sh stop > /dev/null 2>&1
}
LANE_PID='' LANE_LOG=$(mktemp) LANE_RESULT=$(mktemp)
cleanup() {
	# A foreground that dies takes the background lane with it (its scripts stop their own sites).
	[ -z "$LANE_PID" ] || kill -- -"$LANE_PID" 2> /dev/null
	stop_sites
	rm -f "$LANE_LOG" "$LANE_RESULT"
}
trap cleanup EXIT
start_background_lane() {
	# set -m: the lane gets its own process group, so cleanup() can stop all of it at once.
	set -m
	background_lane > "$LANE_LOG" 2>&1 &
	LANE_PID=$!
	set +m
	echo "::: background lane started (static checks, zip, plugin-check, install, versions, stacks, nodes)"
}

# ------------------------------------------------------------------ the foreground lane
if selected phpunit || selected phpunit-multisite || selected e2e; then
	echo
	echo "::: starting the test sites"
	rm -f .wp/test/run/debug.log .wp/test-sqlite/run/debug.log
	WP_SITE=test WP_DB=mariadb WP_PORT=$TEST_PORT DIFY_EMULATOR_PORT=$TEST_EMU_PORT WP_RESET=1 bash bin/env.sh start ||
		die "the MariaDB test site did not start."
	# Test-only mu-plugins (what a site owner's own code would add, switched on per test).
	cp tests/e2e/mu-plugins/*.php .wp/test/wordpress/wp-content/mu-plugins/
	if selected e2e; then
		WP_SITE=test-sqlite WP_DB=sqlite WP_PORT=$SQLITE_PORT DIFY_EMULATOR_PORT=$SQLITE_EMU_PORT WP_RESET=1 bash bin/env.sh start > /dev/null ||
			die "the SQLite test site did not start."
		# counters.sqlite.spec.ts reads how the plugin's counting reached the database.
		mkdir -p .wp/test-sqlite/wordpress/wp-content/mu-plugins
		cp tests/e2e/mu-plugins/counter-statements.php .wp/test-sqlite/wordpress/wp-content/mu-plugins/
		# A fresh network each run: the spec network-activates and configures the plugin itself.
		WP_SITE=test-multisite WP_DB=mariadb WP_MULTISITE=1 WP_PORT=$MULTISITE_PORT DIFY_EMULATOR_PORT=$MULTISITE_EMU_PORT WP_RESET=1 \
			bash bin/env.sh start > /dev/null || die "the multisite test network did not start."
		# Record every outgoing request like a debugging plugin would (scanned for the key below).
		rm -f .wp/test/run/http-debug.log
		cp bin/http-debug-mu-plugin.php .wp/test/wordpress/wp-content/mu-plugins/dify-chatbot-http-debug.php
	fi
fi
# Started once MariaDB is up (the first site start brings it up), so the lanes never race for it.
start_background_lane
suite phpunit bash bin/phpunit.sh
# The uninstall on a real subdirectory network (tests/php/Multisite/, a database of its own).
suite phpunit-multisite env WP_TESTS_MULTISITE=1 bash bin/phpunit.sh
suite e2e npx wp-scripts test-playwright --config tests/e2e/playwright.config.ts

# PHP notices, warnings or fatals any request raised while the suites ran fail the run.
if selected e2e; then
	log=.wp/test/run/debug.log
	# Dify's `warning` events are logged on purpose for the site owner (Stream_Relay::warn(); the
	# relay specs make the emulator send one): not a PHP message.
	if [ -s "$log" ] && grep -qv '^\[[^]]*\] Dify Chatbot: Dify warns: ' "$log"; then
		echo "::: PHP messages in $log:"
		grep -v '^\[[^]]*\] Dify Chatbot: Dify warns: ' "$log"
		failed=$((failed + 1)) failed_names+=("debug.log")
	fi
fi

# The API keys of the emulator (tests/emulator/apps.ts) must not appear in what a debugging plugin
# records of the outgoing requests (bin/http-debug-mu-plugin.php): arguments, headers, responses.
if selected e2e; then
	for log in .wp/test/run/http-debug.log; do
		if [ ! -s "$log" ]; then
			echo "::: $log is empty: the request recorder did not run, so the key scan proves nothing."
			failed=$((failed + 1)) failed_names+=("http-debug.log")
		elif grep -q 'app-emulator' "$log"; then
			echo "::: the API key appears in what http_api_debug / http_request_args hand to other plugins ($log):"
			grep -n -m 10 'app-emulator' "$log"
			failed=$((failed + 1)) failed_names+=("http-debug.log")
		else
			echo "::: $log: $(grep -c '^[0-9TZ:+-]* http_api_debug ' "$log") requests recorded, no API key in them"
		fi
	done
fi

# ------------------------------------------------------------------ the background lane's results
wait "$LANE_PID"
LANE_PID=''
echo
echo "::: background lane"
cat "$LANE_LOG"
if read -r lane_passed lane_failed lane_names < "$LANE_RESULT" && [ -n "$lane_passed" ]; then
	passed=$((passed + lane_passed)) failed=$((failed + lane_failed))
	# shellcheck disable=SC2206 # suite names have no spaces
	[ -z "$lane_names" ] || failed_names+=($lane_names)
else
	echo "::: the background lane ended without its results"
	failed=$((failed + 1)) failed_names+=("background-lane")
fi

echo
[ $failed -eq 0 ] || echo "failed: ${failed_names[*]}"
echo "total time $(( $(date +%s) - T0 ))s"
echo "suites: $passed passed, $failed failed"
[ $failed -eq 0 ]
