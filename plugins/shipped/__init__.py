"""Plugins shipped with Stadtdialog, found through the same entry points as third-party ones."""
