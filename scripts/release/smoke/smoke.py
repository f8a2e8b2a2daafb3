"""A first program of a user of the installed `messenger-connect` wheel or sdist: starts
the embedded mock server, signs a client in (tokens minted by the mock), reads the profile,
lists and delta-syncs contacts, posts a feed item. Exits non-zero (with the reason) if
anything is off. Run by scripts/release.sh in a clean venv, from outside the repository.
"""

import sys

import messenger_connect
from messenger_connect import Client, Filter
from messenger_connect.testing import MockServer


def main() -> int:
    where = messenger_connect.__file__
    assert "site-packages" in where, f"imported from {where}, not from the installed package"
    with MockServer(users=2, contacts_per_user=30) as server:
        with server.client(0) as client:
            assert isinstance(client, Client)
            me = client.me()
            contacts = list(client.contacts.list(filter=Filter.startswith("displayName", ""), top=10))
            everyone = client.contacts.sync()
            assert len(everyone.upserts) == 30, f"sync gave {len(everyone.upserts)} contacts, not 30"
            again = client.contacts.sync(everyone.delta_link)
            assert not again.upserts and not again.removed, "a second delta round changed something"
            item = client.activities.create("Note", content="installed from the artifact")
            print(f"python: signed in as {me.display_name}; {len(everyone.upserts)} contacts "
                  f"({len(contacts)} listed); posted {item.id}; mock at {server.url}; package at {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
