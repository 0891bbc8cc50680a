"""camera/: the World → a ShotPlan (blocking, coverage, framing, camera paths, timing)."""
