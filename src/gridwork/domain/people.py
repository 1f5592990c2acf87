"""Rules of the resident registry: the four service flags and their basis, why a record is
read, and what a name, phone and birth year must look like.

What is *not* here is deliberate: no national ID number, no political or religious data,
no "key person" categories. Reports and records are about services and needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gridwork.domain.errors import InvalidInput
from gridwork.domain.names import plain_name


class Flag(StrEnum):
    """A service flag: a reason the grid looks after someone more closely."""

    LIVES_ALONE = "lives_alone"
    DISABILITY = "disability"
    LOW_INCOME = "low_income"
    NEEDS_ASSISTANCE = "needs_assistance"


class Basis(StrEnum):
    """Why a flag may be recorded: the resident agreed, or a named programme says so."""

    CONSENT = "consent"
    PROGRAMME = "programme"


class Purpose(StrEnum):
    """Why someone reads a resident's personal data; every read names one."""

    VISIT = "visit"
    CASE = "case"
    REGISTRY = "registry"


class Sex(StrEnum):
    """Optional; most services need not know."""

    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True)
class FlagBasis:
    """One flag as recorded: its basis, the programme if any, and the need (assistance)."""

    flag: Flag
    basis: Basis
    programme: str | None = None
    need: str | None = None


_PHONE = re.compile(r"\+?[0-9][0-9 -]{4,30}")
OLDEST_BIRTH_YEAR = 1880


def parse_purpose(value: str | None) -> Purpose:
    """The purpose of a read, or a clear error naming the choices."""
    names = ", ".join(p.value for p in Purpose)
    if not value:
        raise InvalidInput(f"say why you read this: purpose is one of {names}", field="purpose")
    try:
        return Purpose(value)
    except ValueError:
        raise InvalidInput(
            f"unknown purpose {value!r}; use one of {names}", field="purpose"
        ) from None


def clean_name(value: str) -> str:
    """A person's name as given, trimmed; 1–100 characters of plain text."""
    name = " ".join(value.split())
    if not 1 <= len(name) <= 100:
        raise InvalidInput("name must be 1–100 characters", field="name")
    return plain_name(name)


def clean_phone(value: str | None) -> str | None:
    """A phone number in digits (a leading + kept); None when not given."""
    if value is None or not value.strip():
        return None
    if not _PHONE.fullmatch(value.strip()):
        raise InvalidInput(
            "phone must be digits (spaces, '-' and a leading '+' allowed)", field="phone"
        )
    digits = re.sub(r"[ -]", "", value.strip())
    if not 5 <= len(digits.lstrip("+")) <= 20:
        raise InvalidInput("phone must have 5–20 digits", field="phone")
    return digits


def check_birth_year(value: int, this_year: int) -> int:
    """A plausible birth year (not in the future)."""
    if not OLDEST_BIRTH_YEAR <= value <= this_year:
        raise InvalidInput(
            f"birth_year must be from {OLDEST_BIRTH_YEAR} to {this_year}", field="birth_year"
        )
    return value


def parse_sex(value: str | None) -> Sex | None:
    """Optional sex: female, male or not given."""
    if value is None or value == "":
        return None
    try:
        return Sex(value)
    except ValueError:
        raise InvalidInput("sex is female, male or left out", field="sex") from None


def age_in(birth_year: int, year: int) -> int:
    """Age reached during `year` (the registry keeps the year of birth only)."""
    return year - birth_year


def parse_flags(raw: dict[str, Any] | None) -> dict[Flag, FlagBasis | None]:
    """Flags from the API shape `{flag: {basis, programme?, need?} | null}`.

    A null value clears the flag; a flag left out is unchanged.
    """
    result: dict[Flag, FlagBasis | None] = {}
    names = ", ".join(f.value for f in Flag)
    for key, spec in (raw or {}).items():
        try:
            flag = Flag(key)
        except ValueError:
            raise InvalidInput(
                f"unknown flag {key!r}; the registry records only {names}", field=f"flags.{key}"
            ) from None
        if spec is None or spec is False:
            result[flag] = None
            continue
        if not isinstance(spec, dict):
            raise InvalidInput(
                f'flag {key} needs its basis: {{"basis": "consent"}} or '
                '{"basis": "programme", "programme": "…"}',
                field=f"flags.{key}",
            )
        result[flag] = flag_basis(flag, spec.get("basis"), spec.get("programme"), spec.get("need"))
    return result


def flag_basis(flag: Flag, basis: Any, programme: Any, need: Any) -> FlagBasis:
    """One flag's basis, checked: a programme basis names the programme."""
    where = f"flags.{flag.value}"
    try:
        parsed = Basis(basis)
    except ValueError:
        raise InvalidInput(
            f"flag {flag.value}: basis is 'consent' or 'programme'", field=where
        ) from None
    name = programme.strip() if isinstance(programme, str) and programme.strip() else None
    if parsed is Basis.PROGRAMME and name is None:
        raise InvalidInput(f"flag {flag.value}: name the programme", field=where)
    if name is not None and len(name) > 100:
        raise InvalidInput(f"flag {flag.value}: programme name is too long", field=where)
    text = need.strip() if isinstance(need, str) and need.strip() else None
    if text is not None and flag is not Flag.NEEDS_ASSISTANCE:
        raise InvalidInput("only needs_assistance carries a need", field=where)
    if flag is Flag.NEEDS_ASSISTANCE and text is None:
        raise InvalidInput("needs_assistance: say what help is needed (need)", field=where)
    if text is not None and len(text) > 1000:
        raise InvalidInput("need is too long (1,000 characters at most)", field=where)
    return FlagBasis(flag, parsed, name if parsed is Basis.PROGRAMME else None, text)
