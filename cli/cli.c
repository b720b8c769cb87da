/*
 * cli/cli.c - helpers shared by the commands
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <keyshift/error.h>

static void
vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char buf[2048];
	char *p;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	/* Arguments can be file names: no raw control bytes on a tty. */
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(stderr, "keyshift: %s%s\n", prefix, buf);
}

void
ks_cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void
ks_cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void
ks_cli_error_last(const char *what)
{
	const ks_error *e = ks_error_last();

	if (e && e->message && *e->message)
		ks_cli_error("%s: %s", what, e->message);
	else
		ks_cli_error("%s: unknown error", what);
}

bool
ks_cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

bool
ks_cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return false;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mult = 1ULL << 10; end++; break;
	case 'm': case 'M': mult = 1ULL << 20; end++; break;
	case 'g': case 'G': mult = 1ULL << 30; end++; break;
	default: return false;
	}
	if ((*end == 'B' || *end == 'b') && mult > 1)
		end++;
	if (*end || (v && mult > UINT64_MAX / v))
		return false;
	*out = v * mult;
	return true;
}

FILE *
ks_cli_open_output(const char *path)
{
	FILE *fp;

	if (!path || !strcmp(path, "-"))
		return stdout;
	if ((fp = fopen(path, "w")) == NULL)
		ks_cli_error("cannot write '%s': %s", path, strerror(errno));
	return fp;
}

int64_t
ks_cli_pinned_now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!s || !*s)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return 0;
	return (int64_t)v;
}
