#!/usr/bin/env bash
# The committed languages/dify-chatbot.pot must hold exactly the strings the code has: it is
# regenerated into a scratch folder and its msgids compared (dates and locations ignored).
# `npm run makepot` refreshes the committed one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scratch=.wp/pot-check
rm -rf "$scratch" && mkdir -p "$scratch"
# make-pot resolves its destination against the current folder; a relative path keeps it there.
node bin/makepot.cjs . "$scratch" --slug dify-chatbot --domain plugin --include "dify-chatbot.php,uninstall.php,includes/**,src/**" \
	--exclude "src/**/test/**" --charset utf-8 --skip-audit --silent --headers "email:support@wordpress.org" < /dev/null > /dev/null
strings() { grep -E '^(msgctxt|msgid|msgid_plural) ' "$1" | sort; }
if ! diff <(strings languages/dify-chatbot.pot) <(strings "$scratch/dify-chatbot.pot"); then
	echo "languages/dify-chatbot.pot is out of date ('<' only there, '>' only in the code): run 'npm run makepot'." >&2
	exit 1
fi
echo "languages/dify-chatbot.pot: $(strings "$scratch/dify-chatbot.pot" | grep -c '^msgid ') strings, up to date"
