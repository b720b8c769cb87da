#!/usr/bin/env python3
"""bench/rg_patterns.py < RULES.json - the rules' patterns for `rg -P -e`.

Reads `keyshift rules list --json` and writes every rule's PCRE2 pattern,
NUL-terminated (patterns hold newlines, which extended mode needs), for
`mapfile -d ''`. ripgrep joins its -e patterns into one regex, so:

- each rule's group names get a suffix of their own: rules reuse names
  such as `secret`, and (?(DEFINE)...) subroutines, which one regex
  cannot hold twice;
- an extended-mode pattern ends in a newline, so a trailing `# comment`
  cannot swallow what ripgrep appends after it.

Nothing else changes: ripgrep runs the same expressions keyshift does.
"""
import json
import re
import sys


def rename(pattern, suffix):
    def add(m):
        return m.group(0).replace(m.group("n"), m.group("n") + suffix, 1)

    name = r"(?P<n>[A-Za-z_]\w*)"
    for form in (r"\(\?P?<" + name + ">",            # (?<n>  (?P<n>
                 r"\(\?'" + name + "'",              # (?'n'
                 r"\(\?(?:&|P>|P=)" + name + r"\)",  # (?&n)  (?P>n)  (?P=n)
                 r"\\[kg][<{']" + name + "[>}']",    # \k<n>  \g{n}
                 r"\(\?\(<?(?!DEFINE\))" + name + r">?\)"):  # (?(<n>)...)
        pattern = re.sub(form, add, pattern)
    return pattern


def main():
    out = sys.stdout.buffer
    for i, rule in enumerate(json.load(sys.stdin)):
        p = rename(rule["pattern"], "_r%d" % i)
        if re.match(r"\s*\(\?[a-zA-Z]*x", p) and not p.endswith("\n"):
            p += "\n"
        out.write(p.encode() + b"\0")


if __name__ == "__main__":
    main()
