"""Exchange-office work: pre-advices in, receptacles received and opened, items verified,
sorted and held, findings for the verification note (see docs/office.md)."""
