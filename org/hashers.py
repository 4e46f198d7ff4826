"""Password hashing: Argon2id at OWASP's minimum parameters (m = 19 MiB, t = 2, p = 1).

Django's default Argon2 (m = 100 MiB, t = 2, p = 8) is stronger per guess but costs ~8 lanes of CPU and
100 MiB per sign-in: 50 people signing in at 08:00 would take every core and 5 GB (benchmarks/REPORT.md,
sign-in storm). OWASP's Password Storage Cheat Sheet lists m = 19 MiB, t = 2, p = 1 as its minimum
configuration for Argon2id; one verification takes ~25 ms on one core. Same algorithm name as Django's
hasher: existing hashes verify and are re-hashed with these parameters at the next sign-in."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
