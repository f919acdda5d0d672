# Real server stacks for bin/env.sh (sourced by it, never run alone): Debian's nginx + php-fpm,
# Apache 2.4 prefork + mod_php, Apache 2.4 event + php-fpm (proxy_fcgi), several php-fpm nodes
# behind one nginx upstream, and a Redis object cache. Each runs as this project's own processes on
# the site's own port, with configurations written to .wp/<site>/run from the templates beside this
# file; they include Debian's stock files (mime types, fastcgi snippets, Apache's module and conf
# files, php-fpm's default pool, each SAPI's php.ini) and never change /etc or start a system service.
#
# Environment (all optional):
#   WP_SERVER (php)            php (php -S) | nginx | apache | apache-fpm
#   WP_NODES (1)               nginx only: php-fpm nodes (own master, own socket) behind one upstream
#   WP_ZLIB (0)                1: zlib.output_compression = On in PHP's ini (an extra scan dir)
#   WP_OBJECT_CACHE (none)     redis: Debian's redis-server on WP_REDIS_PORT and the Redis Object
#                              Cache drop-in (../shared/tools/redis-cache, or DIFY_CHATBOT_REDIS_CACHE)
#   WP_REDIS_PORT (8974)       the site's throwaway Redis (no persistence; emptied on every start)
#   WP_FPM_MAX_CHILDREN        per node; empty keeps Debian's default pool (pm.max_children = 5)
#
# Run as root (as on a Debian server) the PHP workers run as www-data: the site's run folder,
# uploads and SQLite database are handed to www-data. Run as another user, everything runs as that
# user.
# shellcheck shell=bash

STACK_SERVER=${WP_SERVER:-php}
STACK_NODES=${WP_NODES:-1}
STACK_ZLIB=${WP_ZLIB:-0}
STACK_CACHE=${WP_OBJECT_CACHE:-none}
STACK_REDIS_PORT=${WP_REDIS_PORT:-8974}
STACK_FPM_CHILDREN=${WP_FPM_MAX_CHILDREN:-}
STACK_DIR=$ROOT/bin/stacks
STACK_PHP_VERSION=8.2
STACK_WEB_USER=www-data
REDIS_CACHE_SRC=${DIFY_CHATBOT_REDIS_CACHE:-$ROOT/../shared/tools/redis-cache/redis-cache}
# Process names in $RUN/<name>.pid and what their command line shows (env.sh's `running`).
STACK_WEB_PATTERN="$RUN/stack/"
STACK_REDIS_PATTERN="redis-server 127.0.0.1:"

stack_validate() {
	case $STACK_SERVER in php|nginx|apache|apache-fpm) ;; *)
		die "WP_SERVER must be php, nginx, apache or apache-fpm, not '$STACK_SERVER'." ;;
	esac
	case $STACK_NODES in 1|2|3|4) ;; *) die "WP_NODES must be 1 to 4, not '$STACK_NODES'." ;; esac
	[ "$STACK_NODES" = 1 ] || [ "$STACK_SERVER" = nginx ] || die "WP_NODES needs WP_SERVER=nginx (the nodes sit behind one nginx upstream)."
	case $STACK_ZLIB in 0|1) ;; *) die "WP_ZLIB must be 0 or 1." ;; esac
	case $STACK_CACHE in none|redis) ;; *) die "WP_OBJECT_CACHE must be none or redis." ;; esac
	return 0
}

# Debian packages the chosen stack needs (added to env.sh's list).
stack_packages() {
	case $STACK_SERVER in
		nginx) echo nginx "php$STACK_PHP_VERSION-fpm" ;;
		apache) echo apache2 "libapache2-mod-php$STACK_PHP_VERSION" ;;
		apache-fpm) echo apache2 "php$STACK_PHP_VERSION-fpm" ;;
	esac
	[ "$STACK_CACHE" = redis ] && echo redis-server "php$STACK_PHP_VERSION-redis"
	return 0
}

# Stops this site's web server and php-fpm nodes (Redis stays: it was started for this start).
stack_stop_web() {
	local f name
	stop_group web "$STACK_WEB_PATTERN"
	for f in "$RUN"/fpm*.pid; do
		[ -e "$f" ] || continue
		name=${f##*/}
		stop_group "${name%.pid}" "$STACK_WEB_PATTERN"
	done
	return 0
}

# Stops every stack process of this site (web server, php-fpm nodes, Redis).
stack_stop() {
	stack_stop_web
	stop_group redis "$STACK_REDIS_PATTERN"
	return 0
}

stack_status() {
	local pid
	if pid=$(running web "$STACK_WEB_PATTERN"); then
		echo "web server: $(cat "$RUN/stack/kind" 2>/dev/null) (pid $pid)"
	fi
	if pid=$(running redis "$STACK_REDIS_PATTERN"); then echo "redis: pid $pid"; fi
	return 0
}

# Fills a template: @NAME@ becomes the value of NAME (only the names given).
stack_render() { # template output NAME...
	local template=$1 out=$2 name value
	shift 2
	cp "$template" "$out.tmp"
	for name in "$@"; do
		value=${!name}
		value=${value//\\/\\\\}
		value=${value//|/\\|}
		value=${value//&/\\&}
		# Multi-line values: sed's replacement needs escaped newlines.
		value=${value//$'\n'/\\$'\n'}
		sed -i "s|@$name@|$value|g" "$out.tmp"
	done
	! grep -q '@[A-Z_]*@' "$out.tmp" || die "unfilled placeholder in $out: $(grep -o '@[A-Z_]*@' "$out.tmp" | head -1)"
	mv "$out.tmp" "$out"
}

# The wp-config.php lines of the object cache (empty without one).
stack_wp_config() {
	[ "$STACK_CACHE" = redis ] || return 0
	cat <<PHP
// Redis Object Cache (bin/stacks/stack.sh): the site's own throwaway Redis.
define( 'WP_REDIS_HOST', '127.0.0.1' );
define( 'WP_REDIS_PORT', $STACK_REDIS_PORT );
define( 'WP_REDIS_PREFIX', '$DB_NAME:' );
define( 'WP_REDIS_CLIENT', 'phpredis' );
PHP
}

# Redis and the drop-in, before WordPress is first loaded (setup-site.php already uses the cache).
stack_object_cache() {
	if [ "$STACK_CACHE" != redis ]; then
		stop_group redis "$STACK_REDIS_PATTERN"
		rm -f "$WP_DIR/wp-content/object-cache.php"
		return 0
	fi
	[ -f "$REDIS_CACHE_SRC/includes/object-cache.php" ] ||
		die "the Redis Object Cache plugin is not at $REDIS_CACHE_SRC (set DIFY_CHATBOT_REDIS_CACHE)."
	# Restarted on every start: an empty cache, so nothing cached while it was off comes back stale.
	stop_group redis "$STACK_REDIS_PATTERN"
	port_taken "$STACK_REDIS_PORT" && die "port $STACK_REDIS_PORT is in use: stop what uses it or set WP_REDIS_PORT."
	mkdir -p "$RUN/redis"
	(
		cd "$RUN/redis"
		setsid redis-server --bind 127.0.0.1 --port "$STACK_REDIS_PORT" --save '' --appendonly no \
			--daemonize no --dir "$RUN/redis" --logfile "$RUN/redis/redis.log" < /dev/null > /dev/null 2>&1 &
		echo $! > "$RUN/redis.pid"
	)
	for _ in $(seq 50); do redis-cli -p "$STACK_REDIS_PORT" ping > /dev/null 2>&1 && break; sleep 0.1; done
	redis-cli -p "$STACK_REDIS_PORT" ping > /dev/null 2>&1 || { tail -5 "$RUN/redis/redis.log" >&2; die "Redis did not start on port $STACK_REDIS_PORT."; }
	rm -rf "$WP_DIR/wp-content/plugins/redis-cache"
	cp -R "$REDIS_CACHE_SRC" "$WP_DIR/wp-content/plugins/redis-cache"
	chmod -R u+w "$WP_DIR/wp-content/plugins/redis-cache"
	cp "$REDIS_CACHE_SRC/includes/object-cache.php" "$WP_DIR/wp-content/object-cache.php"
	chmod u+w "$WP_DIR/wp-content/object-cache.php"
	lap "Redis on 127.0.0.1:$STACK_REDIS_PORT with the Redis Object Cache drop-in"
}

# The PHP ini scan folder added to the SAPI's own (PHP_INI_SCAN_DIR=":dir": the empty entry keeps
# Debian's conf.d of that SAPI).
stack_php_ini() {
	mkdir -p "$RUN/stack/php-ini"
	rm -f "$RUN/stack/php-ini/"*.ini
	if [ "$STACK_ZLIB" = 1 ]; then
		printf '; bin/stacks/stack.sh, WP_ZLIB=1\nzlib.output_compression = On\n' > "$RUN/stack/php-ini/zz-dify-chatbot-zlib.ini"
	fi
}

# What the PHP workers write to belongs to www-data when running as root.
stack_permissions() {
	[ "$(id -u)" = 0 ] || return 0
	id "$STACK_WEB_USER" > /dev/null 2>&1 || die "the user $STACK_WEB_USER does not exist (Debian's web servers run PHP as it)."
	runuser -u "$STACK_WEB_USER" -- test -r "$WP_DIR/index.php" -a -r "$ROOT/dify-chatbot.php" ||
		die "$STACK_WEB_USER cannot read $ROOT: the web server's PHP runs as $STACK_WEB_USER (make the folders on the way readable, or use WP_SERVER=php)."
	touch "$RUN/debug.log"
	mkdir -p "$WP_DIR/wp-content/uploads" "$WP_DIR/wp-content/upgrade"
	chown "$STACK_WEB_USER:" "$RUN" "$RUN/debug.log"
	chown -R "$STACK_WEB_USER:" "$RUN/stack" "$WP_DIR/wp-content/uploads" "$WP_DIR/wp-content/upgrade"
	[ -d "$WP_DIR/wp-content/database" ] && chown -R "$STACK_WEB_USER:" "$WP_DIR/wp-content/database"
	return 0
}

# One php-fpm master with Debian's default pool (pool.d/www.conf) on its own socket.
stack_start_fpm() { # node number
	local n=$1 dir=$RUN/stack/fpm$1 pool env_lines=''
	mkdir -p "$dir"
	pool=$(sed -e "s|^listen = .*|listen = $dir/php-fpm.sock|" -e "s|^\[www\]|[node$n]|" "/etc/php/$STACK_PHP_VERSION/fpm/pool.d/www.conf")
	if [ -n "$STACK_FPM_CHILDREN" ]; then
		pool=$(sed -e "s|^pm.max_children = .*|pm.max_children = $STACK_FPM_CHILDREN|" <<< "$pool")
	fi
	# php-fpm clears the workers' environment: a real Dify named in the shell is passed on.
	if [ "$USE_EMULATOR" = 0 ]; then
		env_lines="env[DIFY_CHATBOT_BASE_URL] = \"$DIFY_CHATBOT_BASE_URL\""$'\n'"env[DIFY_CHATBOT_API_KEY] = \"$DIFY_CHATBOT_API_KEY\""
	fi
	# Which node answered, for the multi-node tests (nginx adds it as a response header).
	env_lines+=$'\n'"env[DIFY_CHATBOT_NODE] = node$n"
	FPM_DIR=$dir FPM_POOL=$pool FPM_ENV=$env_lines stack_render "$STACK_DIR/php-fpm.conf" "$dir/php-fpm.conf" FPM_DIR FPM_POOL FPM_ENV
	[ "$(id -u)" = 0 ] && chown -R "$STACK_WEB_USER:" "$dir"
	(
		cd "$dir"
		PHP_INI_SCAN_DIR=":$RUN/stack/php-ini" setsid "php-fpm$STACK_PHP_VERSION" -F -y "$dir/php-fpm.conf" \
			< /dev/null > "$dir/stdout.log" 2>&1 &
		echo $! > "$RUN/fpm$n.pid"
	)
	for _ in $(seq 50); do [ -S "$dir/php-fpm.sock" ] && break; sleep 0.1; done
	[ -S "$dir/php-fpm.sock" ] || { tail -20 "$dir/php-fpm.log" "$dir/stdout.log" >&2; die "php-fpm node $n did not start."; }
}

stack_start_nginx() {
	local upstream='' n f
	for n in $(seq "$STACK_NODES"); do
		stack_start_fpm "$n"
		upstream+="		server unix:$RUN/stack/fpm$n/php-fpm.sock;"$'\n'
	done
	mkdir -p "$RUN/stack/nginx/tmp"
	# nginx resolves relative includes (Debian's snippets include `fastcgi.conf`) next to the main
	# configuration: Debian's files are linked there.
	for f in mime.types fastcgi.conf fastcgi_params snippets; do ln -sfn "/etc/nginx/$f" "$RUN/stack/nginx/$f"; done
	[ "$(id -u)" = 0 ] && chown -R "$STACK_WEB_USER:" "$RUN/stack/nginx"
	NGINX_DIR=$RUN/stack/nginx NGINX_UPSTREAM=$upstream stack_render "$STACK_DIR/nginx.conf" "$RUN/stack/nginx/nginx.conf" \
		NGINX_DIR NGINX_UPSTREAM PORT WP_DIR
	nginx -t -q -e "$RUN/stack/nginx/error.log" -c "$RUN/stack/nginx/nginx.conf" 2> "$RUN/stack/nginx/test.log" ||
		{ cat "$RUN/stack/nginx/test.log" >&2; die "nginx refused its configuration ($RUN/stack/nginx/nginx.conf)."; }
	(
		setsid nginx -e "$RUN/stack/nginx/error.log" -c "$RUN/stack/nginx/nginx.conf" -g 'daemon off;' \
			< /dev/null > "$RUN/stack/nginx/stdout.log" 2>&1 &
		echo $! > "$RUN/web.pid"
	)
}

stack_start_apache() {
	local mpm modules='' handler='' m
	local base=(access_compat alias auth_basic authn_core authn_file authz_core authz_host authz_user autoindex
		deflate dir env filter mime negotiation reqtimeout setenvif status)
	if [ "$STACK_SERVER" = apache ]; then
		# What `apt install libapache2-mod-php8.2` does: prefork instead of event, and mod_php.
		mpm=prefork
		base+=("php$STACK_PHP_VERSION")
	else
		# What `a2enmod proxy_fcgi setenvif && a2enconf php8.2-fpm` does (php8.2-fpm's own advice).
		mpm=event
		base+=(proxy proxy_fcgi)
		stack_start_fpm 1
		handler=$(sed -e "s|/run/php/php$STACK_PHP_VERSION-fpm.sock|$RUN/stack/fpm1/php-fpm.sock|g" \
			"/etc/apache2/conf-available/php$STACK_PHP_VERSION-fpm.conf")
	fi
	# WordPress's pretty permalinks need mod_rewrite (`a2enmod rewrite`, as every WordPress guide says).
	for m in "mpm_$mpm" "${base[@]}" rewrite; do
		modules+="Include mods-available/$m.load"$'\n'
		[ -f "/etc/apache2/mods-available/$m.conf" ] && modules+="Include mods-available/$m.conf"$'\n'
	done
	mkdir -p "$RUN/stack/apache"
	[ "$(id -u)" = 0 ] && chown -R "$STACK_WEB_USER:" "$RUN/stack/apache"
	APACHE_DIR=$RUN/stack/apache APACHE_MODULES=$modules APACHE_PHP_HANDLER=$handler \
		stack_render "$STACK_DIR/apache.conf" "$RUN/stack/apache/apache.conf" APACHE_DIR APACHE_MODULES APACHE_PHP_HANDLER PORT WP_DIR
	apache2 -t -f "$RUN/stack/apache/apache.conf" > "$RUN/stack/apache/test.log" 2>&1 ||
		{ cat "$RUN/stack/apache/test.log" >&2; die "Apache refused its configuration ($RUN/stack/apache/apache.conf)."; }
	(
		PHP_INI_SCAN_DIR=":$RUN/stack/php-ini" setsid apache2 -f "$RUN/stack/apache/apache.conf" -D FOREGROUND \
			< /dev/null > "$RUN/stack/apache/stdout.log" 2>&1 &
		echo $! > "$RUN/web.pid"
	)
}

# Starts the chosen stack on $PORT (after everything of an earlier start of this site stopped).
stack_start() {
	rm -rf "$RUN/stack"
	mkdir -p "$RUN/stack"
	echo "$STACK_SERVER$( [ "$STACK_NODES" != 1 ] && echo " × $STACK_NODES php-fpm nodes" )$( [ "$STACK_ZLIB" = 1 ] && echo ", zlib.output_compression=On" )$( [ "$STACK_CACHE" = redis ] && echo ", Redis object cache" )" > "$RUN/stack/kind"
	stack_php_ini
	stack_permissions
	case $STACK_SERVER in
		nginx) stack_start_nginx ;;
		apache|apache-fpm) stack_start_apache ;;
	esac
}
