"""Exchange-office work: pre-advices in, receptacles received and opened, items verified,
sorted and held, findings for the verification note; bags and dispatches out, their papers,
the handover and the deadline monitor (docs/office.md)."""
