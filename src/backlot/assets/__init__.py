"""The asset library: a content-addressed store of meshes and materials with rights metadata.

Each asset's bytes are stored once under their SHA-256; an SQLite index records what the
asset is, where it came from (a generator and its parameters, or an imported file), under
which licence, by whom, how it was made (IPTC digital source type) and which scenes use it.
"""
