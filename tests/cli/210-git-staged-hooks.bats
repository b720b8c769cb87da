#!/usr/bin/env bats
# --staged (pre-commit), hooks and pre-receive (issue 3).

load helpers
load git_helpers

@test "git: --staged finds a staged-only secret that HEAD does not have, with index line numbers" {
	git_setup
	git init -q repo && cd repo
	# before the first commit
	printf 'one\ntwo\nclient_secret = "%s"\n' "$(gen_google_secret)" >cfg.py
	git add cfg.py
	run ks scan --no-store --staged -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep '"ks.google' | grep -q '"source":"staged","path":"cfg.py","line":3'
	git_commit c1
	run ks scan --no-store --staged .
	[ "$status" -eq 0 ]
	# staged content differs from the worktree: the index's lines count
	printf 'x\nclient_secret = "%s"\n' "$(gen_google_secret)" >new.py
	git add new.py
	printf 'clean\n' >new.py
	run ks scan --no-store --staged -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep '"ks.google' | grep -q '"path":"new.py","line":2'
	! printf '%s\n' "$output" | grep -q '"path":"cfg.py"' || false
}

@test "git: --staged with a pure rename reports nothing, during a merge reports the merged content" {
	git_setup
	git init -q repo && cd repo
	echo "client_secret = \"$(gen_google_secret)\"" >a.py; git add a.py; git_commit c1
	git mv a.py b.py
	run ks scan --no-store --staged .
	[ "$status" -eq 0 ]
	git_commit rename
	git checkout -q -b side
	echo "client_secret = \"$(gen_google_secret)\"" >side.py; git add side.py; git_commit side
	git checkout -q main
	echo m >m; git add m; git_commit m
	git merge -q --no-commit --no-ff side
	run ks scan --no-store --staged -f jsonl .
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q '"path":"side.py"'
}

@test "git: hook install, then committing a key is refused with file:line and rule; a clean commit goes through" {
	git_setup
	git init -q repo && cd repo
	echo base >README; git add README; git_commit base
	run ks hook install
	[ "$status" -eq 0 ]
	[ -x .git/hooks/pre-commit ]
	gen_pem_key id.pem; git add id.pem
	run git commit -qm key
	[ "$status" -ne 0 ]
	printf '%s\n' "$output" | grep -Eq 'id.pem:[0-9]+:[0-9]+:'
	printf '%s\n' "$output" | grep -q 'ks.pem'
	printf '%s\n' "$output" | grep -q 'keyshift-ignore'
	git rm -q --cached id.pem; rm id.pem
	echo fine >ok.txt; git add ok.txt
	run git commit -qm clean
	[ "$status" -eq 0 ]
	# re-installing our own hook is fine; a foreign hook is refused without --force
	run ks hook install
	[ "$status" -eq 0 ]
	printf '#!/bin/sh\nexit 0\n' >.git/hooks/pre-push; chmod +x .git/hooks/pre-push
	run ks hook install --pre-push
	[ "$status" -eq 2 ]
	run ks hook install --pre-push --chain
	[ "$status" -eq 0 ]
	[ -x .git/hooks/pre-push.keyshift-chained ]
}

@test "git: hook install respects core.hooksPath" {
	git_setup
	git init -q repo && cd repo
	git config core.hooksPath myhooks
	run ks hook install
	[ "$status" -eq 0 ]
	[ -x myhooks/pre-commit ]
}

@test "git: hook pre-receive scans what a push adds, including a new branch, and deletions pass" {
	git_setup
	git init -q repo && cd repo
	echo "client_secret = \"$(gen_google_secret)\"" >old.py; git add old.py; git_commit c1
	old=$(git rev-parse HEAD)
	echo clean >clean.txt; git add clean.txt; git_commit c2
	new=$(git rev-parse HEAD)
	git branch -q topic
	git checkout -q -b feature
	echo "client_secret = \"$(gen_google_secret)\"" >feat.py; git add feat.py; git_commit c3
	feat=$(git rev-parse HEAD)
	git checkout -q main
	# the server already has main at $old (and nothing else)
	z=0000000000000000000000000000000000000000
	git update-ref refs/heads/feature "$z" 2>/dev/null || true
	git branch -q -D feature topic 2>/dev/null || true
	git update-ref refs/heads/main "$old"
	run ks hook pre-receive <<<"$old $new refs/heads/main"
	[ "$status" -eq 0 ]
	run ks hook pre-receive <<<"$z $feat refs/heads/feature"
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -q 'feat.py'
	! printf '%s\n' "$output" | grep -q 'old.py' || false
	run ks hook pre-receive <<<"$old $z refs/heads/main"
	[ "$status" -eq 0 ]
}

@test "git: a real push through a pre-receive hook is refused when it adds a secret" {
	git_setup
	git init -q --bare server.git
	printf '#!/bin/sh\nexec "%s" hook pre-receive\n' "$KEYSHIFT" >server.git/hooks/pre-receive
	chmod +x server.git/hooks/pre-receive
	git init -q repo && cd repo
	echo base >README; git add README; git_commit base
	git push -q "$TMP/server.git" main
	echo "client_secret = \"$(gen_google_secret)\"" >s.py; git add s.py; git_commit secret
	run git push -q "$TMP/server.git" main
	[ "$status" -ne 0 ]
	printf '%s\n' "$output" | grep -q 's.py'
}

@test "git: a chained pre-push hook that reads stdin leaves keyshift the pushed refs" {
	git_setup
	git init -q --bare server.git
	git init -q repo && cd repo
	echo base >README; git add README; git_commit base
	git push -q "$TMP/server.git" main
	# a foreign hook that reads all of stdin, as git-lfs's does
	printf '#!/bin/sh\nwhile read -r l; do echo "chained: $l" >&2; done\n' >.git/hooks/pre-push
	chmod +x .git/hooks/pre-push
	run ks hook install --pre-push --chain
	[ "$status" -eq 0 ]
	echo "client_secret = \"$(gen_google_secret)\"" >s.py; git add s.py; git_commit secret
	run git push -q "$TMP/server.git" main
	[ "$status" -ne 0 ]
	printf '%s\n' "$output" | grep -q 'chained: refs/heads/main'
	printf '%s\n' "$output" | grep -q 's.py:1:'
	printf '%s\n' "$output" | grep -q 'git push --no-verify'
	[ "$(git -C "$TMP/server.git" rev-list --count main)" -eq 1 ]
	# --force replaces a foreign hook outright
	printf '#!/bin/sh\nexit 0\n' >.git/hooks/pre-commit; chmod +x .git/hooks/pre-commit
	run ks hook install
	[ "$status" -eq 2 ]
	run ks hook install --force
	[ "$status" -eq 0 ]
	grep -q 'keyshift hook install' .git/hooks/pre-commit
}

@test "git: a blocked commit says how to allow the line with keyshift:allow" {
	git_setup
	git init -q repo && cd repo
	echo base >README; git add README; git_commit base
	run ks hook install
	[ "$status" -eq 0 ]
	s=$(gen_google_secret)
	echo "client_secret = \"$s\"" >cfg.py; git add cfg.py
	run git commit -qm key
	[ "$status" -ne 0 ]
	printf '%s\n' "$output" | grep -q "keyshift:allow RULE-ID reason"
	printf '%s\n' "$output" | grep -q 'git commit --no-verify'
	# following that advice lets the commit through
	echo "client_secret = \"$s\"  # $(printf 'keyshift:%s' allow) test fixture" >cfg.py; git add cfg.py
	run git commit -qm allowed
	[ "$status" -eq 0 ]
}

@test "git: .pre-commit-hooks.yaml is valid for the pre-commit framework, and both hooks block" {
	command -v pre-commit >/dev/null || skip "pre-commit (the framework) is not installed"
	git_setup
	export PATH="$(dirname "$KEYSHIFT"):$PATH"
	git init -q hooks && cp "$KS_SOURCE_DIR/.pre-commit-hooks.yaml" hooks/
	(cd hooks && git add . && git_commit manifest)
	run pre-commit validate-manifest hooks/.pre-commit-hooks.yaml
	[ "$status" -eq 0 ]
	git init -q --bare server.git
	git init -q repo && cd repo
	printf 'repos:\n- repo: %s\n  rev: %s\n  hooks:\n  - id: keyshift\n  - id: keyshift-pre-push\n' \
		"$TMP/hooks" "$(git -C "$TMP/hooks" rev-parse HEAD)" >.pre-commit-config.yaml
	git add .pre-commit-config.yaml; git_commit config
	run pre-commit install -t pre-commit -t pre-push
	[ "$status" -eq 0 ]
	git push -q "$TMP/server.git" main
	# pre-commit: a staged secret is refused, a clean change goes through
	echo "client_secret = \"$(gen_google_secret)\"" >s.py; git add s.py
	run git commit -qm secret
	[ "$status" -ne 0 ]
	printf '%s\n' "$output" | grep -q 's.py:1:'
	echo fine >ok.txt; git add ok.txt; git rm -q --cached s.py
	run git commit -qm clean
	[ "$status" -eq 0 ]
	# pre-push: a commit that bypassed the pre-commit hook is refused
	git add s.py; git commit -q --no-verify -m "secret, unchecked"
	run git push -q "$TMP/server.git" main
	[ "$status" -ne 0 ]
	printf '%s\n' "$output" | grep -q 's.py:1:'
	[ "$(git -C "$TMP/server.git" rev-list --count main)" -eq 1 ]
	# ... and on a new branch that the server does not have
	run git push -q "$TMP/server.git" main:refs/heads/topic
	[ "$status" -ne 0 ]
	# a clean push goes through
	git reset -q --hard HEAD~1
	run git push -q "$TMP/server.git" main
	[ "$status" -eq 0 ]
}
