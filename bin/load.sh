#!/usr/bin/env bash
# npm run load: starts a load-test site (MariaDB, :8897, emulator :8798, LOAD_STREAMS + 2 PHP
# workers, rate limits and stream caps off), runs tests/load/relay-load.ts (one chat at a time; an
# open loop of LOAD_RATE chats/s for LOAD_SECONDS; LOAD_STREAMS concurrent streaming chats for
# LOAD_SECONDS), prints its numbers and stops the site. Not part of npm test.
#
#   LOAD_SECONDS=180 LOAD_STREAMS=64 LOAD_RATE=10 LOAD_MODES=idle,open,closed npm run load
#   LOAD_WP_PORT / LOAD_EMULATOR_PORT: the site's ports.
#   WP_SERVER, WP_NODES, WP_OBJECT_CACHE (bin/stacks/stack.sh): the same test on a real stack, e.g.
#   WP_SERVER=nginx WP_NODES=2 WP_OBJECT_CACHE=redis npm run load (Redis on LOAD_REDIS_PORT, 8977;
#   each php-fpm node gets enough workers for its share of the streams).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
unset DIFY_CHATBOT_BASE_URL DIFY_CHATBOT_API_KEY
PORT=${LOAD_WP_PORT:-8897} EMU_PORT=${LOAD_EMULATOR_PORT:-8798}
STREAMS=${LOAD_STREAMS:-64}
# php -S serves one request per worker: every open stream holds one, plus the warm-up and slack.
WORKERS=$((STREAMS + 2))
NODES=${WP_NODES:-1}
export WP_REDIS_PORT=${LOAD_REDIS_PORT:-8977}
export WP_FPM_MAX_CHILDREN=${WP_FPM_MAX_CHILDREN:-$(( (WORKERS + NODES - 1) / NODES ))}
mkdir -p .wp
trap 'WP_SITE=load bash bin/env.sh stop > /dev/null 2>&1' EXIT
WP_SITE=load WP_DB=mariadb WP_PORT=$PORT DIFY_EMULATOR_PORT=$EMU_PORT WP_WORKERS=$WORKERS WP_RESET=1 \
	bash bin/env.sh start > .wp/load.log 2>&1 || { tail -20 .wp/load.log; exit 1; }
mkdir -p .wp/load/wordpress/wp-content/mu-plugins
cp bin/bench-mu-plugin.php .wp/load/wordpress/wp-content/mu-plugins/dify-chatbot-bench.php
rm -f .wp/load/run/memory.jsonl
# Thousands of messages from one address, LOAD_STREAMS answers at once: rate limits and stream caps
# off on this site (their defaults, 3 answers per site and 2 per address, would refuse all but 3).
php8.2 -r '$_SERVER["HTTP_HOST"] = "127.0.0.1"; require ".wp/load/wordpress/wp-load.php";
	$o = (array) get_option( "dify_chatbot_settings", array() );
	$o["limit_visitor_minute"] = $o["limit_visitor_day"] = $o["limit_ip_minute"] = $o["limit_ip_day"] = 0;
	$o["streams_visitor"] = $o["streams_ip"] = $o["streams_site"] = $o["daily_message_cap"] = 0;
	update_option( "dify_chatbot_settings", $o );'
if [ -n "${WP_SERVER:-}" ]; then
	POOL="$WP_SERVER + php-fpm, $NODES node(s), pm.max_children = $WP_FPM_MAX_CHILDREN per node (Debian's default: 5)"
else
	POOL="php -S, $WORKERS workers (env.sh's default: 6)"
fi
echo "The load site raises the PHP pool: $POOL;"
echo "and turns the plugin's caps off: streams_site = streams_ip = streams_visitor = 0 (defaults 3, 2, 2),"
echo "rate limits per visitor and per address = 0 and daily_message_cap = 0 (off)."
LOAD_WP_URL="http://127.0.0.1:$PORT" LOAD_EMU_URL="http://127.0.0.1:$EMU_PORT/v1" LOAD_STREAMS=$STREAMS \
	LOAD_MEMORY_FILE=.wp/load/run/memory.jsonl node_modules/.bin/tsx tests/load/relay-load.ts
