#!/usr/bin/env bats
# The store: default location, idempotent rescans, crash safety, and no
# plaintext secret in the database files.

bats_require_minimum_version 1.5.0
load helpers

@test "the default store is created 0600 under XDG_DATA_HOME" {
	printf 'k: %s\n' "$(gen_google_secret)" > f.yml
	run ks scan f.yml
	[ "$status" -eq 1 ]
	db=$(default_store)
	[ -f "$db" ]
	[ "$(stat -c %a "$db")" = 600 ]
	[[ "$output" == *"store: $db"* ]]
	[ "$(db_query "$db" 'PRAGMA integrity_check')" = ok ]
}

@test "--store FILE and KEYSHIFT_STORE choose the store" {
	printf 'k: %s\n' "$(gen_google_secret)" > f.yml
	run ks scan --store my.db f.yml
	[ "$status" -eq 1 ]
	[ -f my.db ]
	KEYSHIFT_STORE="$TMP/env.db" run ks scan f.yml
	[ "$status" -eq 1 ]
	[ -f env.db ]
	[ ! -e "$(default_store)" ]
}

@test "scanning twice gives the same finding and occurrence counts" {
	mkdir tree
	for i in 1 2 3; do printf 'k: %s\n' "$(gen_google_secret)" > "tree/f$i.yml"; done
	cp tree/f1.yml tree/copy.yml
	run ks scan --store s.db tree
	[ "$status" -eq 1 ]
	f1=$(db_query s.db 'SELECT count(*) FROM finding')
	o1=$(db_query s.db 'SELECT count(*) FROM occurrence')
	[ "$f1" -eq 3 ]
	[ "$o1" -eq 4 ]
	run ks scan --store s.db tree
	[ "$status" -eq 1 ]
	[ "$(db_query s.db 'SELECT count(*) FROM finding')" -eq "$f1" ]
	[ "$(db_query s.db 'SELECT count(*) FROM occurrence')" -eq "$o1" ]
	[ "$(db_query s.db 'SELECT count(*) FROM scan_run')" -eq 2 ]
	# A new place for a known secret links to the same finding.
	cp tree/f2.yml tree/moved.yml
	run ks scan --store s.db tree
	[ "$(db_query s.db 'SELECT count(*) FROM finding')" -eq 3 ]
	[ "$(db_query s.db 'SELECT count(*) FROM occurrence')" -eq 5 ]
}

@test "the database and its WAL never hold a plaintext secret" {
	canary=$(gen_google_secret)
	mkdir tree
	printf 'client_secret: %s\n' "$canary" > tree/a.yml
	printf 'k: %s\n' "$canary" > tree/b.yml
	# Keep the WAL around: look at it before any checkpoint.
	run ks scan --store s.db tree
	[ "$status" -eq 1 ]
	for f in s.db s.db-wal s.db-shm; do
		[ ! -e "$f" ] || ! grep -qaF "$canary" "$f" || false
	done
	# The check is real: with --store-secrets the bytes are there.
	run ks scan --store plain.db --store-secrets tree
	[ "$status" -eq 1 ]
	cat plain.db* | grep -qaF "$canary"
}

@test "kill -9 in the middle of a large scan, then a rescan, is complete" {
	mkdir tree
	for d in $(seq 1 20); do
		mkdir "tree/d$d"
		for i in $(seq 1 30); do
			{ head -c 220000 /dev/urandom | base64 -w 76; printf 'k: %s\n' "$(gen_google_secret)"; } > "tree/d$d/f$i.txt"
		done
	done
	"$KEYSHIFT" scan --store s.db --jobs 2 --format jsonl tree >/dev/null &
	pid=$!
	# Kill it without warning once some batches are committed.
	for i in $(seq 1 200); do
		n=$(db_query s.db 'SELECT count(*) FROM occurrence' 2>/dev/null || echo 0)
		[ "${n:-0}" -gt 0 ] && break
		sleep 0.02
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" || true
	echo "occurrences recorded before the kill: $n" >&3
	[ "$(db_query s.db 'PRAGMA integrity_check')" = ok ]
	run ks scan --store s.db --format jsonl tree
	[ "$status" -eq 1 ]
	[ "$(wc -l <<<"$output")" -eq 600 ]
	[ "$(db_query s.db 'PRAGMA integrity_check')" = ok ]
	[ "$(db_query s.db 'SELECT count(*) FROM finding')" -eq 600 ]
	[ "$(db_query s.db 'SELECT count(*) FROM occurrence')" -eq 600 ]
}

@test "an unusable store path is a clear error, exit 2" {
	printf 'k: %s\n' "$(gen_google_secret)" > f.yml
	printf 'not a database at all, just text that is long enough to fill a page header\n%.0s' $(seq 1 80) > bad.db
	run --separate-stderr ks scan --store bad.db f.yml
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"store"* ]]
	# The bad file is left as it was.
	grep -q 'not a database' bad.db
}
