"""The Qt-free core: project data, the recap dialect, checks and export."""
