#!/usr/bin/env bash
# Runs Playwright specs against test sites that are already up, for quick loops while writing a
# spec (`npm test` starts and stops its own). Arguments go to Playwright:
#   bash bin/e2e.sh specs/chat.spec.ts -g "Stop"
# Start the sites once with `TEST_ONLY=none npm test`'s commands, or:
#   WP_SITE=test WP_DB=mariadb WP_PORT=8889 DIFY_EMULATOR_PORT=8788 bash bin/env.sh start
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TEST_PORT=${WP_TEST_PORT:-8889} TEST_EMU_PORT=${DIFY_TEST_EMULATOR_PORT:-8788}
SQLITE_PORT=${WP_SQLITE_TEST_PORT:-8890}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export WP_BASE_URL="http://127.0.0.1:$TEST_PORT" WP_SQLITE_BASE_URL="http://127.0.0.1:$SQLITE_PORT"
export DIFY_EMULATOR_URL="http://127.0.0.1:$TEST_EMU_PORT/v1"
# specs/multisite.spec.ts: a fresh network (it network-activates the plugin), e.g.
#   WP_SITE=test-multisite WP_DB=mariadb WP_MULTISITE=1 WP_PORT=8894 DIFY_EMULATOR_PORT=8795 WP_RESET=1 bash bin/env.sh start
export WP_MULTISITE_BASE_URL="http://127.0.0.1:${WP_MULTISITE_TEST_PORT:-8894}"
export DIFY_MULTISITE_EMULATOR_URL="http://127.0.0.1:${DIFY_MULTISITE_TEST_EMULATOR_PORT:-8795}/v1"
exec npx wp-scripts test-playwright --config tests/e2e/playwright.config.ts "$@"
