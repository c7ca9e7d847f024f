"""Files on this machine: the one atomic writer, the config, the keyring, the outbox journal,
the inbox cache and what the UI remembers. No network, no UI."""
