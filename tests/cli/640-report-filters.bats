#!/usr/bin/env bats
# keyshift report filters: each keeps exactly what it names, filters
# combine, the order is the same on every run, and the exit code says
# whether anything was reported.

bats_require_minimum_version 1.5.0
load helpers

# rows: rule, path, source and status of every reported place, sorted
rows() {
	ks report --store db --format jsonl "$@" | jq -r '[.rule, .path, .source, .status] | @tsv' | sort
}

setup_inventory() {
	mkdir -p r1 r2/sub
	printf 'google_secret: %s\n' "$(gen_google_secret)" > r1/a.yml
	gen_pem_key r2/sub/k.pem
	printf 'aws = "%s"\n' "$(gen_aws_key_id)" > r2/c.txt
	run -1 ks scan --store db -o /dev/null r1 r2
	printf 'x: %s\n' "$(gen_google_secret)" | ks scan --store db -o /dev/null --stdin-name piped.yml - || true
}

@test "report: --category, --rule, --source and --repo keep what they name" {
	setup_inventory
	[ "$(rows | wc -l)" -eq 4 ]
	[ "$(rows --category private-key | cut -f2)" = r2/sub/k.pem ]
	[ "$(rows --category cloud-credential | cut -f1)" = ks.aws.access-key-id ]
	[ "$(rows --rule ks.google.oauth-client-secret | cut -f2 | tr '\n' ' ')" = "piped.yml r1/a.yml " ]
	[ "$(rows --source stdin | cut -f2)" = piped.yml ]
	[ "$(rows --source fs | wc -l)" -eq 3 ]
	[ "$(rows --repo r2 | cut -f2 | tr '\n' ' ')" = "r2/c.txt r2/sub/k.pem " ]
	[ "$(rows --repo ./r2/ | cut -f2 | tr '\n' ' ')" = "r2/c.txt r2/sub/k.pem " ]
	[ "$(rows --repo r2/sub | cut -f2)" = r2/sub/k.pem ]
	[ -z "$(rows --repo r)" ]        # a prefix of a name is not a directory
	[ "$(rows --repo r2 --category private-key | cut -f2)" = r2/sub/k.pem ]
	run -0 ks report --store db --category api-token
	run -2 ks report --store db --status bogus
}

@test "report: --status follows triage, and the order is stable" {
	setup_inventory
	fp=$(ks report --store db --format jsonl --category private-key | jq -r .fingerprint)
	run -0 ks findings triage --store db "$fp" --status revoked --reason rotated
	[ "$(rows --status revoked | cut -f2)" = r2/sub/k.pem ]
	[ "$(rows --status open | wc -l)" -eq 3 ]
	run -0 ks report --store db --status false-positive
	for f in text json jsonl csv sarif markdown html; do
		ks report --store db --format "$f" -o "one.$f" || [ $? -eq 1 ]
		ks report --store db --format "$f" -o "two.$f" || [ $? -eq 1 ]
		cmp "one.$f" "two.$f"
	done
}
