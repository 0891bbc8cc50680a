"""camera/: Screenplay + Breakdown + World → the ShotPlan. The stage is in `stage.py`;
the package itself imports nothing, so that reading its models (config, the CLI) stays light."""
