"""Export: a project to a site, self-contained pages or CMS fragments."""
