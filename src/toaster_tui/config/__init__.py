"""config.toml: where files live, loading and validating it, and editing it in place."""
