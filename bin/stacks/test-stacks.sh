#!/usr/bin/env bash
# npm test's `stacks` suite: the streaming specs (tests/e2e/specs/*.stack.spec.ts) on each real
# Debian server stack — nginx + php-fpm, Apache + mod_php, Apache + php-fpm — each with and
# without zlib.output_compression = On, one after the other on one MariaDB site (.wp/stack) and one
# emulator. Ends with the numbers each run printed (arrival of the answer, worker freed) and fails
# on a failed spec or a PHP message in the site's debug.log.
#
#   STACKS="apache-fpm" bash bin/stacks/test-stacks.sh     some stacks only
#   STACK_WP_PORT (8970), STACK_EMULATOR_PORT (8971): the site's ports.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PORT=${STACK_WP_PORT:-8970} EMU_PORT=${STACK_EMULATOR_PORT:-8971}
SERVERS=${STACKS:-nginx apache apache-fpm}
LOG=.wp/stack-e2e.log
site() { WP_SITE=stack WP_DB=mariadb WP_PORT=$PORT DIFY_EMULATOR_PORT=$EMU_PORT bash bin/env.sh "$@"; }
trap 'site stop > /dev/null 2>&1' EXIT
mkdir -p .wp
rm -f .wp/stack/run/debug.log "$LOG"
failed=()
reset=1
for server in $SERVERS; do
	for zlib in 0 1; do
		label=$server$([ "$zlib" = 1 ] && echo '+zlib')
		echo "::: stack $label"
		if ! WP_SERVER=$server WP_ZLIB=$zlib WP_RESET=$reset site start > .wp/stack-start.log 2>&1; then
			tail -20 .wp/stack-start.log
			failed+=("$label (start)")
			continue
		fi
		reset=0
		# Test-only mu-plugins (switched on per test), as on the php -S test site.
		cp tests/e2e/mu-plugins/*.php .wp/stack/wordpress/wp-content/mu-plugins/
		WP_STACK=$label WP_BASE_URL="http://127.0.0.1:$PORT" DIFY_EMULATOR_URL="http://127.0.0.1:$EMU_PORT/v1" \
			npx wp-scripts test-playwright --config tests/e2e/playwright.config.ts --reporter=list 2>&1 | tee -a "$LOG"
		[ "${PIPESTATUS[0]}" = 0 ] || failed+=("$label")
	done
done

# WordPress core's own shutdown (wp_ob_end_flush_all) cannot end zlib's buffer once it has sent
# output and says so on every large page; that one notice is core's, the plugin's stream
# requests end zlib before any output (readme.txt, "Streaming and your web server").
log=.wp/stack/run/debug.log
core='ob_end_flush(): Failed to send buffer of zlib output compression'
if [ -s "$log" ]; then
	echo "::: $log: $(grep -c -F "$core" "$log") × WordPress core's zlib notice (pages with zlib.output_compression=On)"
	if grep -v -F "$core" "$log" | grep -q .; then
		echo "::: other PHP messages in $log:"
		grep -v -F "$core" "$log"
		failed+=("debug.log")
	fi
fi

echo
echo "::: stack numbers"
grep -h '^\[stack ' "$LOG" | sort -s -t']' -k1,1 || true
[ ${#failed[@]} -eq 0 ] || { echo "stacks failed: ${failed[*]}"; exit 1; }
