"""Argon2id at OWASP's minimum parameters (issue 17, sign-in storm): m = 19 MiB, t = 2, p = 1."""

from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, identify_hasher, make_password
from django.test import override_settings

from org.hashers import Argon2idHasher

HASHERS = ["org.hashers.Argon2idHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_new_hashes_are_argon2id_with_owasp_minimum_parameters():
    encoded = make_password("ein-langes-Passwort-2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("ein-langes-Passwort-2026", encoded)
    assert not identify_hasher(encoded).must_update(encoded)


@override_settings(PASSWORD_HASHERS=HASHERS)
def test_hashes_with_djangos_default_parameters_still_verify_and_are_upgraded():
    old = Argon2PasswordHasher().encode("ein-langes-Passwort-2026", Argon2PasswordHasher().salt())
    assert "m=102400,t=2,p=8" in old
    hasher = identify_hasher(old)
    assert isinstance(hasher, Argon2idHasher)
    assert hasher.verify("ein-langes-Passwort-2026", old)
    assert hasher.must_update(old)  # re-hashed with the new parameters at the next sign-in
