"""breakdown/: the Screenplay → a Breakdown (tags with evidence, tension, actions, schedule)."""
