/*
 * reports/escape.c - writers that make arbitrary bytes safe for a format
 */
#include "escape.h"

#include <string.h>

#include "json_writer.h"

static const char replacement[] = "\xef\xbf\xbd";  /* U+FFFD */

void
ks_html_text(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0, k;

	if (!s)
		return;
	n = strlen(s);
	while (i < n) {
		unsigned char c = p[i];

		if ((k = ks_utf8_seq(p + i, n - i)) == 0) {
			fprintf(fp, "\\x%02x", c);
			i++;
			continue;
		}
		if (k > 1) {
			/* C1 controls are invisible; show them. */
			if (k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
				fprintf(fp, "\\u%04x", p[i + 1]);
			else
				fwrite(p + i, 1, k, fp);
			i += k;
			continue;
		}
		switch (c) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				fprintf(fp, "\\x%02x", c);
			else
				fputc(c, fp);
		}
		i++;
	}
}

static bool
uri_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~' || c == '/';
}

void
ks_uri_path(FILE *fp, const char *path)
{
	const unsigned char *p = (const unsigned char *)path;

	if (!path)
		return;
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (p[0] == '/')
		fputs("file://", fp);
	for (; *p; p++) {
		if (uri_unreserved(*p))
			fputc(*p, fp);
		else
			fprintf(fp, "%%%02X", *p);
	}
}

bool
ks_csv_needs_guard(const char *s)
{
	return s && (s[0] == '=' || s[0] == '+' || s[0] == '-' ||
	    s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

void
ks_csv_cell(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0, k;
	bool quote;

	if (!s)
		return;
	n = strlen(s);
	quote = strpbrk(s, "\",\r\n") != NULL;
	if (quote)
		fputc('"', fp);
	if (ks_csv_needs_guard(s))
		fputc('\'', fp);
	while (i < n) {
		if ((k = ks_utf8_seq(p + i, n - i)) == 0) {
			fputs(replacement, fp);
			i++;
			continue;
		}
		if (k == 1 && p[i] == '"')
			fputc('"', fp);
		fwrite(p + i, 1, k, fp);
		i += k;
	}
	if (quote)
		fputc('"', fp);
}

void
ks_md_text(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0, k;

	if (!s)
		return;
	n = strlen(s);
	while (i < n) {
		unsigned char c = p[i];

		if ((k = ks_utf8_seq(p + i, n - i)) == 0) {
			fputs(replacement, fp);
			i++;
			continue;
		}
		if (k > 1) {
			fwrite(p + i, 1, k, fp);
			i += k;
			continue;
		}
		if (c == '&')
			fputs("&amp;", fp);
		else if (c == '<')
			fputs("&lt;", fp);
		else if (c == '>')
			fputs("&gt;", fp);
		else if (c == '\n' || c == '\r' || c == '\t')
			fputc(' ', fp);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\\\x%02x", c);
		else if (c == '@')	/* no @mentions in PR comments */
			fputs("&#64;", fp);
		else if (strchr("\\`*_[]|~", c))
			fprintf(fp, "\\%c", c);
		else
			fputc(c, fp);
		i++;
	}
}
