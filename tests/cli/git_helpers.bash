# tests/cli/git_helpers.bash - building real repositories for the 2xx-git suites
#
# Every commit gets a fixed author, committer and date (commit N on day N),
# so ids and "earliest by commit date" are deterministic.

git_setup() {
	export GIT_CONFIG_NOSYSTEM=1 HOME="$TMP/home"
	mkdir -p "$HOME"
	git config --global init.defaultBranch main
	git config --global user.name Tester
	git config --global user.email tester@example.com
	git config --global advice.detachedHead false
	GIT_DAY=0
}

# git_commit MSG [AUTHOR_NAME AUTHOR_EMAIL]: commit the index on the next day.
git_commit() {
	GIT_DAY=$((GIT_DAY + 1))
	local d; d=$(printf '2021-01-%02dT12:00:00Z' "$GIT_DAY")
	GIT_AUTHOR_NAME=${2:-Tester} GIT_AUTHOR_EMAIL=${3:-tester@example.com} \
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d \
	GIT_COMMITTER_NAME=Tester GIT_COMMITTER_EMAIL=tester@example.com \
		git commit -q --allow-empty -m "$1"
}

# jq-less JSONL field extraction: jfield NAME < jsonl
jfield() {
	sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"
}
