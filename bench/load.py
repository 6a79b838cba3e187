"""The HTTP load driver: N client threads, each with its own keep-alive connection (`requests`,
urllib3), taking requests from one shared list until it is empty (a closed loop: each client sends its
next request when the answer to the last one arrived). Records every request's latency and status."""
import statistics
import threading
import time

import requests


def percentile(values, q):
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(q / 100 * (len(s) - 1))))
    return s[k]


def hammer(base, reqs, *, clients, headers=None, cookies=None):
    """reqs: list of (method, path, body or None). Returns {n, wall_s, rps, p50_ms, p95_ms, p99_ms,
    statuses}."""
    todo = list(reversed(reqs))
    lock = threading.Lock()
    lat, statuses = [], {}

    def worker():
        s = requests.Session()
        s.headers.update(headers or {})
        if cookies:
            s.cookies.update(cookies)
        while True:
            with lock:
                if not todo:
                    return
                method, path, body = todo.pop()
            t0 = time.perf_counter()
            r = s.request(method, base + path, json=body, timeout=120)
            dt = time.perf_counter() - t0
            with lock:
                lat.append(dt)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ms = [x * 1000 for x in lat]
    return {"n": len(lat), "wall_s": round(wall, 3), "rps": round(len(lat) / wall, 1) if wall else None,
            "p50_ms": round(statistics.median(ms), 1) if ms else None, "p95_ms": round(percentile(ms, 95), 1) if ms else None,
            "p99_ms": round(percentile(ms, 99), 1) if ms else None, "statuses": statuses}
