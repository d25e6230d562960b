"""The refresh pipeline: fetch -> parse -> store for many feeds, one outcome per feed."""
