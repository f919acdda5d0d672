#!/usr/bin/env bash
# The project's local WordPress: a real, current WordPress (Debian sid's package, pinned in
# bin/wordpress.lock) on Debian's PHP 8.2, served by `php -S`, with this plugin linked and active,
# two demo pages and the Dify emulator.
#
#   bin/env.sh start     (npm start)  bring everything up, print URLs; cheap to re-run
#   bin/env.sh stop      (npm run stop) stop exactly what `start` started for this site
#   bin/env.sh status    print what runs
#
# Environment (all optional):
#   WP_PORT (8888)  DIFY_EMULATOR_PORT (8787)  WP_DB (sqlite | mariadb)  WP_SITE (dev): the site's
#   folder .wp/$WP_SITE, so a test site and a dev site can run side by side.  WP_WORKERS (6).
#   DIFY_CHATBOT_BASE_URL + DIFY_CHATBOT_API_KEY: use a real Dify; the emulator is not started.
#   DIFY_CHATBOT_CACHE (/var/cache/dify-chatbot): downloaded .debs and the SQLite plugin zip.
#   WP_REFRESH=1: download sid's current WordPress instead of the pinned one (prints new pins).
#   WP_RESET=1: drop the site's database first (a fresh install; the tests use this).
#   WP_DB_TAG: part of the MariaDB database name, so two clones on one machine keep their own data.
#   WP_PLUGIN=none: a WordPress without this plugin (no link to the source, no demo pages), where
#     it is installed from the release zip as users do; with WP_RESET=1 a plugin folder an earlier
#     run installed there is removed as well.
#   WP_PLUGIN_SOURCE: the folder linked as the plugin instead of this checkout (npm run bench's
#     BENCH_BEFORE sites: another ref's files).
#   WP_VERSION (7.1): which WordPress: 7.1 (Debian sid, bin/wordpress.lock), 6.8 (Debian trixie,
#   bin/wordpress-6.8.lock), 6.6-rc, 6.5, 6.4, 6.3, 6.2 (npm @wp-playground/wordpress-builds) or
#   6.1 (Debian bookworm: older than the plugin supports); see bin/wordpress-dist.sh. SQLite needs
#   6.4 or newer. Give each version its own WP_SITE (a database is not moved back to an older one).
#   WP_MULTISITE=1: a subdirectory multisite network (bin/setup-network.php) with a second site at
#     /site2/ (a page /site2/chat/ with the chat); the plugin is linked but not activated or
#     configured (the multisite e2e network-activates it). Give it its own WP_SITE.
#   WP_SERVER (php | nginx | apache | apache-fpm), WP_NODES, WP_ZLIB, WP_OBJECT_CACHE, WP_REDIS_PORT,
#   WP_FPM_MAX_CHILDREN: real Debian server stacks instead of php -S (see bin/stacks/stack.sh).
#
# Nothing is written outside the project folder except apt packages, the download cache and the
# MariaDB server's own data.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CMD=${1:-start}
SITE=${WP_SITE:-dev}
PORT=${WP_PORT:-8888}
EMU_PORT=${DIFY_EMULATOR_PORT:-8787}
DB=${WP_DB:-sqlite}
WORKERS=${WP_WORKERS:-6}
PHP=${WP_PHP:-php8.2}
CACHE=${DIFY_CHATBOT_CACHE:-/var/cache/dify-chatbot}
WANT_VERSION=${WP_VERSION:-7.1}
SQLITE_NPM=@wp-playground/cli@3.1.56   # its tarball carries sqlite-database-integration.zip
SITE_DIR=$ROOT/.wp/$SITE
WP_DIR=$SITE_DIR/wordpress
RUN=$SITE_DIR/run
URL="http://127.0.0.1:$PORT"
EMU_URL="http://127.0.0.1:$EMU_PORT/v1"
DB_TAG=${WP_DB_TAG:-}
MULTI=${WP_MULTISITE:-0}
DB_NAME="dify_chatbot_${DB_TAG:+${DB_TAG//[^a-zA-Z0-9]/_}_}${SITE//[^a-zA-Z0-9]/_}"
DB_USER=dify_chatbot DB_PASS=dify_chatbot

T0=$(date +%s%N)
lap() { printf '[%5.1fs] %s\n' "$(( ($(date +%s%N) - T0) / 1000000 ))e-3" "$*"; }
die() { echo "env: $*" >&2; exit 1; }
# Real server stacks (nginx, Apache, php-fpm nodes, Redis): functions and settings.
# shellcheck source=bin/stacks/stack.sh
source "$ROOT/bin/stacks/stack.sh"

# ------------------------------------------------------------------ processes (own process groups)
# A pid file is trusted only when the process still runs the command we started (pid reuse).
running() { # name pattern
	local pid
	pid=$(cat "$RUN/$1.pid" 2>/dev/null) || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
	case $(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) in Z*) return 1 ;; esac
	echo "$pid"
}
stop_group() { # name pattern
	local pid
	if pid=$(running "$1" "$2"); then
		kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do running "$1" "$2" > /dev/null || break; sleep 0.1; done
		running "$1" "$2" > /dev/null && kill -9 -- "-$pid" 2>/dev/null || true
		echo "stopped $1 (process group $pid)"
	fi
	rm -f "$RUN/$1.pid"
}
port_busy() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
# A server just stopped may take a moment to let its port go (php -S workers exit one by one).
port_taken() { for _ in $(seq 50); do port_busy "$1" || return 1; sleep 0.1; done; return 0; }

if [ "$CMD" = stop ]; then
	stop_group server "-S 127.0.0.1:"
	stack_stop
	stop_group emulator "tests/emulator/main.ts"
	exit 0
fi
if [ "$CMD" = status ]; then
	if pid=$(running server "-S 127.0.0.1:"); then echo "WordPress: $(cat "$RUN/url") (pid $pid)"; else echo "WordPress: stopped"; fi
	if pid=$(running emulator "tests/emulator/main.ts"); then echo "emulator: pid $pid"; else echo "emulator: stopped"; fi
	stack_status
	exit 0
fi
[ "$CMD" = start ] || die "unknown command '$CMD' (start, stop or status)"

# ------------------------------------------------------------------ 1. prerequisites
case $DB in sqlite|mariadb) ;; *) die "WP_DB must be sqlite or mariadb, not '$DB'." ;; esac
# The SQLite Database Integration plugin needs WordPress 6.4 or newer.
case $DB:$WANT_VERSION in sqlite:6.[0-3]*) die "WordPress $WANT_VERSION runs on MariaDB only here: set WP_DB=mariadb." ;; esac
need=(php8.2-cli php8.2-mysql php8.2-sqlite3 php8.2-xml php8.2-mbstring php8.2-curl php8.2-gd php8.2-intl
	ca-certificates curl)
[ "$DB" = mariadb ] && need+=(mariadb-server)
stack_validate
mapfile -t -O ${#need[@]} need < <(stack_packages | tr ' ' '\n')
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "Missing Debian packages: run 'sudo apt-get install ${missing[*]}' and start again."
	export DEBIAN_FRONTEND=noninteractive
	mkdir -p "$CACHE"
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } > "$CACHE/apt-install.log" 2>&1 ||
		{ tail -20 "$CACHE/apt-install.log" >&2; die "apt-get could not install ${missing[*]}; see $CACHE/apt-install.log."; }
	lap "installed ${missing[*]}"
fi
command -v "$PHP" > /dev/null || die "$PHP not found: install Debian's php8.2-cli."
command -v node > /dev/null || die "Node.js 20.19 or newer is needed: install it and start again."
mkdir -p "$CACHE" 2> /dev/null && [ -w "$CACHE" ] || CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/dify-chatbot
mkdir -p "$CACHE" "$RUN"

# Node packages and the plugin's build (both skipped when up to date).
if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
	(cd "$ROOT" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund > "$RUN/npm-ci.log" 2>&1) ||
		{ tail -20 "$RUN/npm-ci.log" >&2; die "npm ci failed; see $RUN/npm-ci.log."; }
	lap "npm ci"
fi
if [ ! -f "$ROOT/build/.stamp" ] || [ -n "$(find "$ROOT/src" "$ROOT/package.json" -newer "$ROOT/build/.stamp" -print -quit)" ]; then
	(cd "$ROOT" && npx wp-scripts build --webpack-copy-php --blocks-manifest > "$RUN/build.log" 2>&1) ||
		{ tail -30 "$RUN/build.log" >&2; die "the front-end build failed; see $RUN/build.log."; }
	touch "$ROOT/build/.stamp"
	lap "built the front end (build/)"
fi

# ------------------------------------------------------------------ 2. WordPress of the chosen version
# bin/wordpress-dist.sh prepares the tree once per version in the cache's dist/ folder (Debian's
# packages or the stripped npm builds made whole); each site gets its own copy.
DIST=$(DIFY_CHATBOT_CACHE=$CACHE WP_PHP=$PHP bash "$ROOT/bin/wordpress-dist.sh" "$WANT_VERSION") ||
	die "could not prepare WordPress $WANT_VERSION (see above)."
DIST=$(tail -1 <<< "$DIST")
BUILD_ID=${DIST##*/}

# ------------------------------------------------------------------ 3. the site's tree
if [ "$(cat "$SITE_DIR/build-id" 2>/dev/null)" != "$BUILD_ID" ] || [ ! -f "$WP_DIR/wp-includes/version.php" ]; then
	stop_group server "-S 127.0.0.1:"
	stack_stop
	mkdir -p "$WP_DIR"
	# Core files are replaced; the site's wp-content (uploads, SQLite database, plugins) and
	# wp-config.php stay.
	for f in "$DIST"/*; do
		name=${f##*/}
		[ "$name" = wp-content ] && [ -d "$WP_DIR/wp-content" ] && continue
		rm -rf "${WP_DIR:?}/$name"
		cp -R "$f" "$WP_DIR/$name"
	done
	rm -rf "$WP_DIR/wp-content/themes"
	cp -R "$DIST/wp-content/themes" "$WP_DIR/wp-content/themes"
	echo "$BUILD_ID" > "$SITE_DIR/build-id"
	lap "WordPress tree ready in ${WP_DIR#"$ROOT"/}"
fi
# (The npm builds' version.php is minified onto one line.)
WP_VERSION=$(sed -n "s/.*\$wp_version = '\([^']*\)';.*/\1/p" "$WP_DIR/wp-includes/version.php" | head -1)

# ------------------------------------------------------------------ 4. database
if [ "$DB" = mariadb ]; then
	command -v mariadb > /dev/null || die "MariaDB is missing: install Debian's mariadb-server."
	if ! mariadb-admin ping --silent > /dev/null 2>&1; then
		[ "$(id -u)" = 0 ] || die "MariaDB is not running: start it with 'sudo service mariadb start'."
		service mariadb start > /dev/null 2>&1 || die "MariaDB did not start: see 'service mariadb status'."
	fi
	if [ "${WP_RESET:-0}" = 1 ]; then mariadb -uroot -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"; fi
	mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
		GRANT ALL ON \`dify_chatbot\\_%\`.* TO '$DB_USER'@'localhost';" ||
		die "could not create the database $DB_NAME (is this user allowed to run 'mariadb -uroot'?)."
	rm -f "$WP_DIR/wp-content/db.php"
	DB_SETTINGS="define( 'DB_NAME', '$DB_NAME' );
define( 'DB_USER', '$DB_USER' );
define( 'DB_PASSWORD', '$DB_PASS' );
define( 'DB_HOST', 'localhost' );"
else
	SQ=$WP_DIR/wp-content/plugins/sqlite-database-integration
	if [ ! -f "$SQ/load.php" ]; then
		if [ ! -f "$CACHE/sqlite-database-integration.zip" ]; then
			tgz=$(cd "$CACHE" && npm pack --silent "$SQLITE_NPM" 2> "$CACHE/npm-pack.log") ||
				die "could not download $SQLITE_NPM from the npm registry (it carries the SQLite integration)."
			tar -xzf "$CACHE/$tgz" -C "$CACHE" --strip-components=1 package/sqlite-database-integration.zip
			rm -f "$CACHE/$tgz"
		fi
		rm -rf "$RUN/sqlite-unzip" "$SQ"
		"$PHP" -r '(new PharData($argv[1]))->extractTo($argv[2], null, true);' "$CACHE/sqlite-database-integration.zip" "$RUN/sqlite-unzip"
		mv "$RUN"/sqlite-unzip/* "$SQ"
		rm -rf "$RUN/sqlite-unzip"
		lap "SQLite Database Integration $(sed -n 's/^ \* Version: //p' "$SQ/load.php") installed"
	fi
	sed -e "s|'{SQLITE_IMPLEMENTATION_FOLDER_PATH}'|__DIR__ . '/plugins/sqlite-database-integration'|" \
		-e "s|{SQLITE_PLUGIN}|sqlite-database-integration/load.php|g" "$SQ/db.copy" > "$WP_DIR/wp-content/db.php"
	if [ "${WP_RESET:-0}" = 1 ]; then rm -rf "$WP_DIR/wp-content/database"; fi
	mkdir -p "$WP_DIR/wp-content/database"
	DB_SETTINGS="define( 'DB_ENGINE', 'sqlite' );
define( 'DB_DIR', __DIR__ . '/wp-content/database/' );
define( 'DB_FILE', '.ht.sqlite' );
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', '' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '' );"
fi

# ------------------------------------------------------------------ 5. wp-config.php
# Rewritten only when its settings change, so salts (and logins, and the encrypted key) survive.
# The HTTP API may reach this machine, a real Dify named in the shell, and `.invalid` names (never
# resolvable, RFC 2606: the tests use one for a DNS failure); everything else stays blocked.
ACCESSIBLE="127.0.0.1,localhost,*.invalid"
DIFY_HOST=$(printf '%s' "${DIFY_CHATBOT_BASE_URL:-}" | sed -nE 's#^https?://([^/:@]+).*#\1#p')
[ -n "$DIFY_HOST" ] && ACCESSIBLE="$ACCESSIBLE,$DIFY_HOST"
STACK_WP_CONFIG=$(stack_wp_config)
SIGNATURE="dify-chatbot env: db=$DB url=$URL db_name=$DB_NAME hosts=$ACCESSIBLE object_cache=$STACK_CACHE:$STACK_REDIS_PORT multisite=$MULTI"
# A network's sites have their own addresses (no WP_HOME); bin/setup-network.php's first step
# runs with the network off (DIFY_CHATBOT_SINGLE_SITE=1), before the network's tables exist.
SITE_URLS="define( 'WP_HOME', '$URL' );
define( 'WP_SITEURL', '$URL' );"
if [ "$MULTI" = 1 ]; then
	SITE_URLS="if ( ! getenv( 'DIFY_CHATBOT_SINGLE_SITE' ) ) {
	define( 'MULTISITE', true );
	define( 'SUBDOMAIN_INSTALL', false );
	define( 'DOMAIN_CURRENT_SITE', '127.0.0.1:$PORT' );
	define( 'PATH_CURRENT_SITE', '/' );
	define( 'SITE_ID_CURRENT_SITE', 1 );
	define( 'BLOG_ID_CURRENT_SITE', 1 );
}"
fi
if ! grep -qF "$SIGNATURE" "$WP_DIR/wp-config.php" 2>/dev/null; then
	salts=$("$PHP" -r 'foreach (["AUTH_KEY","SECURE_AUTH_KEY","LOGGED_IN_KEY","NONCE_KEY","AUTH_SALT",
		"SECURE_AUTH_SALT","LOGGED_IN_SALT","NONCE_SALT"] as $k) printf("define( %s, %s );\n", var_export($k, true),
		var_export(bin2hex(random_bytes(32)), true));')
	# Keep the salts of an earlier config (a database switch must not make the stored key unreadable).
	if [ -f "$WP_DIR/wp-config.php" ]; then
		old=$(grep -E "^define\( '(AUTH|SECURE_AUTH|LOGGED_IN|NONCE)_(KEY|SALT)'" "$WP_DIR/wp-config.php" || true)
		[ -n "$old" ] && salts=$old
	fi
	cat > "$WP_DIR/wp-config.php" <<PHP
<?php
// $SIGNATURE
// Written by bin/env.sh: a local development/test site on 127.0.0.1, not meant to be exposed.
$DB_SETTINGS
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
\$table_prefix = 'wp_';

$salts

$SITE_URLS
define( 'WP_ENVIRONMENT_TYPE', 'local' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', false );
define( 'WP_DEBUG_LOG', dirname( __DIR__ ) . '/run/debug.log' );
define( 'SCRIPT_DEBUG', false );
// Offline and quiet: no calls to wordpress.org, no auto-updates, no loopback cron.
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_ACCESSIBLE_HOSTS', '$ACCESSIBLE' );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'DISABLE_WP_CRON', true );
define( 'FS_METHOD', 'direct' );
$STACK_WP_CONFIG

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
PHP
	lap "wp-config.php written"
fi

# ------------------------------------------------------------------ 6. install, plugin, pages
stack_object_cache
mkdir -p "$WP_DIR/wp-content/mu-plugins"
cp "$ROOT/bin/local-env-mu-plugin.php" "$WP_DIR/wp-content/mu-plugins/dify-chatbot-local-env.php"
slugs=()
[ "$DB" = sqlite ] && slugs=(sqlite-database-integration)
USE_EMULATOR=1
if [ -n "${DIFY_CHATBOT_BASE_URL:-}" ] && [ -n "${DIFY_CHATBOT_API_KEY:-}" ]; then USE_EMULATOR=0; fi
POINT_AT=$( [ $USE_EMULATOR = 1 ] && echo "$EMU_URL" || true )
case ${WP_PLUGIN:-dify-chatbot} in
	dify-chatbot)
		ln -sfn "${WP_PLUGIN_SOURCE:-$ROOT}" "$WP_DIR/wp-content/plugins/dify-chatbot"
		slugs+=(dify-chatbot) ;;
	none) # WP_PLUGIN=none: the plugin-less site (see the header)
		PLUGIN_DIR=$WP_DIR/wp-content/plugins/dify-chatbot
		if [ -L "$PLUGIN_DIR" ]; then rm -f "$PLUGIN_DIR"; fi
		if [ "${WP_RESET:-0}" = 1 ]; then rm -rf "$PLUGIN_DIR"; fi
		POINT_AT= ;;
	*) die "WP_PLUGIN must be dify-chatbot or none, not '$WP_PLUGIN'." ;;
esac
if [ "$MULTI" = 1 ]; then
	# The network e2e activates and configures the plugin itself.
	slugs=("${slugs[@]/dify-chatbot}")
	mapfile -t slugs < <(printf '%s\n' "${slugs[@]}" | grep -v '^$' || true)
	POINT_AT=
	export DIFY_CHATBOT_SINGLE_SITE=1
fi
out=$("$PHP" "$ROOT/bin/setup-site.php" "$WP_DIR" "$URL" "$POINT_AT" "${slugs[@]}" 2>&1) || true
grep -qx 'setup-ok' <<< "$out" || { sed 's/<[^>]*>//g' <<< "$out" | grep -v '^\s*$' | tail -15 >&2; die "WordPress setup failed (output above)."; }
grep -vx 'setup-ok' <<< "$out" | sed 's/^/  /' || true
if [ "$MULTI" = 1 ]; then
	for step in tables sites; do
		[ $step = sites ] && unset DIFY_CHATBOT_SINGLE_SITE
		out=$("$PHP" "$ROOT/bin/setup-network.php" "$WP_DIR" "$URL" $step 2>&1) || true
		grep -qx 'network-ok' <<< "$out" || { grep -v '^\s*$' <<< "$out" | tail -15 >&2; die "the network setup failed (output above)."; }
		grep -vx 'network-ok' <<< "$out" | sed 's/^/  /' || true
	done
fi
lap "WordPress $WP_VERSION installed on $DB; plugins active: ${slugs[*]}"

# ------------------------------------------------------------------ 7. servers
if [ $USE_EMULATOR = 1 ]; then
	if ! running emulator "tests/emulator/main.ts" > /dev/null || [ "$(cat "$RUN/emulator.port" 2>/dev/null)" != "$EMU_PORT" ]; then
		stop_group emulator "tests/emulator/main.ts"
		port_taken "$EMU_PORT" && die "port $EMU_PORT is in use: stop what uses it or set DIFY_EMULATOR_PORT."
		(
			cd "$ROOT"
			# A simple command in the background, so $! is the server itself (setsid execs it).
			DIFY_EMULATOR_PORT=$EMU_PORT setsid node_modules/.bin/tsx tests/emulator/main.ts > "$RUN/emulator.log" 2>&1 < /dev/null &
			echo $! > "$RUN/emulator.pid"
		)
		echo "$EMU_PORT" > "$RUN/emulator.port"
		for _ in $(seq 100); do curl -sf -o /dev/null "$EMU_URL/" && break; sleep 0.1; done
		curl -sf -o /dev/null "$EMU_URL/" || { tail -20 "$RUN/emulator.log" >&2; die "the Dify emulator did not answer on $EMU_URL."; }
		lap "Dify emulator on $EMU_URL"
	fi
else
	stop_group emulator "tests/emulator/main.ts"
fi

# The PHP server gets the shell's Dify settings (design §3.1: environment overrides); it is
# restarted on every start so a changed environment takes effect.
stop_group server "-S 127.0.0.1:"
stack_stop_web
port_taken "$PORT" && die "port $PORT is in use: stop what uses it or set WP_PORT."
if [ "$STACK_SERVER" = php ]; then
	cp "$ROOT/bin/router.php" "$RUN/router.php"
	(
		cd "$WP_DIR"
		if [ $USE_EMULATOR = 1 ]; then unset DIFY_CHATBOT_BASE_URL DIFY_CHATBOT_API_KEY; fi
		PHP_CLI_SERVER_WORKERS=$WORKERS setsid "$PHP" -d opcache.enable_cli=1 -d memory_limit=256M \
			-d upload_max_filesize=64M -d post_max_size=64M -d display_errors=0 \
			-S "127.0.0.1:$PORT" -t "$WP_DIR" "$RUN/router.php" > "$RUN/server.log" 2>&1 < /dev/null &
		echo $! > "$RUN/server.pid"
	)
else
	(
		if [ $USE_EMULATOR = 1 ]; then unset DIFY_CHATBOT_BASE_URL DIFY_CHATBOT_API_KEY; fi
		stack_start
	)
fi
echo "$URL" > "$RUN/url"
for _ in $(seq 100); do curl -sf -o /dev/null "$URL/wp-json/" && break; sleep 0.1; done
curl -sf -o /dev/null "$URL/wp-json/" || { tail -20 "$RUN/server.log" "$RUN"/stack/*/*.log 2>/dev/null >&2; die "WordPress did not answer on $URL."; }
lap "ready ($( [ "$STACK_SERVER" = php ] && echo "php -S" || cat "$RUN/stack/kind"))"

cat <<TXT

  WordPress $WP_VERSION ($DB)   $URL
  Admin                        $URL/wp-admin/   (login: admin / password)
  Block page                   $URL/dify-chatbot-block/
  Shortcode page               $URL/dify-chatbot-shortcode/
TXT
if [ $USE_EMULATOR = 1 ]; then
	echo "  Dify emulator                $EMU_URL   (keys: app-emulator, app-emulator-agent, ...; see tests/emulator/README.md)"
else
	echo "  Dify                         ${DIFY_CHATBOT_BASE_URL} (from the shell; the emulator is not started)"
fi
echo "  Stop                         npm run stop"
