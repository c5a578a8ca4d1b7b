"""Publishing recaps to a WordPress site over its REST API: `wordpress.py` the client,
`publisher.py` what is sent and in which order, `body.py` the post body, `state.py` what
was published (kept in the project), `settings.py` the site from `recapdesk.yaml` and its
password, `connect.py` a client from those. (Hugo page bundles are an export format:
`core/export/hugo.py`.)"""
