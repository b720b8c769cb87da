#!/usr/bin/env bats
# SARIF: every log the suite produces passes Microsoft's SARIF validator
# (npm @microsoft/sarif-multitool, pinned in tests/support/sarif; install
# with `scripts/dev.sh test` or `npm ci` there). Zero "error" lines; and
# the JSON schema it bundles, checked with python3-jsonschema.

bats_require_minimum_version 1.5.0
load helpers
load reports_fixture

SARIF_DIR="$KS_SOURCE_DIR/tests/support/sarif"

validate() {
	local f=$1 out
	out="$TMP/validate.$(basename "$f").sarif"
	if [ ! -x "$SARIF_DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
		echo "SARIF validator not installed: run 'npm ci' in $SARIF_DIR (scripts/dev.sh test does)" >&2
		return 1
	fi
	# the npm wrapper runs the binary through a shell: call it directly
	run "$SARIF_DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" validate "$f" --output "$out" --log ForceOverwrite
	echo "$output" >&2
	[ "$status" -eq 0 ]
	! grep -qiE '(^|[^a-z])error( |:)' <<<"$output" || false
	# the validator's own log lists no error-level results either
	[ "$(jq '[.runs[].results[]? | select(.level == "error")] | length' "$out")" = 0 ]
	# The multitool passes logs it cannot deserialize (a bad enum, a
	# string for a number) without a word: check the schema as well.
	run python3 "$SARIF_DIR/schema_check.py" \
		"$SARIF_DIR/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json" "$f"
	echo "$output" >&2
	[ "$status" -eq 0 ]
}

@test "the golden SARIF logs validate" {
	for f in "$KS_SOURCE_DIR"/tests/golden/reports/sarif/*.sarif; do
		validate "$f"
	done
}

@test "a scan with hostile paths validates" {
	make_report_tree tree
	mkdir -p 'tree/100% #1?'
	printf 'google_secret: %s\n' "$(gen_google_secret)" > 'tree/100% #1?/a b.yml'
	run -1 ks scan --no-store --format sarif -o out.sarif tree
	validate out.sarif
	jq -e '.runs[0].results[] | select(.locations[0].physicalLocation.artifactLocation.uri == "tree/100%25%20%231%3F/a%20b.yml")' out.sarif >/dev/null
}

@test "an empty scan and a store report validate" {
	mkdir clean
	echo hello > clean/readme.txt
	run -0 ks scan --no-store --format sarif -o empty.sarif clean
	validate empty.sarif
	make_report_tree tree
	run -1 ks scan --store db -o /dev/null tree
	fp=$(ks report --store db --format jsonl | jq -r .fingerprint | head -n1)
	run -0 ks findings triage --store db "$fp" --status false-positive --reason fixture
	run -1 ks report --store db --format sarif -o store.sarif
	validate store.sarif
	# triaged findings carry an external suppression
	jq -e --arg fp "$fp" '.runs[0].results[] | select(.partialFingerprints["keyshift/v1"] == $fp) | .suppressions[0].kind == "external"' store.sarif >/dev/null
}
