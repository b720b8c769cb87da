#!/usr/bin/env bats
# Reports: byte-stable golden output per format (SOURCE_DATE_EPOCH pinned).
# Regenerate with KS_UPDATE_GOLDEN=1 after an intended change, and review
# the diff: goldens hold masked previews only.

bats_require_minimum_version 1.5.0
load helpers
load reports_fixture

GOLDEN="$KS_SOURCE_DIR/tests/golden/reports"
FORMATS="text json jsonl sarif csv markdown html fingerprints"

# The scan case: `scan --no-store` from inside the tree, so the paths
# (and the CSV guard case) are bare.
@test "scan: every format matches its golden" {
	make_report_tree tree
	cd tree
	for f in $FORMATS; do
		run -1 ks scan --no-store --format "$f" -o "$TMP/out.$f" .
		golden_compare "$TMP/out.$f" "$GOLDEN/$f/scan.$(ext_of "$f")"
	done
}

# The inventory case: through the store, with one finding triaged.
@test "report: every format matches its golden, with triage state" {
	make_report_tree tree
	run -1 ks scan --store db -o /dev/null tree
	fp=$(ks report --store db --format jsonl --rule ks.oauth.client-secret.assignment | jq -r .fingerprint | head -n1)
	[ -n "$fp" ]
	KEYSHIFT_USER=golden run -0 ks findings triage --store db "$fp" \
		--status accepted-risk --reason 'test tenant, <b>rotated</b> monthly'
	for f in $FORMATS; do
		run -1 ks report --store db --format "$f" -o "$TMP/out.$f"
		golden_compare "$TMP/out.$f" "$GOLDEN/$f/inventory.$(ext_of "$f")"
	done
}

@test "goldens hold no secret: a scan of them finds nothing" {
	[ "${KS_UPDATE_GOLDEN:-0}" = 1 ] && skip "regenerating"
	run -0 ks scan --no-store "$GOLDEN"
	[[ "$output" == *"0 findings"* ]]
}

@test "reports never contain the secrets, only previews" {
	make_report_tree tree
	for f in $FORMATS; do
		run -1 ks scan --no-store --format "$f" tree
		[[ "$output" != *"$(fixed_google_secret ab)"* ]]
		[[ "$output" != *"$(fixed_google_secret cd)"* ]]
	done
}

@test "csv: RFC 4180 quoting, CRLF and the formula guard" {
	make_report_tree tree
	cd tree
	run -1 ks scan --no-store --format csv .
	# every record ends in CRLF
	[ "$(printf '%s' "$output" | tr -cd '\r' | wc -c)" -eq "$(printf '%s\n' "$output" | wc -l)" ]
	[[ "$output" == *",'=HYPERLINK(1).yml,"* ]]
	[[ "$output" != *",=HYPERLINK"* ]]
}

@test "markdown: pipes and backticks in values are escaped" {
	mkdir -p 'tree/a|b`c'
	printf 'google_secret: %s\n' "$(fixed_google_secret ab)" > 'tree/a|b`c/x.yml'
	run -1 ks scan --no-store --format markdown tree
	[[ "$output" == *'tree/a\|b\`c/x.yml:1:16'* ]]
}

@test "sarif: locations, exclusive endColumn, URI encoding, fingerprints" {
	make_report_tree tree
	run -1 ks scan --no-store --format sarif tree
	sarif=$output
	r=$(jq -c '.runs[0].results[] | select(.locations[0].physicalLocation.artifactLocation.uri == "tree/config/app.yml")' <<<"$sarif")
	[ "$(jq -r '.locations[0].physicalLocation.region.startLine' <<<"$r")" = 3 ]
	[ "$(jq -r '.locations[0].physicalLocation.region.startColumn' <<<"$r")" = 18 ]
	[ "$(jq -r '.locations[0].physicalLocation.region.endColumn' <<<"$r")" = $((18 + 35)) ]
	[ "$(jq -r '.partialFingerprints["keyshift/v1"] | length' <<<"$r")" = 32 ]
	[ "$(jq -r '.level' <<<"$r")" = error ]
	jq -e '.runs[0].results[] | select(.locations[0].physicalLocation.artifactLocation.uri == "tree/config/copy%20%C3%A9.yml")' <<<"$sarif" >/dev/null
	# ruleIndex points at the rule with that id
	jq -e '.runs[0] as $r | all($r.results[]; $r.tool.driver.rules[.ruleIndex].id == .ruleId)' <<<"$sarif" >/dev/null
	# client-secret rules explain the private_key_jwt migration
	jq -e '.runs[0].tool.driver.rules[] | select(.id == "ks.google.oauth-client-secret") | .help.markdown | test("private_key_jwt")' <<<"$sarif" >/dev/null
}
