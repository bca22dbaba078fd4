"""Getting data: each module reads one upstream format and documents every field it yields."""
