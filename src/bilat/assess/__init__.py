"""Assessment: competing hypotheses about a partnership weighed against the evidence."""
