"""edit/: the cut as OpenTimelineIO, then localized versions. The two stages are in
`stage.py`; the package itself imports nothing, so that reading its models stays light."""
