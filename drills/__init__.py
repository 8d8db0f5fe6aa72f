"""Fault drills (issue 9): the portal's real processes killed, cut off from
Redis, cut off from PostgreSQL, and scheduled twice. Run by
scripts/drills.sh; results in docs/drills.md."""
