"""Synthetic ground-truth exercise videos of a cartoon mannequin.

The package renders side-view clips of the three rehab exercises (wall squat,
supine nerve glide, cat-cow) from scripted joint-angle trajectories, and writes
the exact angles, reps, holds and injected faults beside each clip, so the
pipeline can be scored against known answers.

Coordinate convention used throughout (the *canonical body frame*): units are
body heights, x points the way the person faces (for lying poses: towards the
feet; for hands-and-knees: towards the head), y points up and the floor is
y = 0. Facing image-left is a mirror of x applied only when drawing.
"""
