"""Stage 1: video in, pose landmarks out. The only package that imports mediapipe."""
