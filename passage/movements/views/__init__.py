"""The journey screens: the case's journey panel, the forms that book it, and the movements list."""
