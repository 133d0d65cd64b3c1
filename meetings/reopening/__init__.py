"""Reopening signed minutes: the request and the consent of both signers."""
