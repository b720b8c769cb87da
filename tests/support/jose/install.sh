#!/bin/sh
# Install npm jose for the interop tests (tests/cli/3*-keys/assertion.bats),
# once: node_modules is kept between runs and never committed.
set -eu
cd "$(dirname "$0")"
if [ -f node_modules/jose/package.json ]; then
	exit 0
fi
if [ -f package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
else
	npm install --no-audit --no-fund --loglevel=error
fi
