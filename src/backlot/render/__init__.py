"""render/: scratch dialogue, the previz renderer and the animatic. The two stages are in
`stage.py`; the package itself imports nothing, so that reading its models stays light."""
