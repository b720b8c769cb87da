#!/usr/bin/env python3
"""Validate SARIF logs against the SARIF 2.1.0 JSON schema bundled with
the multitool. The multitool silently passes logs it cannot deserialize
(a bad enum value or a string where a number belongs), so the suite runs
this schema check as well. Usage: schema_check.py SCHEMA FILE..."""
import json
import sys

import jsonschema


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.validators.validator_for(schema)(schema)
    bad = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
        for err in validator.iter_errors(log):
            where = "/".join(str(p) for p in err.absolute_path)
            print(f"{path}: error: {where}: {err.message}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
