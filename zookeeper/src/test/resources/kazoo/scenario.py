"""kazoo (python-zk) against a Baton node's ZooKeeper port: python3 scenario.py HOST:PORT.

Prints one line per step and "ALL OK" at the end; any failure raises (exit status 1).
"""
import sys
import threading

from kazoo.client import KazooClient
from kazoo.exceptions import BadVersionError, LockTimeout, NoAuthError, NodeExistsError
from kazoo.security import make_digest_acl

hosts = sys.argv[1]


def client():
    c = KazooClient(hosts=hosts, timeout=10.0)
    c.start(timeout=15)
    return c


def step(name):
    print("ok " + name, flush=True)


zk = client()
other = client()

# plain operations and their stats
zk.ensure_path("/kz/app")
zk.create("/kz/app/config", b"v1")
data, stat = zk.get("/kz/app/config")
assert data == b"v1" and stat.version == 0, (data, stat)
stat = zk.set("/kz/app/config", b"v2", version=0)
assert stat.version == 1
try:
    zk.set("/kz/app/config", b"v3", version=0)
    raise AssertionError("a stale version was accepted")
except BadVersionError:
    pass
try:
    zk.create("/kz/app/config", b"again")
    raise AssertionError("a duplicate was created")
except NodeExistsError:
    pass
seq = zk.create("/kz/app/job-", b"", sequence=True)
assert seq == "/kz/app/job-0000000001", seq
assert sorted(zk.get_children("/kz/app")) == ["config", "job-0000000001"]
step("create get set children")

# ephemerals belong to their session
zk.create("/kz/app/lease", b"held", ephemeral=True)
assert zk.exists("/kz/app/lease").ephemeralOwner == zk.client_id[0]
step("ephemeral")

# watches: a data watch and a children watch fire on the other client's changes
changed = threading.Event()
children = threading.Event()
zk.get("/kz/app/config", watch=lambda e: changed.set())
zk.get_children("/kz/app", watch=lambda e: children.set())
other.set("/kz/app/config", b"v4")
other.create("/kz/app/more", b"")
assert changed.wait(10) and children.wait(10)
step("watches")

# a transaction (multi): all or nothing
t = zk.transaction()
t.check("/kz/app/config", 2)
t.create("/kz/app/tx", b"in")
t.set_data("/kz/app/config", b"v5")
results = t.commit()
assert results[1] == "/kz/app/tx", results
t = zk.transaction()
t.create("/kz/app/never", b"")
t.check("/kz/app/config", 99)
results = t.commit()
assert zk.exists("/kz/app/never") is None, results
step("transaction")

# recipes: a lock held by one client excludes the other; a counter
lock = zk.Lock("/kz/locks/ledger", "zk")
other_lock = other.Lock("/kz/locks/ledger", "other")
assert lock.acquire(timeout=10)
try:
    other_lock.acquire(timeout=1)
    raise AssertionError("two holders")
except LockTimeout:
    pass
lock.release()
assert other_lock.acquire(timeout=10)
other_lock.release()
counter = zk.Counter("/kz/counter")
counter += 5
other.Counter("/kz/counter").__add__(2)
assert zk.Counter("/kz/counter").value == 7
step("lock counter")

# digest ACLs
zk.add_auth("digest", "alice:secret")
zk.create("/kz/private", b"s", acl=[make_digest_acl("alice", "secret", all=True)])
assert zk.get("/kz/private")[0] == b"s"
try:
    other.get("/kz/private")
    raise AssertionError("read without the digest")
except NoAuthError:
    pass
step("digest acl")

# four-letter words kazoo uses
assert zk.command(b"ruok") == "imok"
assert zk.server_version()[:2] == (3, 9), zk.server_version()
step("four-letter words")

# closing a session removes its ephemerals
zk.stop()
zk.close()
assert other.exists("/kz/app/lease") is None
other.stop()
other.close()
step("close")
print("ALL OK", flush=True)
