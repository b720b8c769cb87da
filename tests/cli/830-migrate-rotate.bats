#!/usr/bin/env bats
# tests/cli/830-migrate-rotate.bats - `keyshift keys rotate --client ID`
# while a loop makes token requests the whole time, against the real
# oidc-provider: zero failed requests, a new kid, the old key removed.
bats_require_minimum_version 1.5.0
load helpers
load migrate_helpers

setup_file() {
	as_install
}

setup() {
	ks_setup
	unset KEYSHIFT_REGISTRATION_TOKEN
	as_start
	gen_repo repo
	run -1 ks scan repo
	run -0 ks migrate --yes --issuer "$ISS" --client-id "$CLIENT" \
		--registration-token-file "$RAT_FILE" --old-secret-file "$SECRET_FILE" \
		--key-dir "$TMP/keys" --config-dir "$TMP/cfg"
	STORE=$(default_store)
}

teardown() {
	[ -z "${LOOP_PID:-}" ] || kill "$LOOP_PID" 2>/dev/null || true
	as_stop
	ks_teardown
}

# A bounded loop of real token requests, each signed with whatever key
# the configuration's key path holds at that moment.
token_loop() {
	local i
	for i in $(seq 1 2000); do
		[ -f "$TMP/stop" ] && break
		if "$KEYSHIFT" migrate verify --issuer "$ISS" --client-id "$CLIENT" \
			--key "$TMP/keys/$CLIENT.pem" --no-probes >/dev/null 2>&1; then
			echo ok
		else
			echo FAIL
		fi
	done >"$TMP/loop.log"
}

@test "rotation with overlap: requests all the time, zero failures, a new kid, the old one removed" {
	old_kid=$(db_query "$STORE" "select kid from key where state = 'active'")
	token_loop &
	LOOP_PID=$!
	# let the loop get going before the rotation starts
	for i in $(seq 1 50); do
		[ -s "$TMP/loop.log" ] && break
		sleep 0.1
	done
	run -0 ks keys rotate --client "$CLIENT" --publish-wait 1 --retire-wait 2
	[[ $output == *"published: "*" beside $old_kid"* ]]
	[[ $output == *"switched: "* ]]
	[[ $output == *"retired: $old_kid removed"* ]]
	sleep 1
	touch "$TMP/stop"
	wait "$LOOP_PID"
	LOOP_PID=
	total=$(wc -l <"$TMP/loop.log")
	fails=$(grep -c FAIL "$TMP/loop.log" || true)
	echo "# rotation loop: $total requests, $fails failed" >&3
	[ "$total" -ge 10 ]
	[ "$fails" = 0 ]
	new_kid=$(db_query "$STORE" "select kid from key where state = 'active'")
	[ -n "$new_kid" ] && [ "$new_kid" != "$old_kid" ]
	[ "$(db_query "$STORE" "select state from key where kid = '$old_kid'")" = removed ]
	# the server has the new key alone; the old key no longer works
	[ "$(as_client | jq -r '[.jwks.keys[].kid] | join(",")')" = "$new_kid" ]
	old_file=$(db_query "$STORE" "select key_path from key where kid = '$old_kid'")
	run -1 ks migrate verify --issuer "$ISS" --client-id "$CLIENT" --key "$old_file"
	# the configuration names the new kid
	grep -qF -- "$new_kid" "$TMP/cfg/keyshift.env"
	run -0 ks migrate status "$CLIENT"
	[[ $output == *"rotate    signing switched to kid $new_kid"* ]]
}

@test "kids are never reused: every rotation makes a new one" {
	run -0 ks keys rotate --client "$CLIENT" --retire-wait 0
	run -0 ks keys rotate --client "$CLIENT" --retire-wait 0
	[ "$(db_query "$STORE" "select count(*) from key")" = 3 ]
	[ "$(db_query "$STORE" "select count(distinct kid) from key")" = 3 ]
	[ "$(db_query "$STORE" "select count(*) from key where state = 'active'")" = 1 ]
	run -2 ks keys rotate --client nobody
	[[ $output == *"no migration for client 'nobody'"* ]]
}

@test "an interrupted rotation resumes with the key it already published" {
	"$KEYSHIFT" keys rotate --client "$CLIENT" --publish-wait 60 --retire-wait 0 \
		>"$TMP/rot.log" 2>&1 &
	pid=$!
	for i in $(seq 1 100); do
		[ "$(db_query "$STORE" "select count(*) from key where state = 'published'")" = 1 ] && break
		sleep 0.1
	done
	kill "$pid"
	wait "$pid" || true
	published=$(db_query "$STORE" "select kid from key where state = 'published'")
	[ -n "$published" ]
	run -0 ks keys rotate --client "$CLIENT" --retire-wait 0
	[[ $output == *"resuming: new key $published"* ]]
	[ "$(db_query "$STORE" "select kid from key where state = 'active'")" = "$published" ]
	[ "$(db_query "$STORE" "select count(*) from key")" = 2 ]
	[ "$(as_client | jq -r '[.jwks.keys[].kid] | join(",")')" = "$published" ]
}
