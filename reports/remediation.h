/*
 * reports/remediation.h - what a report tells people to do about a finding
 *
 * One place for severity levels and remediation advice, so SARIF, HTML
 * and Markdown give the same answer. Advice for client secrets is the
 * private_key_jwt migration keyshift exists for.
 */
#ifndef KS_REPORTS_REMEDIATION_H
#define KS_REPORTS_REMEDIATION_H

#include "str.h"

/* SARIF level: "error", "warning" or "note" (static strings). */
const char *ks_remediation_level(const char *category, const char *confidence);
/* SARIF precision: "high", "medium" or "low". */
const char *ks_remediation_precision(const char *confidence);
/* GitHub's security-severity score, "0.0".."10.0". */
const char *ks_remediation_security_severity(const char *category,
    const char *confidence);
/* One line of advice for the category (static). */
const char *ks_remediation_summary(const char *category);
/*
 * Help for a rule as plain text and as Markdown: the description, the
 * rule's own remediation if any, then the category's steps.
 */
int ks_remediation_help(ks_str *text, ks_str *md, const char *category,
    const char *description, const char *remediation) KS_WARN_UNUSED;

#endif
