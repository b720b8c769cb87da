#!/usr/bin/env bats
# keyshift scan: inside archives (zip, tar, tar.gz/.bz2/.xz, nested), and
# hostile ones: a zip bomb, path traversal, links, corrupt data. Archives
# are built here at run time from generated secrets.

bats_require_minimum_version 1.5.0
load helpers

# tree_with_secret DIR SECRET: a small tree whose config holds SECRET.
tree_with_secret() {
	mkdir -p "$1/conf"
	printf 'client_secret = "%s"\n' "$2" > "$1/conf/app.env"
	printf 'nothing here\n' > "$1/README"
}

paths_of() {  # the finding paths of a JSON report, sorted and unique
	jq -r '[.findings[].path] | unique | .[]' <<<"$output"
}

diag_kind() {  # diag_kind PATH: the kinds of the diagnostics for PATH
	jq -r --arg p "$1" '[.diagnostics[] | select(.path==$p) | .kind] | join(",")' <<<"$output"
}

@test "each archive type: members are scanned with outer!inner paths" {
	secret=$(gen_google_secret)
	tree_with_secret src "$secret"
	mkdir scan
	(cd src && zip -qr ../scan/a.zip . && tar cf ../scan/a.tar . &&
		tar czf ../scan/a.tgz . && tar czf ../scan/b.tar.gz . &&
		tar cjf ../scan/a.tar.bz2 . && tar cJf ../scan/a.tar.xz .)
	run --separate-stderr ks scan --no-store --format json scan
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' scan/a.tar!conf/app.env \
		scan/a.tar.bz2!conf/app.env scan/a.tar.xz!conf/app.env \
		scan/a.tgz!conf/app.env scan/a.zip!conf/app.env \
		scan/b.tar.gz!conf/app.env)" ]
	[ "$(jq -r '[.findings[].source] | unique | join(",")' <<<"$output")" = archive ]
	# One secret, one fingerprint per rule family, whatever the archive.
	[ "$(jq -r '[.findings[] | select(.rule=="ks.google.oauth-client-secret") | .fingerprint] | unique | length' <<<"$output")" = 1 ]
	[ "$(jq '.diagnostics | length' <<<"$output")" = 0 ]
	[[ "$output" != *"$secret"* ]]
}

@test "a single archive named as the target, and --archive-depth 0" {
	tree_with_secret src "$(gen_google_secret)"
	(cd src && zip -qr ../one.zip .)
	run --separate-stderr ks scan --no-store --format json one.zip
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = 'one.zip!conf/app.env' ]
	# Not opened: a zip of text is binary-looking or compressed noise.
	run --separate-stderr ks scan --no-store --format json --archive-depth 0 one.zip
	[ "$status" -eq 0 ]
}

@test "nested archives are opened to three levels, deeper is a diagnostic" {
	tree_with_secret src "$(gen_google_secret)"
	(cd src && tar czf ../l3.tgz .)
	zip -qj l2.zip l3.tgz
	tar cf l1.tar l2.zip
	mkdir scan && cp l1.tar scan/
	run --separate-stderr ks scan --no-store --format json scan
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = 'scan/l1.tar!l2.zip!l3.tgz!conf/app.env' ]
	# A fourth level is not opened, and says so.
	tar cf scan/l0.tar -C scan l1.tar
	rm scan/l1.tar
	run --separate-stderr ks scan --no-store --format json scan
	[ "$status" -eq 0 ]
	[ "$(diag_kind 'scan/l0.tar!l1.tar!l2.zip!l3.tgz')" = limit ]
	run --separate-stderr ks scan --no-store --format json --archive-depth 4 scan
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = 'scan/l0.tar!l1.tar!l2.zip!l3.tgz!conf/app.env' ]
}

@test "a zip bomb is a diagnostic; the other members and files are kept" {
	before=$(gen_google_secret)
	after=$(gen_google_secret)
	mkdir scan
	printf 'client_secret = "%s"\n' "$(gen_google_secret)" > scan/plain.env
	# 256 MiB of zeros deflate to about 250 KB: a ratio near 1000:1.
	python3 - "$before" "$after" <<-'EOF'
	import sys, zipfile
	with zipfile.ZipFile("scan/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
	    z.writestr("before.env", 'client_secret = "%s"\n' % sys.argv[1])
	    with z.open("zeros.bin", "w", force_zip64=True) as f:
	        chunk = bytes(1 << 20)
	        for _ in range(256):
	            f.write(chunk)
	    z.writestr("after.env", 'client_secret = "%s"\n' % sys.argv[2])
	EOF
	[ "$(stat -c %s scan/bomb.zip)" -lt 2000000 ]
	run --separate-stderr timeout 60 "$KEYSHIFT" scan --no-store --format json scan
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' 'scan/bomb.zip!after.env' 'scan/bomb.zip!before.env' scan/plain.env)" ]
	[ "$(diag_kind 'scan/bomb.zip!zeros.bin')" = archive-bomb ]
	[[ "$stderr" == *"compression ratio above"* ]]
}

@test "a bomb in a tar stream stops that archive only" {
	mkdir scan
	printf 'client_secret = "%s"\n' "$(gen_google_secret)" > scan/plain.env
	python3 - "$(gen_google_secret)" <<-'EOF'
	import io, sys, tarfile
	class Zeros(io.RawIOBase):
	    def __init__(self, n): self.n = n
	    def readable(self): return True
	    def readinto(self, b):
	        k = min(len(b), self.n); b[:k] = bytes(k); self.n -= k; return k
	d = ('client_secret = "%s"\n' % sys.argv[1]).encode()
	with tarfile.open("scan/bomb.tar.gz", "w:gz") as t:
	    ti = tarfile.TarInfo("first.env"); ti.size = len(d)
	    t.addfile(ti, io.BytesIO(d))
	    ti = tarfile.TarInfo("zeros"); ti.size = 512 << 20
	    t.addfile(ti, io.BufferedReader(Zeros(ti.size)))
	EOF
	run --separate-stderr timeout 60 "$KEYSHIFT" scan --no-store --format json scan
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' 'scan/bomb.tar.gz!first.env' scan/plain.env)" ]
	[ "$(diag_kind 'scan/bomb.tar.gz!zeros')" = archive-bomb ]
}

@test "absolute and .. member names: a diagnostic, scanned under a clean name" {
	python3 - "$(gen_google_secret)" <<-'EOF'
	import io, sys, tarfile, zipfile
	d = ('client_secret = "%s"\n' % sys.argv[1]).encode()
	with tarfile.open("trav.tar", "w") as t:
	    for n in ("../../escape.env", "/etc/abs.env", "ok/fine.env"):
	        ti = tarfile.TarInfo(n); ti.size = len(d)
	        t.addfile(ti, io.BytesIO(d))
	    ti = tarfile.TarInfo("link"); ti.type = tarfile.SYMTYPE
	    ti.linkname = "/etc/passwd"; t.addfile(ti)
	with zipfile.ZipFile("trav.zip", "w") as z:
	    z.writestr("..\\..\\win.env", d)
	EOF
	run --separate-stderr ks scan --no-store --format json trav.tar trav.zip
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' 'trav.tar!escape.env' 'trav.tar!etc/abs.env' 'trav.tar!ok/fine.env' 'trav.zip!win.env')" ]
	[ "$(diag_kind 'trav.tar!escape.env')" = archive-path ]
	[ "$(diag_kind 'trav.tar!etc/abs.env')" = archive-path ]
	[ "$(diag_kind 'trav.zip!win.env')" = archive-path ]
	[ "$(diag_kind 'trav.tar!ok/fine.env')" = "" ]
	[ "$(diag_kind 'trav.tar!link')" = archive-link ]
	[[ "$stderr" == *"'../../escape.env'"* ]]
	# Nothing was written outside the tree.
	[ ! -e "$TMP/../escape.env" ] && [ ! -e /etc/abs.env ]
}

@test "a corrupt archive keeps the members before the damage" {
	first=$(gen_google_secret)
	mkdir -p src scan
	printf 'client_secret = "%s"\n' "$first" > src/a.env
	head -c 300000 /dev/urandom > src/b.bin
	printf 'client_secret = "%s"\n' "$(gen_google_secret)" > src/c.env
	(cd src && tar czf ../whole.tgz a.env b.bin c.env)
	head -c 150000 whole.tgz > scan/cut.tgz
	printf 'client_secret = "%s"\n' "$(gen_google_secret)" > scan/other.env
	# Not an archive at all, whatever its name: scanned as a plain file.
	printf 'client_secret = "%s"\n' "$(gen_google_secret)" > scan/fake.zip
	run --separate-stderr ks scan --no-store --format json scan
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' 'scan/cut.tgz!a.env' scan/fake.zip scan/other.env)" ]
	[ "$(diag_kind 'scan/cut.tgz!b.bin')" = archive-corrupt ]
	[ "$(diag_kind scan/fake.zip)" = archive-corrupt ]
	[[ "$stderr" == *"scanned as a plain file"* ]]
}

@test "an oversized member is a diagnostic, its neighbours are scanned" {
	mkdir src
	{ printf 'client_secret = "%s"\n' "$(gen_google_secret)"; head -c 100000 /dev/zero | tr '\0' a; } > src/big.env
	printf 'client_secret = "%s"\n' "$(gen_google_secret)" > src/small.env
	(cd src && zip -q ../m.zip big.env small.env)
	run --separate-stderr ks scan --no-store --format json --max-file-size 10K m.zip
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = 'm.zip!small.env' ]
	[ "$(diag_kind 'm.zip!big.env')" = too-large ]
}

@test "archives land in the store with their member paths" {
	tree_with_secret src "$(gen_google_secret)"
	(cd src && tar czf ../a.tgz .)
	run ks scan --store "$TMP/ks.db" a.tgz
	[ "$status" -eq 1 ]
	[ "$(db_query "$TMP/ks.db" "SELECT source || ' ' || CAST(path AS TEXT) FROM blob_provenance ORDER BY 1")" = "$(printf '%s\n' 'archive a.tgz!README' 'archive a.tgz!conf/app.env')" ]
}
