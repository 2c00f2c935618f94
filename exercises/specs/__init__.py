"""The exercise specs, one module each."""
