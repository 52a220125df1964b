"""Offline review of a topology: its diagram, its access matrix and the access diff between two versions.

Pure functions of a `MeshGraph` (no Pulumi, no cloud): what reviewers read in a pull request.
"""
