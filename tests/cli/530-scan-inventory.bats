#!/usr/bin/env bats
# One inventory across sources: the same generated secret in a git
# repository, a directory, an archive and an etcd key is one finding (one
# fingerprint) with four occurrences in the store, and `keyshift findings
# show` lists them all.

bats_require_minimum_version 1.5.0
load helpers
load etcd_helpers

# helpers.bash's ks_teardown, after what this suite started.
teardown() {
	stop_etcd
	ks_teardown
}

@test "one secret in git, a directory, an archive and etcd: one finding, four places" {
	secret=$(gen_google_secret)
	# git: committed, then deleted from the working tree.
	mkdir repo
	git -C repo init -q
	printf 'oauth:\n  secret: %s\n' "$secret" > repo/config.yml
	git -C repo add config.yml
	git -C repo -c user.name=t -c user.email=t@example.invalid commit -qm add
	git -C repo rm -q config.yml
	git -C repo -c user.name=t -c user.email=t@example.invalid commit -qm remove
	# a directory, and an archive of another file: four different blobs.
	mkdir dir bundle
	printf 'GOOGLE_CLIENT_SECRET=%s\n' "$secret" > dir/app.env
	printf '{"web": {"client_secret": "%s"}}\n' "$secret" > bundle/client.json
	tar czf deploy.tgz -C bundle client.json
	# etcd
	start_etcd "$TMP/etcd"
	etcd_put /services/web/google "$secret"
	etcd="etcd://${ETCD_URL#http://}"

	run --separate-stderr ks scan --store "$TMP/ks.db" --format json \
		repo dir deploy.tgz "$etcd/services/"
	[ "$status" -eq 1 ]
	[[ "$output" != *"$secret"* ]]
	fp=$(jq -r '[.findings[] | select(.rule=="ks.google.oauth-client-secret") | .fingerprint] | unique | .[]' <<<"$output")
	[ "$(wc -l <<<"$fp")" = 1 ]
	[ "$(jq -r '[.findings[] | select(.fingerprint=="'"$fp"'") | .source] | sort | join(",")' <<<"$output")" = archive,etcd,fs,git ]

	# In the store: one finding row, four occurrences from four sources.
	[ "$(db_query "$TMP/ks.db" "SELECT count(*) FROM finding WHERE fingerprint='$fp'")" = 1 ]
	[ "$(db_query "$TMP/ks.db" "SELECT count(*) FROM occurrence_denorm WHERE fingerprint='$fp'")" = 4 ]
	[ "$(db_query "$TMP/ks.db" "SELECT group_concat(source, ',') FROM (SELECT DISTINCT source FROM occurrence_denorm WHERE fingerprint='$fp' ORDER BY source)")" = archive,etcd,fs,git ]

	run --separate-stderr ks findings show --store "$TMP/ks.db" "$fp"
	[ "$status" -eq 0 ]
	[[ "$output" == *"places (4)"* ]]
	[[ "$output" == *"config.yml"*"git"* ]]
	[[ "$output" == *"deploy.tgz!client.json"*"archive"* ]]
	[[ "$output" == *"dir/app.env"*"fs"* ]]
	[[ "$output" == *"/services/web/google"*"etcd"* ]]
	[[ "$output" != *"$secret"* ]]

	# A second scan adds no finding and no occurrence.
	run ks scan --store "$TMP/ks.db" repo dir deploy.tgz "$etcd/services/"
	[ "$status" -eq 1 ]
	[ "$(db_query "$TMP/ks.db" "SELECT count(*) FROM finding WHERE fingerprint='$fp'")" = 1 ]
	[ "$(db_query "$TMP/ks.db" "SELECT count(*) FROM occurrence_denorm WHERE fingerprint='$fp'")" = 4 ]
}
