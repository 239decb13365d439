"""Django's Redis cache, with one client per connection pool instead of one per call, and an
incr() in one round trip.

Django's RedisCacheClient.get_client() builds a new redis.Redis for every get and set, and
redis-py fills a table of some 170 reply handlers in each one: measured, that was more than half
of a cache read's processor time, and a stored calendar page costs three reads (session, version,
page). A redis.Redis is safe to share between threads (it borrows a connection from its pool for
each command), so each pool's one is kept.

Django's incr() asks EXISTS, then INCRBY: two round trips after every booking's commit
(core/counters.py), and a key that expires between them comes back as 1, a value an old page
may be stored under. One script does both at once.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# Increments a key only if it exists; nil (None) if it does not.
_INCR_EXISTING = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end"
)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)  # a replica is picked at random
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients.setdefault(
                index, self._client(connection_pool=self._pools[index])
            )
        return client

    def incr(self, key, delta=1):
        value = self.get_client(key, write=True).eval(_INCR_EXISTING, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
