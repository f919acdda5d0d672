#!/usr/bin/env bash
# PHPUnit inside the real WordPress of the test site (.wp/test, built by bin/env.sh) on a dedicated
# MariaDB database that is installed afresh for every run.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PHP=${WP_PHP:-php8.2}
export WP_TESTS_DB_NAME=${WP_TESTS_DB_NAME:-dify_chatbot_phpunit}
# The tests talk to the test site's emulator (tests/php/Support/Emulator.php reads DIFY_EMULATOR_URL):
# the one on DIFY_TEST_EMULATOR_PORT, so a run on other ports never counts another run's requests.
export DIFY_EMULATOR_URL=${DIFY_EMULATOR_URL:-http://127.0.0.1:${DIFY_TEST_EMULATOR_PORT:-8788}/v1}
# WP_TESTS_MULTISITE=1: a subdirectory network in a database of its own; runs the `multisite`
# test suite (tests/php/Multisite/) unless told otherwise.
if [ -n "${WP_TESTS_MULTISITE:-}" ]; then
	export WP_TESTS_DB_NAME=${WP_TESTS_DB_NAME}_multisite
	[ $# -gt 0 ] || set -- --testsuite multisite
fi
[ -f "$ROOT/.wp/test/wordpress/wp-settings.php" ] ||
	WP_SITE=test WP_DB=mariadb WP_PORT=${WP_TEST_PORT:-8889} DIFY_EMULATOR_PORT=${DIFY_TEST_EMULATOR_PORT:-8788} bash bin/env.sh start > /dev/null
[ -f vendor/bin/phpunit ] || composer install --no-interaction --no-progress -q
mariadb-admin ping --silent > /dev/null 2>&1 || service mariadb start > /dev/null
mariadb -uroot -e "CREATE DATABASE IF NOT EXISTS \`$WP_TESTS_DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
	CREATE USER IF NOT EXISTS 'dify_chatbot'@'localhost' IDENTIFIED BY 'dify_chatbot';
	GRANT ALL ON \`dify_chatbot\\_%\`.* TO 'dify_chatbot'@'localhost';"
"$PHP" tests/php/install.php
exec "$PHP" vendor/bin/phpunit "$@"
