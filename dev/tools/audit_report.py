"""Summarise a Prowler OCSF report for `make audit`: pass / fail / muted counts, the unmuted failures.

Usage: python dev/tools/audit_report.py .build/audit/prowler.ocsf.json
Exit status 1 when a failing finding is not muted (the audit's figure is their number), else 0.
"""

from __future__ import annotations

import json
import sys
from collections import Counter


def load(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def classify(finding: dict) -> str:
    """PASS, FAIL, MANUAL or MUTED (a muted finding of any status)."""
    if finding.get("status") == "Suppressed" or (finding.get("unmapped") or {}).get("muted"):
        return "MUTED"
    return finding.get("status_code", "UNKNOWN")


def check_id(finding: dict) -> str:
    return (finding.get("metadata") or {}).get("event_code") or finding.get("finding_info", {}).get("uid", "?")


def resource(finding: dict) -> str:
    resources = finding.get("resources") or [{}]
    return resources[0].get("uid") or resources[0].get("name") or "?"


def main(argv: list[str]) -> int:
    findings = load(argv[1])
    counts = Counter(classify(f) for f in findings)
    failures = sorted((check_id(f), resource(f), f.get("status_detail", "")) for f in findings if classify(f) == "FAIL")
    muted = Counter(check_id(f) for f in findings if classify(f) == "MUTED")
    print(f"Prowler findings: pass {counts['PASS']}, fail {counts['FAIL']}, muted {counts['MUTED']}", end="")
    print(f", manual {counts['MANUAL']}" if counts["MANUAL"] else "")
    if muted:
        print("Muted (reasons in dev/audit/prowler_mutelist.yaml):")
        for check, count in sorted(muted.items()):
            print(f"  {check} x{count}")
    if failures:
        print(f"Unmuted failures: {len(failures)}")
        for check, uid, detail in failures:
            print(f"  FAIL {check}  {uid}\n       {detail}")
    print(f"Audit figure (unmuted failing findings): {len(failures)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
