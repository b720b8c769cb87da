#!/usr/bin/env bash
# scripts/dev.sh - one-command set-up, build, run and test on Debian 12.
#
#   scripts/dev.sh run [SCAN ARGS...]  install what is missing, build, then
#                                      `keyshift scan` (default: .) into the
#                                      default store, printing a summary
#   scripts/dev.sh test                install what is missing (apt + npm),
#                                      build, run the whole suite via CTest
#   scripts/dev.sh build               install and build only
#
# Environment: BUILD_DIR (default build), KS_WERROR=ON, KS_SANITIZE=...,
# KS_SKIP_DEPS=1 to skip package installation, JOBS.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

APT_BUILD=(build-essential cmake pkg-config git openssl libssl-dev libgit2-dev
	libpcre2-dev libsqlite3-dev libcurl4-openssl-dev libyaml-dev
	libjansson-dev libarchive-dev libvectorscan-dev)
APT_TEST=(libcmocka-dev bats ripgrep sqlite3 jq clang libclang-rt-14-dev chromium
	python3-jsonschema etcd-server putty-tools gnupg openssh-client
	python3 curl man-db pre-commit zip bzip2 xz-utils)

need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		local sudo=""
		[ "$(id -u)" -eq 0 ] || sudo=sudo
		echo "dev.sh: installing ${missing[*]}" >&2
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" >/dev/null
	fi
}

deps() {
	[ "${KS_SKIP_DEPS:-0}" = 1 ] && return 0
	need_packages "${APT_BUILD[@]}"
	if [ "${1:-}" = test ]; then
		need_packages "${APT_TEST[@]}"
		command -v node >/dev/null && command -v npm >/dev/null ||
			need_packages nodejs npm
		local d
		for d in tests/support/*/; do
			if [ -f "$d/package.json" ] && [ ! -d "$d/node_modules" ]; then
				echo "dev.sh: npm install in $d" >&2
				(cd "$d" && npm ci --no-audit --no-fund --loglevel=error)
			fi
		done
	fi
}

build() {
	cmake -S . -B "$BUILD_DIR" -DKS_WERROR="${KS_WERROR:-OFF}" \
		-DKS_SANITIZE="${KS_SANITIZE:-}" >/dev/null
	cmake --build "$BUILD_DIR" -j "$JOBS"
}

case "${1:-}" in
run)
	shift
	deps
	build
	echo "dev.sh: $BUILD_DIR/cli/keyshift scan $*" >&2
	set +e
	"$BUILD_DIR/cli/keyshift" scan "$@"
	rc=$?
	set -e
	# 1 means "findings present": the job ran fine.
	[ $rc -le 1 ] || exit $rc
	;;
test)
	deps test
	build
	ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS"
	;;
build)
	deps
	build
	;;
*)
	sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
