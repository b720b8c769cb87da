#!/usr/bin/env bats
# tests/cli/850-migrate-guided.bats - the guided flow at a terminal: the
# prompts, their safe defaults, stopping at a prompt and resuming. The
# terminal is a pty from script(1); answers are typed into it.
bats_require_minimum_version 1.5.0
load helpers
load migrate_helpers

setup_file() {
	as_install
}

setup() {
	ks_setup
	unset KEYSHIFT_REGISTRATION_TOKEN
	command -v script >/dev/null || skip "script(1) is not installed"
	as_start
	# the secret alone: detection did not pair it with a client or issuer
	mkdir repo
	printf 'OAUTH_CLIENT_SECRET=%s\n' "$(cat "$SECRET_FILE")" >repo/app.env
	run -1 ks scan repo
}

teardown() {
	as_stop
	ks_teardown
}

# at_terminal ANSWERS: run the flow in a pty, typing ANSWERS (one a line).
at_terminal() {
	printf "$1" | timeout 60 script -qec "'$KEYSHIFT' migrate \
		--registration-token-file '$RAT_FILE' --old-secret-file '$SECRET_FILE' \
		--key-dir '$TMP/keys' --config-dir '$TMP/cfg'" /dev/null
}

@test "the prompts ask for what detection did not find and confirm each step; 'n' stops, the journal keeps the place" {
	run at_terminal "$CLIENT\n$ISS\n\ny\nn\n"
	[[ $output == *"client id: "* ]]
	[[ $output == *"issuer (e.g. https://login.example.com): "* ]]
	[[ $output == *"Proceed? [Y/n]"* ]]
	[[ $output == *"Generate a ES256 key in $TMP/keys? [Y/n]"* ]]
	[[ $output == *"anything still sending the client secret is refused"* ]]
	[[ $output == *"Switch client '$CLIENT' to private_key_jwt at $ISS/reg/$CLIENT? [y/N]"* ]]
	[[ $output == *"stopped; the journal keeps the place"* ]]
	[ "$(db_query "$(default_store)" "select state from migration")" = key_generated ]
	! grep -q '^PUT ' "$TMP/as/server.log" || false
	refute_secrets_in "$output"
}

@test "Enter takes the safe default: the switch, which cuts the secret off, needs a 'y'" {
	run at_terminal "$CLIENT\n$ISS\n\n\n\n"
	[[ $output == *"stopped; the journal keeps the place"* ]]
	[ "$(db_query "$(default_store)" "select state from migration")" = key_generated ]
	run at_terminal "\ny\n\n"
	[[ $output == *"resuming the journalled migration"* ]]
	[[ $output == *"state: secret_retired"* ]]
	[[ $output == *"Write the client configuration and the patch? [Y/n]"* ]]
	[[ $output == *"-OAUTH_CLIENT_SECRET=****"* ]]
	# shown, not applied: applying takes --apply
	grep -q "^OAUTH_CLIENT_SECRET=$(cat "$SECRET_FILE")$" repo/app.env
	[ "$(as_client | jq -r .token_endpoint_auth_method)" = private_key_jwt ]
}

@test "with several findings the terminal asks which one" {
	printf 'client_secret: "ks8%s"\n' "$(rand_chars 29)" >repo/other.yml
	run -1 ks scan repo
	run at_terminal "9\n"
	[[ $output == *"findings of OAuth client secrets:"* ]]
	[[ $output == *"1. "*"2. "* ]]
	[[ $output == *"migrate which (number): "* ]]
	# without a terminal the same is a usage error
	run -2 ks migrate --yes
	[[ $output == *"2 findings: name one by fingerprint"* ]]
}
