"""Stage 4: rendering. Pure functions: the model goes in, `{path: content}` comes out."""
