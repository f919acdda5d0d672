#!/usr/bin/env bash
# WordPress.org's Plugin Check on the release as users get it (npm test's `plugin-check` suite):
# the zip is unpacked by WordPress's own unzip_file() into a WordPress without the plugin (the
# `install` site: bin/env.sh WP_PLUGIN=none, started afresh), then ../shared/tools/plugin-check/run.sh
# checks it. Fails on any ERROR and on any WARNING: a warning is fixed, or justified where the
# checker honours it (a `phpcs:ignore` naming the sniff, with the reason). Stops the site after.
#
#   bash bin/plugin-check.sh [ZIP]      (default dify-chatbot.zip; build it with npm run zip)
#
# Environment: DIFY_CHATBOT_SHARED (../shared next to the repository) holds tools/plugin-check;
# WP_INSTALL_PORT (8891) and DIFY_INSTALL_EMULATOR_PORT (8790): the install site's ports.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
die() { echo "plugin-check: $*" >&2; exit 1; }

ZIP=$(realpath -e "${1:-dify-chatbot.zip}" 2> /dev/null) || die "no release zip at ${1:-dify-chatbot.zip}: run 'npm run zip' first."
SHARED=${DIFY_CHATBOT_SHARED:-$ROOT/../shared}
CHECK=$SHARED/tools/plugin-check/run.sh
[ -f "$CHECK" ] || die "Plugin Check is missing: expected $CHECK (the shared tools folder next to the repository; set DIFY_CHATBOT_SHARED to where it is)."
PHP=${WP_PHP:-php8.2}
WP_DIR=$ROOT/.wp/install/wordpress
site() { WP_SITE=install WP_DB=mariadb WP_PLUGIN=none WP_PORT=${WP_INSTALL_PORT:-8891} \
	DIFY_EMULATOR_PORT=${DIFY_INSTALL_EMULATOR_PORT:-8790} bash bin/env.sh "$@"; }

site stop > /dev/null 2>&1
WP_RESET=1 site start > /dev/null || die "the install site did not start (WP_RESET=1 WP_SITE=install WP_PLUGIN=none bash bin/env.sh start says why)."
trap 'site stop > /dev/null 2>&1' EXIT
rm -rf "$WP_DIR/wp-content/plugins/plugin-check"

# Unpacked the way wp-admin's upload does it (WP_Filesystem + unzip_file), not from the source tree.
"$PHP" -r '
	$_SERVER["HTTP_HOST"] = "localhost";
	define( "WP_ADMIN", true );
	require $argv[1] . "/wp-load.php";
	require_once ABSPATH . "wp-admin/includes/file.php";
	WP_Filesystem();
	$result = unzip_file( $argv[2], WP_PLUGIN_DIR );
	if ( is_wp_error( $result ) ) {
		fwrite( STDERR, $result->get_error_message() . "\n" );
		exit( 1 );
	}' "$WP_DIR" "$ZIP" || die "WordPress could not unpack $ZIP."
[ -f "$WP_DIR/wp-content/plugins/dify-chatbot/dify-chatbot.php" ] ||
	die "$ZIP has no dify-chatbot/dify-chatbot.php: the zip's top folder must be dify-chatbot/."

# run.sh calls `php`: make that Debian's PHP with mysqli, whatever else is first on PATH.
mkdir -p "$ROOT/.wp/install/run/bin"
ln -sfn "$(command -v "$PHP")" "$ROOT/.wp/install/run/bin/php"
out=$(PATH="$ROOT/.wp/install/run/bin:$PATH" bash "$CHECK" "$WP_DIR" dify-chatbot 2>&1)
rc=$?
printf '%s\n' "$out"
errors=$(grep -cP '\tERROR\t' <<< "$out")
warnings=$(grep -cP '\tWARNING\t' <<< "$out")
echo "plugin-check: $errors errors, $warnings warnings (Plugin Check exit status $rc)"
rm -rf "$WP_DIR/wp-content/plugins/dify-chatbot" "$WP_DIR/wp-content/plugins/plugin-check"
case $rc in
	0) ;;
	1) exit 1 ;;
	*) die "Plugin Check could not run (exit status $rc)." ;;
esac
[ "$errors" = 0 ] && [ "$warnings" = 0 ]
