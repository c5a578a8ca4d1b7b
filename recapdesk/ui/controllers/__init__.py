"""What the window does when the writer acts: one controller per kind of act.

Panes emit requests; the window routes them here. A controller asks through the
window's `dialogs`, acts through the session and the Qt-free core, and updates the
panes; none of them reads or writes files itself.
"""
