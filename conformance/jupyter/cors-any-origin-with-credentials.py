# Misconfiguration: every origin is allowed, with credentials (the login cookie) allowed too.
c = get_config()  # noqa: F821 - provided by traitlets
load_subconfig("jupyter_server_config.py")  # noqa: F821
c.ServerApp.allow_origin = "*"
c.ServerApp.allow_credentials = True
