"""The vulnerability rule: the array form agrees with the one-person form everywhere."""

from __future__ import annotations

import itertools

import numpy as np

from gridwork.domain.emergencies import person_priority, priorities
from gridwork.domain.people import Flag


def test_the_array_rule_agrees_with_the_rule_for_one_person() -> None:
    cases = list(itertools.product(range(0, 101), *([False, True],) * 3))
    ages = np.array([c[0] for c in cases], dtype=np.int64)
    alone, disability, assistance = (np.array([c[k] for c in cases]) for k in (1, 2, 3))
    many = priorities(ages, alone, disability, assistance)
    for n, (age, a, d, s) in enumerate(cases):
        flags = {
            f
            for f, on in ((Flag.LIVES_ALONE, a), (Flag.DISABILITY, d), (Flag.NEEDS_ASSISTANCE, s))
            if on
        }
        assert many[n] == person_priority(age, flags), (age, a, d, s)
