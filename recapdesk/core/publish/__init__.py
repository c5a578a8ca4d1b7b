"""Publishing recaps beyond an export folder: to a WordPress site over its REST API
(`wordpress.py` the client, `publisher.py` what is sent and in which order, `body.py` the
post body, `state.py` what was published, kept in the project), and as Hugo page bundles
(`hugo.py`). `settings.py` reads the site from `recapdesk.yaml` and finds its password."""
