"""world/: Screenplay + Breakdown → the World (reusable sets, persistent cast, light, USD)."""
