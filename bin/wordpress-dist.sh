#!/usr/bin/env bash
# A plain, self-contained WordPress tree of a chosen version, prepared once in the download cache.
# Prints the tree's folder on its last line (progress goes to stderr). bin/env.sh calls it with
# WP_VERSION; it can also be run alone:
#
#   bash bin/wordpress-dist.sh [VERSION]
#
#   7.1 (default)       Debian sid's packages, pinned in bin/wordpress.lock
#   6.8                 Debian trixie's (trixie-security included), pinned in bin/wordpress-6.8.lock
#   6.1                 Debian bookworm's, pinned in bin/wordpress-6.1.lock (older than the plugin
#                       supports: there it stays switched off with a notice)
#   6.2 6.3 6.4 6.5     the npm package @wp-playground/wordpress-builds (6.2.6, 6.3.5, 6.4.5, 6.5.5,
#   6.6-rc              and 6.6-RC3), whose builds are stripped: see playground_dist below
#
# Environment: DIFY_CHATBOT_CACHE (/var/cache/dify-chatbot), WP_REFRESH=1 (Debian: take the suite's
# current packages and print new pins), WP_DEBIAN_MIRROR (http://deb.debian.org/debian; WP_SID_MIRROR
# is read too), WP_PHP (php8.2, reads the playground's zip files).
# Debian's packages are only downloaded, with a private apt state: the system's apt configuration
# and its installed packages are never touched. Each source is prepared under its own lock, so
# several sites can start at once.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WANT=${1:-7.1}
CACHE=${DIFY_CHATBOT_CACHE:-/var/cache/dify-chatbot}
MIRROR=${WP_DEBIAN_MIRROR:-${WP_SID_MIRROR:-http://deb.debian.org/debian}}
PHP=${WP_PHP:-php8.2}
PLAYGROUND_NPM=@wp-playground/wordpress-builds@0.9.19

T0=$(date +%s%N)
lap() { printf '[%5.1fs] %s\n' "$(( ($(date +%s%N) - T0) / 1000000 ))e-3" "$*" >&2; }
die() { echo "wordpress-dist: $*" >&2; exit 1; }
version_of() { sed -n "s/^\$wp_version = '\(.*\)';/\1/p; s/.*\$wp_version = '\([^']*\)';.*/\1/p" "$1/wp-includes/version.php" | head -1; }

mkdir -p "$CACHE/dist"
# One preparation of a source at a time (a second caller waits, then finds it done).
with_lock() { # name command...
	local name=$1
	shift
	exec {fd}> "$CACHE/.lock-$name"
	flock "$fd"
	"$@"
	exec {fd}>&-
}

# ------------------------------------------------------------------ Debian (sid, trixie, bookworm)
# debian_dist LOCK SUITE...: downloads the pinned .debs of LOCK from the suites (the first names the
# apt state and .deb folders), unpacks them and re-aims Debian's links out of the tree into it.
debian_dist() {
	local lock=$1 name=$2
	shift
	local suites=("$@")
	# sid keeps the folders it always had, so an existing cache stays valid.
	local apt_dir=$CACHE/apt debs=$CACHE/debs
	[ "$name" = sid ] || { apt_dir=$CACHE/apt-$name; debs=$CACHE/debs-$name; }
	mkdir -p "$debs" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	local apt=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$apt_dir/lists" -o Dir::State::status="$apt_dir/status"
		-o Dir::Cache="$apt_dir/cache" -o APT::Sandbox::User=root
		# Only the package lists: no AppStream metadata (a third of a suite's download).
		-o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
		-o Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false
		-o Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false
		-o Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false)
	local pins pin have_all=1 pinned=1 refresh=${WP_REFRESH:-0}
	mapfile -t pins < <(grep -vE '^\s*(#|$)' "$lock")
	deb_file() { # pkg=version -> the .deb as apt names it (':' of an epoch as %3a)
		local pkg=${1%%=*} ver=${1#*=}
		compgen -G "$debs/${pkg}_${ver//:/%3a}_*.deb" | head -1
	}
	for pin in "${pins[@]}"; do [ -n "$(deb_file "$pin")" ] || have_all=0; done
	if [ "$refresh" = 1 ] || [ $have_all = 0 ]; then
		: > "$apt_dir/sources.list"
		local suite
		for suite in "${suites[@]}"; do
			# Security updates live in the debian-security archive next to the main one.
			local base=$MIRROR
			[[ $suite == *-security ]] && base=${MIRROR%/debian}/debian-security
			echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $base $suite main" >> "$apt_dir/sources.list"
		done
		: > "$apt_dir/status"
		apt-get "${apt[@]}" update -qq > "$apt_dir/update.log" 2>&1 ||
			{ tail -5 "$apt_dir/update.log" >&2; die "could not read Debian $name's package lists from $MIRROR; check the network or set WP_DEBIAN_MIRROR."; }
		if [ "$refresh" = 1 ] || ! (cd "$debs" && apt-get "${apt[@]}" download -qq "${pins[@]}" > "$apt_dir/download.log" 2>&1); then
			# Debian keeps no old versions in a moving suite: when it has moved past a pin, take the
			# current packages rather than leave the project without WordPress, and say so.
			[ "$refresh" = 1 ] || echo "wordpress-dist: warning: the pinned WordPress packages are no longer in Debian $name; using its current ones." >&2
			(cd "$debs" && apt-get "${apt[@]}" download -qq "${pins[@]%%=*}" > "$apt_dir/download.log" 2>&1) ||
				{ tail -5 "$apt_dir/download.log" >&2; die "could not download WordPress from Debian $name."; }
			pinned=0
		fi
		lap "downloaded WordPress packages from Debian $name"
	fi
	local files=() f v
	for pin in "${pins[@]}"; do
		if [ $pinned = 1 ]; then
			files+=("$(deb_file "$pin")")
		else
			f=$(ls -t "$debs/${pin%%=*}"_*.deb | head -1)
			files+=("$f")
			v=${f##*/}; v=${v#"${pin%%=*}"_}; v=${v%_*}
			echo "  new pin for ${lock#"$ROOT"/}: ${pin%%=*}=${v//%3a/:}" >&2
		fi
	done
	# Keyed by the set of .deb files (the key bin/env.sh has always used for sid).
	local id dist
	id=$(printf '%s\n' "${files[@]##*/}" | sha256sum | cut -c1-16)
	dist=$CACHE/dist/$id
	if [ ! -f "$dist/wp-includes/version.php" ]; then
		local stage
		stage=$(mktemp -d "$CACHE/stage.XXXX")
		for f in "${files[@]}"; do dpkg -x "$f" "$stage/root"; done
		# Debian's links out of the tree (/usr/share/php, /usr/share/javascript, /etc, /var/lib) are
		# re-aimed into the staging root; the CA bundle comes from this machine's ca-certificates.
		mkdir -p "$stage/root/etc/ssl/certs"
		cp /etc/ssl/certs/ca-certificates.crt "$stage/root/etc/ssl/certs/"
		find "$stage/root" -type l -lname '/*' -printf '%p\t%l\n' | while IFS=$'\t' read -r link target; do
			ln -sfn "$stage/root$target" "$link"
		done
		cp -RL --preserve=timestamps "$stage/root/usr/share/wordpress" "$stage/wp" ||
			{ rm -rf "$stage"; die "Debian's wordpress package has a link no downloaded package resolves (a new un-bundled library?)."; }
		[ -z "$(find "$stage/wp" -type l -print -quit)" ] || { rm -rf "$stage"; die "links left in the WordPress tree."; }
		rm -f "$stage/wp/wp-config.php" "$stage/wp/.htaccess"
		mkdir -p "$stage"/wp/wp-content/{uploads,upgrade,languages,plugins}
		cp "$stage/root/var/lib/wordpress/wp-content/index.php" "$stage/wp/wp-content/index.php"
		rm -rf "$dist"
		mv "$stage/wp" "$dist"
		rm -rf "$stage"
		lap "built WordPress $(version_of "$dist") from $(printf '%s ' "${files[@]##*/}")"
	fi
	DIST=$dist
}

# ------------------------------------------------------------------ @wp-playground/wordpress-builds
# The package holds, per version, a zip of WordPress's PHP files (minified: comments stripped) with
# only the default theme (twentytwentythree on 6.2/6.3, twentytwentyfour from 6.4), and a public/
# folder with the static files (CSS, JS, images) that the zip leaves out. Put together they are a
# whole WordPress; what is left out is Playground's own: its wp-config.php, its SQLite folder and
# plugin, and half plugins (akismet's and the SQLite plugin's static files without their PHP).
playground_dist() {
	local key=$1 # wp-6.2 ... wp-beta
	local pkg_version=${PLAYGROUND_NPM##*@}
	local dist=$CACHE/dist/playground-$pkg_version-$key
	if [ -f "$dist/wp-includes/version.php" ]; then
		DIST=$dist
		return
	fi
	local tgz=$CACHE/npm/wp-playground-wordpress-builds-$pkg_version.tgz
	if [ ! -f "$tgz" ]; then
		mkdir -p "$CACHE/npm"
		local name
		name=$(cd "$CACHE/npm" && npm pack --silent "$PLAYGROUND_NPM" 2> "$CACHE/npm/pack.log") ||
			{ tail -5 "$CACHE/npm/pack.log" >&2; die "could not download $PLAYGROUND_NPM from the npm registry."; }
		[ "$CACHE/npm/$name" = "$tgz" ] || mv "$CACHE/npm/$name" "$tgz"
		lap "downloaded $PLAYGROUND_NPM ($(du -m "$tgz" | cut -f1) MB)"
	fi
	local stage
	stage=$(mktemp -d "$CACHE/stage.XXXX")
	tar -xzf "$tgz" -C "$stage" "package/src/wordpress/$key.zip" "package/public/$key" ||
		{ rm -rf "$stage"; die "$PLAYGROUND_NPM has no $key."; }
	"$PHP" -r '(new PharData($argv[1]))->extractTo($argv[2], null, true);' \
		"$stage/package/src/wordpress/$key.zip" "$stage/wp"
	# The static files, where the zip has none of its own (-n: the zip's copy wins).
	cp -Rn "$stage/package/public/$key/." "$stage/wp/"
	rm -rf "$stage"/wp/{wp-config.php,.default_theme,wordpress-remote-asset-paths,wp-content/database} \
		"$stage"/wp/wp-content/plugins/{akismet,sqlite-database-integration}
	mkdir -p "$stage"/wp/wp-content/{uploads,upgrade,languages,plugins}
	[ -n "$(version_of "$stage/wp")" ] || { rm -rf "$stage"; die "no WordPress version in $key of $PLAYGROUND_NPM."; }
	rm -rf "$dist"
	mv "$stage/wp" "$dist"
	rm -rf "$stage"
	lap "built WordPress $(version_of "$dist") from $PLAYGROUND_NPM ($key)"
	DIST=$dist
}

DIST=
case $WANT in
	7.1) with_lock sid debian_dist "$ROOT/bin/wordpress.lock" sid ;;
	6.8) with_lock trixie debian_dist "$ROOT/bin/wordpress-6.8.lock" trixie trixie-updates trixie-security ;;
	6.1) with_lock bookworm debian_dist "$ROOT/bin/wordpress-6.1.lock" bookworm bookworm-updates bookworm-security ;;
	6.2 | 6.3 | 6.4 | 6.5) with_lock playground playground_dist "wp-$WANT" ;;
	6.6-rc) with_lock playground playground_dist wp-beta ;;
	*) die "WP_VERSION must be one of 7.1, 6.8, 6.6-rc, 6.5, 6.4, 6.3, 6.2, 6.1 (not '$WANT')." ;;
esac
echo "$DIST"
