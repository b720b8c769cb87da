#!/usr/bin/env bats
# HTML: rendered in headless Chromium (Debian `chromium`); the DOM shows
# the totals and every location, and a hostile file name stays text.

bats_require_minimum_version 1.5.0
load helpers
load reports_fixture

chromium_run() {
	command -v chromium >/dev/null || {
		echo "chromium is not installed (scripts/dev.sh test installs it)" >&2
		return 1
	}
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$TMP/chrome.XXXXXX")" "$@" 2>/dev/null
}

@test "the rendered DOM shows totals, every location, and no injected script" {
	make_report_tree tree
	run -1 ks scan --no-store --format html -o report.html tree
	chromium_run --dump-dom "file://$TMP/report.html" > dom.html
	[ -s dom.html ]
	# totals: 5 findings in 6 places, 4 of them client secrets
	grep -q '<div class="kpi" id="total-findings"><b>5</b>' dom.html
	grep -q 'id="total-occurrences"><b>6</b>' dom.html
	grep -q 'id="total-client-secrets"><b>4</b>' dom.html
	grep -q 'id="by-category"' dom.html
	grep -q 'id="by-provider"' dom.html
	grep -q 'id="by-root"' dom.html
	grep -q '<svg' dom.html
	# the finding with two places lists both
	fp=$(ks scan --no-store --format jsonl tree | jq -r 'select(.path == "tree/config/app.yml") | .fingerprint')
	sect=$(awk -v fp="$fp" '$0 ~ "data-fingerprint=\"" fp "\"" {on=1} on {print} on && /<\/details>/ {exit}' dom.html)
	[ "$(grep -c '<tr class="location">' <<<"$sect")" -eq 2 ]
	[[ "$sect" == *"tree/config/app.yml:3:18"* ]]
	[[ "$sect" == *"tree/config/copy é.yml:1:16"* ]]
	# the hostile name is text: escaped, and no script element exists
	grep -q 'tree/deploy/&lt;script&gt;alert(1)&lt;/script&gt;.yml:1:18' dom.html
	! grep -qi '<script' dom.html || false
	# self-contained: nothing to fetch
	! grep -qiE '(src|href)="(https?:)?//' report.html || false
	grep -q "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"" report.html
	[[ "$(cat report.html)" != *"$(fixed_google_secret ab)"* ]]
}

@test "triage and migration state are shown; a laptop screenshot renders" {
	make_report_tree tree
	run -1 ks scan --store db -o /dev/null tree
	fp=$(ks report --store db --format jsonl --rule ks.oauth.client-secret.assignment | jq -r .fingerprint | head -n1)
	KEYSHIFT_USER='<i>mallory</i>' run -0 ks findings triage --store db "$fp" --status revoked --reason 'rotated <2026>'
	run -1 ks report --store db --format html -o inv.html
	chromium_run --dump-dom "file://$TMP/inv.html" > dom.html
	sect=$(awk -v fp="$fp" '$0 ~ "data-fingerprint=\"" fp "\"" {on=1} on {print} on && /<\/details>/ {exit}' dom.html)
	[[ "$sect" == *'data-status="revoked"'* ]]
	[[ "$sect" == *'&lt;i&gt;mallory&lt;/i&gt;'* ]]
	[[ "$sect" == *'rotated &lt;2026&gt;'* ]]
	[[ "$sect" == *'migration: not started'* ]]
	! grep -qi '<i>mallory' dom.html || false
	chromium_run --screenshot="$TMP/shot.png" --window-size=1366,768 "file://$TMP/inv.html"
	[ -s "$TMP/shot.png" ]
	[ "${KS_KEEP_SCREENSHOT:-}" ] && cp "$TMP/shot.png" "$KS_KEEP_SCREENSHOT" || true
}
