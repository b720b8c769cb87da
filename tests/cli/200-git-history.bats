#!/usr/bin/env bats
# Full-history scans of real repositories (issue 3).

load helpers
load git_helpers

setup_file() { :; }

@test "git: a key added in commit 2 and deleted in commit 5 has commit 2's id, path and author" {
	git_setup
	git init -q repo && cd repo
	echo hello >README; git add README; git_commit c1
	gen_pem_key key.pem; git add key.pem; git_commit c2 Alice alice@example.com
	c2=$(git rev-parse HEAD)
	echo a >a; git add a; git_commit c3
	echo b >b; git add b; git_commit c4
	git rm -q key.pem; git_commit c5
	run ks scan --no-store -f jsonl .
	[ "$status" -eq 1 ]
	line=$(printf '%s\n' "$output" | grep '"ks.pem' | head -1)
	[ -n "$line" ]
	[ "$(printf '%s' "$line" | jfield commit)" = "$c2" ]
	[ "$(printf '%s' "$line" | jfield path)" = "key.pem" ]
	[ "$(printf '%s' "$line" | jfield author)" = "Alice <alice@example.com>" ]
	[ "$(printf '%s' "$line" | jfield source)" = "git" ]
	printf '%s' "$line" | grep -q '"date":"2021-01-02T12:00:00+00:00"'
}

@test "git: the same secret on three branches is one finding with three provenances" {
	git_setup
	git init -q repo && cd repo
	echo base >README; git add README; git_commit base
	s=$(gen_google_secret)
	for b in one two three; do
		git checkout -q -b "$b" main
		echo "client_secret = \"$s\"" >cfg.py; git add cfg.py; git_commit "on $b"
	done
	run ks scan --store "$TMP/ks.db" -f jsonl .
	[ "$status" -eq 1 ]
	# one finding per rule family, whatever the branches
	n=$(printf '%s\n' "$output" | grep '"ks.google' | jfield fingerprint | sort -u | wc -l)
	[ "$n" -eq 1 ]
	run db_query "$TMP/ks.db" "SELECT count(DISTINCT commit_id) FROM git_introduction WHERE path = CAST('cfg.py' AS BLOB)"
	[ "$output" -eq 3 ]
}

@test "git: a secret only in a tag, only in the stash, and only in an unreachable commit" {
	git_setup
	git init -q repo && cd repo
	echo base >README; git add README; git_commit base
	# only in a tag
	git checkout -q -b tmp
	echo "client_secret = \"$(gen_google_secret)\"" >tagged.py; git add tagged.py; git_commit tagged
	git tag v1; git checkout -q main; git branch -q -D tmp
	# only in the stash
	echo "client_secret = \"$(gen_google_secret)\"" >README
	GIT_COMMITTER_DATE=2021-02-01T00:00:00Z git stash -q
	# only in an unreachable commit
	git checkout -q -b gone
	echo "client_secret = \"$(gen_google_secret)\"" >lost.py; git add lost.py; git_commit lost
	git checkout -q main; git branch -q -D gone
	git reflog expire --expire=now --all
	run ks scan --no-store -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q '"path":"tagged.py"'
	printf '%s\n' "$output" | grep '"ks.google' | grep -q '"path":"README"'
	! printf '%s\n' "$output" | grep -q '"path":"lost.py"' || false
	run ks scan --no-store --all-objects -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q '"path":"lost.py"'
}

@test "git: every stash entry is scanned, not only the newest, and an incremental rescan skips them" {
	git_setup
	git init -q repo && cd repo
	echo base >README; git add README; git_commit base
	# stash@{1}: an untracked file (git stash -u); stash@{0}: a tracked change
	echo "client_secret = \"$(gen_google_secret)\"" >older.py
	GIT_COMMITTER_DATE=2021-02-01T00:00:00Z git stash -q -u
	echo "client_secret = \"$(gen_google_secret)\"" >README
	GIT_COMMITTER_DATE=2021-02-02T00:00:00Z git stash -q
	[ "$(git stash list | wc -l)" -eq 2 ]
	run ks scan --store "$TMP/ks.db" --no-worktree -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep '"ks.google' | grep -q '"path":"older.py"'
	printf '%s\n' "$output" | grep '"ks.google' | grep -q '"path":"README"'
	run db_query "$TMP/ks.db" "SELECT ref FROM git_ref_scan ORDER BY ref"
	[ "$output" = "$(printf '%s\n' refs/heads/main refs/stash 'refs/stash@{1}')" ]
	run ks scan --store "$TMP/ks.db" --no-worktree --incremental -f jsonl .
	[ "$status" -eq 0 ]
	# a shallow clone walks its refs itself: the stash reflog too
	cd "$TMP"; git clone -q --depth 1 "file://$TMP/repo" shallow && cd shallow
	echo "client_secret = \"$(gen_google_secret)\"" >first.py
	git stash -q -u
	echo x >README; git stash -q
	run ks scan --no-store --no-worktree -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q '"path":"first.py"'
}

@test "git: a rename keeps the first path's provenance and a merge commit is not blamed" {
	git_setup
	git init -q repo && cd repo
	echo base >README; git add README; git_commit base
	git checkout -q -b side
	echo "client_secret = \"$(gen_google_secret)\"" >old.py; git add old.py; git_commit add
	add=$(git rev-parse HEAD)
	git mv old.py new.py; git_commit rename
	ren=$(git rev-parse HEAD)
	git checkout -q main
	echo x >x; git add x; git_commit mainline
	GIT_DAY=$((GIT_DAY + 1))
	GIT_AUTHOR_DATE=2021-01-20T00:00:00Z GIT_COMMITTER_DATE=2021-01-20T00:00:00Z git merge -q --no-ff -m merge side
	merge=$(git rev-parse HEAD)
	run ks scan --no-store -f jsonl .
	[ "$status" -eq 1 ]
	g=$(printf '%s\n' "$output" | grep '"ks.google')
	printf '%s\n' "$g" | grep '"path":"old.py"' | grep -q "\"commit\":\"$add\""
	printf '%s\n' "$g" | grep '"path":"new.py"' | grep -q "\"commit\":\"$ren\""
	! printf '%s\n' "$g" | grep -q "\"commit\":\"$merge\"" || false
}

@test "git: a bare repository is scanned; worktree changes are included unless --no-worktree" {
	git_setup
	git init -q repo && cd repo
	echo base >README; git add README; git_commit base
	echo "client_secret = \"$(gen_google_secret)\"" >untracked.py
	run ks scan --no-store -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q '"source":"worktree"'
	run ks scan --no-store --no-worktree .
	[ "$status" -eq 0 ]
	cd "$TMP"; git clone -q --bare repo bare.git
	run ks scan --no-store bare.git
	[ "$status" -eq 0 ]
}

@test "git: --range and --since report only what the range introduced" {
	git_setup
	git init -q repo && cd repo
	echo "client_secret = \"$(gen_google_secret)\"" >old.py; git add old.py; git_commit c1
	a=$(git rev-parse HEAD)
	echo "client_secret = \"$(gen_google_secret)\"" >new.py; git add new.py; git_commit c2
	b=$(git rev-parse HEAD)
	run ks scan --no-store -f jsonl --range "$a..$b" .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q '"path":"new.py"'
	! printf '%s\n' "$output" | grep -q '"path":"old.py"' || false
	run ks scan --no-store -f jsonl --since "$a" .
	[ "$status" -eq 1 ]
	! printf '%s\n' "$output" | grep -q '"path":"old.py"' || false
	run ks scan --no-store --range "$b..$b" .
	[ "$status" -eq 0 ]
	run ks scan --no-store --range "nosuch..$b" .
	[ "$status" -eq 2 ]
}

@test "git: an incremental rescan reads only new commits" {
	git_setup
	git init -q repo && cd repo
	echo "client_secret = \"$(gen_google_secret)\"" >a.py; git add a.py; git_commit c1
	run ks scan --store "$TMP/ks.db" --no-worktree -f jsonl .
	[ "$status" -eq 1 ]
	run ks scan --store "$TMP/ks.db" --no-worktree --incremental -f jsonl .
	[ "$status" -eq 0 ]
	echo "client_secret = \"$(gen_google_secret)\"" >b.py; git add b.py; git_commit c2
	run ks scan --store "$TMP/ks.db" --no-worktree --incremental -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q '"path":"b.py"'
	! printf '%s\n' "$output" | grep -q '"path":"a.py"' || false
	run db_query "$TMP/ks.db" "SELECT ref FROM git_ref_scan"
	[ "$output" = "refs/heads/main" ]
}

@test "git: a corrupted object gives a diagnostic and the rest is still scanned" {
	git_setup
	git init -q repo && cd repo
	echo "client_secret = \"$(gen_google_secret)\"" >good.py; git add good.py; git_commit c1
	echo "some other content" >bad.txt; git add bad.txt; git_commit c2
	oid=$(git rev-parse HEAD:bad.txt)
	f=.git/objects/${oid:0:2}/${oid:2}
	chmod u+w "$f"; printf 'garbage, not zlib' >"$f"
	run ks scan --no-store --no-worktree -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q '"path":"good.py"'
	run ks scan --no-store --no-worktree .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q 'bad.txt'
}

@test "git: submodules, non-UTF-8 paths and a shallow clone do not stop the scan" {
	git_setup
	git init -q sub && (cd sub && echo s >s && git add s && git_commit s)
	git init -q repo && cd repo
	p=$(printf 'caf\351.py')
	echo "client_secret = \"$(gen_google_secret)\"" >"$p"; git add .; git_commit c1
	git -c protocol.file.allow=always submodule add -q ../sub sub 2>/dev/null
	git_commit sub
	echo x >x; git add x; git_commit c3
	run ks scan --no-store --no-worktree .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q 'submodule'
	cd "$TMP"; git clone -q --depth 1 "file://$TMP/repo" shallow
	run ks scan --no-store --no-worktree shallow
	[ "$status" -eq 1 ]
}
