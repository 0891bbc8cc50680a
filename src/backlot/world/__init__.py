"""world/: Screenplay + Breakdown → the World. The stage is in `stage.py`; the package
itself imports nothing, so that reading its models (config, the CLI) does not load USD."""
