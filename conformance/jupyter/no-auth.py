# Misconfiguration: an empty token and no password: Jupyter runs every request unauthenticated
# (anyone who reaches the port runs code).
c = get_config()  # noqa: F821 - provided by traitlets
load_subconfig("jupyter_server_config.py")  # noqa: F821
c.IdentityProvider.token = ""
