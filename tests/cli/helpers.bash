# tests/cli/helpers.bash - shared set-up for the Bats suites
#
# Every test gets a fresh temporary directory and its own default store
# (XDG_DATA_HOME), so suites never touch the user's data. Secrets and keys
# are generated here at run time; none is committed.

: "${KEYSHIFT:?set KEYSHIFT to the keyshift binary (CTest does)}"
: "${KS_SOURCE_DIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"

# ks_setup / ks_teardown: the per-test temporary directory and store.
# Suites that need more in setup() call these first/last.
ks_setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ks.XXXXXX")
	export XDG_DATA_HOME="$TMP/xdg"
	unset KEYSHIFT_STORE SOURCE_DATE_EPOCH
	export NO_COLOR=1
	cd "$TMP"
}

ks_teardown() {
	cd /
	chmod -R u+rwx "$TMP" 2>/dev/null || true
	rm -rf "$TMP"
}

setup() {
	ks_setup
}

teardown() {
	ks_teardown
}

ks() {
	"$KEYSHIFT" "$@"
}

# rand_chars N [SET]: N random characters from SET (default alnum).
rand_chars() {
	local n=$1 set=${2:-A-Za-z0-9}
	LC_ALL=C tr -dc "$set" </dev/urandom | head -c "$n"
}

# A Google OAuth client secret shape: GOCSPX- and 28 characters.
gen_google_secret() {
	printf 'GOCSPX-%s' "$(rand_chars 28 'A-Za-z0-9_-')"
}

# An AWS access key id shape: AKIA and 16 upper-case alphanumerics.
gen_aws_key_id() {
	printf 'AKIA%s' "$(rand_chars 16 'A-Z2-7')"
}

# gen_pem_key FILE [ALG]: a fresh private key in PKCS#8 PEM.
gen_pem_key() {
	local alg=${2:-EC}
	case $alg in
	EC) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null ;;
	RSA) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null ;;
	ED25519) openssl genpkey -algorithm ED25519 -out "$1" 2>/dev/null ;;
	esac
}

# db_query DB SQL: one value per line.
db_query() {
	sqlite3 -batch -noheader "$1" "$2"
}

default_store() {
	printf '%s/keyshift/keyshift.db' "$XDG_DATA_HOME"
}

# assert_no_control_chars: fail if "$output" has control characters other
# than newline and tab.
assert_no_control_chars() {
	if printf '%s' "$output" | LC_ALL=C grep -q '[[:cntrl:]]' 2>/dev/null; then
		if printf '%s' "$output" | LC_ALL=C tr -d '\n\t' | LC_ALL=C grep -q '[[:cntrl:]]'; then
			echo "raw control characters in output:" >&2
			printf '%s' "$output" | od -c | head -20 >&2
			return 1
		fi
	fi
}
