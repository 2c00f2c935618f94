"""Stage 3: words, reports and the runners (CLI) built on the exercise engine's results."""
