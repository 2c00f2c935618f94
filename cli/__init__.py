"""The formcheck command line."""

import os

# One BLAS thread. numpy's OpenBLAS otherwise starts a thread as it is imported, and a batch forks its workers from
# a preloaded parent only while that parent runs a single thread (pose.workers.process_pool, preload). Nothing
# formcheck computes multiplies matrices large enough for OpenBLAS to use a second thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
