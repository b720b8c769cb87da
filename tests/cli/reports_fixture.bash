# tests/cli/reports_fixture.bash - the fixed inputs of the report suites
#
# Golden files need the same findings on every run, so these inputs are
# fixed, but nothing secret-shaped is committed: the strings are built
# here at run time from obviously synthetic parts (TESTONLY..., hashes of
# fixed labels) and only masked previews reach the goldens.

# helpers.bash's setup() unsets SOURCE_DATE_EPOCH; pin it after that.
eval "$(declare -f setup | sed '1s/^setup/helpers_setup/')"
setup() {
	helpers_setup
	export SOURCE_DATE_EPOCH=1767225600   # 2026-01-01T00:00:00Z
}

# fixed_google_secret SUFFIX: GOCSPX- and 28 synthetic characters.
fixed_google_secret() {
	printf 'GOCSPX-TESTONLYtestonly0123456789%s' "$1"
}

# fixed_pem_key LABEL: a PKCS#8-shaped PEM block whose body is SHA-512
# output of fixed labels: high entropy, deterministic, not a key.
fixed_pem_key() {
	local kind="PRIVATE KEY" i
	printf -- '-----BEGIN %s-----\n' "$kind"
	for i in 1 2 3; do
		printf 'keyshift-golden-%s-%d' "$1" "$i" | openssl dgst -sha512 -binary
	done | openssl base64 -A | fold -w 64
	printf '\n-----END %s-----\n' "$kind"
}

# make_report_tree DIR: the inventory every golden renders.
#   - one Google client secret in two files (one with a space and a
#     non-ASCII name), so a finding has two locations
#   - a second secret under a hostile file name (HTML/Markdown escaping)
#   - a file whose name starts with '=' (CSV formula guard)
#   - a private key
make_report_tree() {
	local d=$1
	mkdir -p "$d/config" "$d/deploy/<script>alert(1)<" "$d/keys"
	printf 'first line\n\n  google_secret: %s\n' "$(fixed_google_secret ab)" > "$d/config/app.yml"
	printf 'google_secret: %s\n' "$(fixed_google_secret ab)" > "$d/config/copy é.yml"
	printf 'client_secret = "%s"\n' "$(fixed_google_secret cd)" > "$d/deploy/<script>alert(1)</script>.yml"
	printf 'google_secret: %s\n' "$(fixed_google_secret ef)" > "$d/=HYPERLINK(1).yml"
	fixed_pem_key one > "$d/keys/server.pem"
}

# golden_compare FILE GOLDEN: byte-compare, or regenerate with
# KS_UPDATE_GOLDEN=1.
golden_compare() {
	local got=$1 golden=$2
	if [ "${KS_UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$(dirname "$golden")"
		cp "$got" "$golden"
		return 0
	fi
	[ -f "$golden" ] || { echo "missing golden $golden (KS_UPDATE_GOLDEN=1)" >&2; return 1; }
	if ! cmp -s "$got" "$golden"; then
		echo "output differs from $golden:" >&2
		diff -u "$golden" "$got" | head -40 >&2
		return 1
	fi
}

# ext_of FORMAT: the file extension of a format.
ext_of() {
	case $1 in
	text) echo txt ;; markdown) echo md ;; fingerprints) echo txt ;;
	*) echo "$1" ;;
	esac
}
