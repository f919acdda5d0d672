#!/usr/bin/env bash
# npm test's `nodes` suite: a site on several web nodes — two php-fpm nodes (each its own master and
# socket) behind one nginx upstream (round robin), one MariaDB — first with the Redis object cache
# (Debian's redis-server and the Redis Object Cache drop-in), then without. Each time:
#   - the rate-limit race: 50 concurrent messages from one visitor spread over both nodes, exactly
#     the limit reaches the emulator (tests/load/rate-limit-race.ts);
#   - a conversation across nodes, the daily budget across nodes (tests/load/multi-node.ts);
#   - the relay load test through both nodes, with Redis only (tests/load/relay-load.ts,
#     NODES_LOAD_SECONDS, 6 s here; `WP_SERVER=nginx WP_NODES=2 WP_OBJECT_CACHE=redis npm run load`
#     runs the full one).
#
#   NODES_WP_PORT (8972), NODES_EMULATOR_PORT (8973), NODES_REDIS_PORT (8974): the site's ports.
#   NODES_CACHES ("redis none"), NODES_LOAD_CACHES ("redis"), NODES_LOAD_SECONDS (6),
#   NODES_LOAD_IDLE_CHATS (20), NODES_LOAD_STREAMS (8).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PORT=${NODES_WP_PORT:-8972} EMU_PORT=${NODES_EMULATOR_PORT:-8973} REDIS_PORT=${NODES_REDIS_PORT:-8974}
URL="http://127.0.0.1:$PORT" EMU_URL="http://127.0.0.1:$EMU_PORT"
RUN=.wp/nodes/run
TSX=node_modules/.bin/tsx
site() {
	WP_SITE=nodes WP_DB=mariadb WP_SERVER=nginx WP_NODES=2 WP_PORT=$PORT DIFY_EMULATOR_PORT=$EMU_PORT \
		WP_REDIS_PORT=$REDIS_PORT bash bin/env.sh "$@"
}
trap 'site stop > /dev/null 2>&1' EXIT
mkdir -p .wp
rm -f "$RUN/debug.log"
failed=()
reset=1
check() { # name command...
	local name=$1 start
	shift
	start=$(date +%s)
	echo "::: nodes ($cache): $name"
	if "$@"; then
		echo "::: nodes ($cache): $name passed ($(( $(date +%s) - start ))s)"
	else
		failed+=("$name ($cache)")
	fi
}
limits_off() {
	php8.2 -r '$_SERVER["HTTP_HOST"] = "127.0.0.1"; require $argv[1] . "/wp-load.php";
		$o = (array) get_option( "dify_chatbot_settings", array() );
		$o["limit_visitor_minute"] = $o["limit_visitor_day"] = $o["limit_ip_minute"] = $o["limit_ip_day"] = 0;
		$o["streams_visitor"] = $o["streams_ip"] = $o["streams_site"] = $o["daily_message_cap"] = 0;
		update_option( "dify_chatbot_settings", $o );' .wp/nodes/wordpress
}
load() {
	rm -f "$RUN/memory.jsonl"
	limits_off &&
		LOAD_WP_URL=$URL LOAD_EMU_URL="$EMU_URL/v1" LOAD_SECONDS=${NODES_LOAD_SECONDS:-6} LOAD_IDLE_CHATS=${NODES_LOAD_IDLE_CHATS:-20} \
			LOAD_STREAMS=${NODES_LOAD_STREAMS:-8} LOAD_MEMORY_FILE=$RUN/memory.jsonl "$TSX" tests/load/relay-load.ts
}
# With Redis, the site's cache (and the plugin's transients: app info, parameters) really is in
# Redis; the counters are in the database either way (Counter_Store says why).
cache_used() {
	if [ "$cache" = redis ]; then
		local keys
		keys=$(redis-cli -p "$REDIS_PORT" --scan --pattern '*transient:dify_chatbot_*' | wc -l)
		echo "  Redis holds $(redis-cli -p "$REDIS_PORT" dbsize) keys, $keys of them the plugin's transients"
		[ "$keys" -gt 0 ]
	else
		[ ! -e .wp/nodes/wordpress/wp-content/object-cache.php ] && echo "  no object cache drop-in"
	fi
}

for cache in ${NODES_CACHES:-redis none}; do
	echo "::: nodes: nginx + 2 php-fpm nodes, object cache: $cache"
	if ! WP_OBJECT_CACHE=$cache WP_RESET=$reset site start > .wp/nodes-start.log 2>&1; then
		tail -20 .wp/nodes-start.log
		failed+=("start ($cache)")
		continue
	fi
	reset=0
	cp bin/bench-mu-plugin.php .wp/nodes/wordpress/wp-content/mu-plugins/dify-chatbot-bench.php
	check "rate-limit race" env RACE_SERVERS="$URL" DIFY_TEST_EMULATOR_PORT="$EMU_PORT" "$TSX" tests/load/rate-limit-race.ts
	check "conversation and budget" env MULTI_NODE_URL="$URL" MULTI_NODE_EMULATOR_URL="$EMU_URL" "$TSX" tests/load/multi-node.ts
	# The load test measures the relay across the nodes, whatever holds the cache: once, with
	# Redis (the multi-node set-up a real site has); NODES_LOAD_CACHES="redis none" runs both.
	case " ${NODES_LOAD_CACHES:-redis} " in *" $cache "*) check "relay load" load ;; esac
	check "object cache" cache_used
done

if [ -s "$RUN/debug.log" ]; then
	echo "::: PHP messages in $RUN/debug.log:"
	cat "$RUN/debug.log"
	failed+=("debug.log")
fi
[ ${#failed[@]} -eq 0 ] || { echo "nodes failed: ${failed[*]}"; exit 1; }
