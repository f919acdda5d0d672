#!/usr/bin/env bash
# `npm run wp -- …`: WP-CLI (the Composer dev dependency wp-cli/wp-cli) against the site of
# `npm start` (.wp/dev; WP_SITE picks another, e.g. WP_SITE=test), with Debian's PHP 8.2.
#
#   npm run wp -- dify-chatbot status
#   npm run wp -- dify-chatbot set-key < key.txt
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SITE=${WP_SITE:-dev}
WP_DIR=$ROOT/.wp/$SITE/wordpress
[ -f "$WP_DIR/wp-config.php" ] || { echo "wp: no site in ${WP_DIR#"$ROOT"/}: run npm start first (or set WP_SITE)." >&2; exit 1; }
if [ ! -f "$ROOT/vendor/wp-cli/wp-cli/php/boot-fs.php" ]; then
	(cd "$ROOT" && composer install --no-interaction --no-progress -q)
fi
args=(--path="$WP_DIR" --require="$ROOT/bin/wp-cli-mustache.php")
# The local sites belong to whoever started them, root included on these machines.
[ "$(id -u)" = 0 ] && args+=(--allow-root)
# The command runs with the shell's environment: DIFY_CHATBOT_* set there override the saved
# settings, as they do for the web server `npm start` started from that shell.
exec "${WP_PHP:-php8.2}" "$ROOT/vendor/wp-cli/wp-cli/php/boot-fs.php" "${args[@]}" "$@"
