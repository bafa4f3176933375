"""Mailbridge's Jira Cloud simulator (see ../README.md)."""
