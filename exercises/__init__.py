"""Stage 2: exercises declared as data (specs) and the one engine that runs them."""
