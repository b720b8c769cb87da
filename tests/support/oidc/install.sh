#!/bin/sh
# Install npm oidc-provider 8.x and openid-client 5.x for the migration
# tests (tests/cli/8*-migrate-*.bats), once: node_modules is kept between
# runs and never committed.
set -eu
cd "$(dirname "$0")"
if [ -f node_modules/oidc-provider/package.json ] &&
	[ -f node_modules/openid-client/package.json ]; then
	exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
