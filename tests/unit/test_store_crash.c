/*
 * tests/unit/test_store_crash.c - a writer killed with SIGKILL mid-scan
 * leaves a consistent store that keeps every committed batch, and a
 * rescan completes it without duplicates
 */
#include "test_store_support.h"

#include <signal.h>
#include <sys/wait.h>

#define BATCHES 400
#define PER_BATCH 50
#define KILL_AFTER 15   /* committed batches the parent waits for */

/* Write batch `b`: PER_BATCH occurrences of distinct secrets. */
static int
write_batch(ks_store *s, int64_t run, unsigned b)
{
	char path[64], secret[32];
	ks_occurrence o;
	unsigned i;
	int error;

	if ((error = ks_store_tx_begin(s)) < 0)
		return error;
	for (i = 0; i < PER_BATCH; i++) {
		snprintf(path, sizeof(path), "dir%u/file%u.env", b, i);
		snprintf(secret, sizeof(secret), "secret-%08u-%08u", b, i);
		occ_make(&o, "ks.test.a", b * PER_BATCH + i + 1, path, i + 1,
		    (uint64_t)i * 64);
		if ((error = ks_store_put_occurrence(s, run, &o,
		    (const uint8_t *)secret, strlen(secret), false)) < 0) {
			ks_store_tx_rollback(s);
			return error;
		}
	}
	return ks_store_tx_commit(s);
}

/* The child: write batches, telling the parent after each commit. */
static void
child(const char *path, int fd)
{
	ks_store *s = NULL;
	int64_t run;
	unsigned b;

	if (ks_store_open(&s, path, NULL) < 0 ||
	    ks_store_run_begin(s, "scan", NULL, NULL, &run) < 0 ||
	    ks_store_tx_begin(s) < 0 ||
	    ks_store_put_rule(s, &test_rule_a) < 0 ||
	    ks_store_tx_commit(s) < 0)
		_exit(2);
	for (b = 0; b < BATCHES; b++) {
		if (write_batch(s, run, b) < 0)
			_exit(3);
		if (write(fd, &b, sizeof(b)) != (ssize_t)sizeof(b))
			_exit(4);
	}
	_exit(0);
}

static void
test_store_crash__sigkill_mid_scan(void **state)
{
	struct store_fixture *f = *state;
	unsigned last = 0, got = 0, b;
	int fds[2], status;
	int64_t n;
	pid_t pid;

	assert_int_equal(0, pipe(fds));
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child(f->path, fds[1]);
	}
	close(fds[1]);
	while (got < KILL_AFTER &&
	    read(fds[0], &b, sizeof(b)) == (ssize_t)sizeof(b)) {
		last = b;
		got++;
	}
	assert_int_equal(KILL_AFTER, got);
	assert_int_equal(0, kill(pid, SIGKILL));
	assert_int_equal(pid, waitpid(pid, &status, 0));
	assert_true(WIFSIGNALED(status));
	close(fds[0]);

	/* Consistent, and every batch the child reported is there. */
	assert_ok(ks_store_open(&f->store, f->path, NULL));
	assert_integrity_ok(f->store);
	assert_ok(ks_store_count_occurrences(f->store, &n));
	assert_true(n >= (int64_t)(last + 1) * PER_BATCH);
	assert_true(n % PER_BATCH == 0);  /* no half batch */
	assert_int_equal(1, query_i64(f->store,
	    "SELECT count(*) FROM scan_run WHERE status = 'running'"));

	/* A rescan of everything completes the result, no duplicates. */
	assert_ok(ks_store_run_begin(f->store, "scan", NULL, NULL, &f->run));
	for (b = 0; b < BATCHES; b++)
		assert_ok(write_batch(f->store, f->run, b));
	assert_ok(ks_store_run_finish(f->store, f->run, "complete", NULL));
	assert_ok(ks_store_count_occurrences(f->store, &n));
	assert_int_equal(BATCHES * PER_BATCH, n);
	assert_ok(ks_store_count_findings(f->store, &n));
	assert_int_equal(BATCHES * PER_BATCH, n);
	assert_integrity_ok(f->store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_store_crash__sigkill_mid_scan, store_setup,
		    store_teardown),
	};
	return cmocka_run_group_tests_name("store/crash", tests, NULL, NULL);
}
