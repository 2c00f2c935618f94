"""Synthetic ground-truth exercise videos of a cartoon mannequin.

The package renders clips of the three rehab exercises (wall squat, supine
nerve glide, cat-cow) from scripted joint-angle trajectories, through a camera
at a chosen view (side-on to front, floor to table height, any lens; see
``synth.camera``), and writes the exact angles, reps, holds and injected faults
beside each clip, so the pipeline can be scored against known answers. The
truth is the body's: the same from every view.

Coordinate convention used throughout (the *canonical body frame*): units are
body heights, x points the way the person faces (for lying poses: towards the
feet; for hands-and-knees: towards the head), y points up, the floor is y = 0,
and z points to the near (working) side, the one a side-on camera looks at.
Facing image-left is a mirror of the picture applied only when projecting.
"""
