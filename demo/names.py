"""Invented names for the demo's children (surnames made up from English-sounding parts)."""

from __future__ import annotations

import random

# --------------------------------------------------------------------------- names


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BOYS = _words(
    "Oliver Harry Jack Charlie Leo Alfie Freddie Archie Theo Oscar Noah Jacob Riley Mason Tyler Kai "
    "Logan Ethan Lewis Connor Callum Kian Reece Liam Dylan Ryan Max Finley Toby Ellis Tommy Frankie "
    "Ronnie Arlo Louie Harley Jamie Bailey Thomas Alexander Samuel Joseph Daniel Kyle Brandon Aaron "
    "Zachary Elijah Corey Jenson"
)
GIRLS = _words(
    "Olivia Amelia Isla Ava Mia Ivy Lily Freya Ella Grace Poppy Evie Sophie Daisy Ruby Willow Millie "
    "Maisie Layla Chloe Jessica Lacey Kayla Megan Paige Skye Leah Holly Niamh Amber Esme Phoebe "
    "Darcie Summer Rosie Harper Scarlett Lola Elsie Elizabeth Katherine Courtney Demi Tia Keira "
    "Bethany Isabelle Macy Aria Hollie"
)
ASIAN_BOYS = ("Ayaan", "Zayn", "Hamza", "Ibrahim", "Arjun", "Rayan", "Yusuf", "Imran", "Aarav", "Bilal")
ASIAN_GIRLS = ("Aisha", "Zara", "Maryam", "Inaya", "Priya", "Amira", "Hafsa", "Noor", "Anaya", "Safa")
BLACK_BOYS = ("Malachi", "Tobi", "Kofi", "Marcus", "Joshua", "Isaiah", "Jayden", "Femi", "Kwesi", "Andre")
BLACK_GIRLS = ("Amara", "Nia", "Precious", "Kemi", "Tiana", "Abigail", "Chantelle", "Ama", "Imani", "Zuri")
UASC_BOYS = _words(
    "Ahmad Mohammad Abdul Hamid Omar Ali Yonas Dawit Filmon Bereket Hussein Karwan Rebin Arman Elton "
    "Klevis Yusuf Mustafa Abdullah Tesfay"
)
UASC_GIRLS = ("Helen", "Selam", "Ruta", "Maryam", "Zahra", "Fatima", "Senait", "Hawa")
UASC_SURNAMES = _words(
    "Ahmadi Rahimi Haile Tesfai Abdi Hassan Karimi Mohammadi Osman Yohannes Berhane Aziz Rashid "
    "Hussaini Gebre Salih Nuri Hoxha Krasniqi Amini"
)
#: Invented English-sounding surnames: a prefix and a suffix (e.g. "Brackthwaite").
SURNAME_PREFIXES = _words(
    "Brack Cobble Dapple Ember Fenn Gorse Heather Kestle Lark Marram Nettle Pebble Quill Rowan Sedge Teasel Wren Yarrow"
)
SURNAME_SUFFIXES = _words("by combe dale field ford ham hurst ley more stone thwaite well wick worth")
SURNAMES = tuple(p + s for p in SURNAME_PREFIXES for s in SURNAME_SUFFIXES)
PREFERRED_NAMES = {
    "Thomas": "Tom",
    "Alexander": "Alex",
    "Samuel": "Sam",
    "Joseph": "Joe",
    "Daniel": "Danny",
    "Zachary": "Zac",
    "Elizabeth": "Libby",
    "Katherine": "Katie",
    "Jessica": "Jess",
    "Isabelle": "Izzy",
}


def first_name_for(rng: random.Random, *, sex: str, ethnicity: str, uasc: bool) -> tuple[str, str]:
    boy = sex == "M"
    if uasc:
        names = UASC_BOYS if boy else UASC_GIRLS
    elif ethnicity in ("AIND", "APKN", "ABAN", "AOTH") or (ethnicity == "MWAS" and rng.random() < 0.4):
        names = ASIAN_BOYS if boy else ASIAN_GIRLS
    elif ethnicity in ("BCRB", "BAFR", "BOTH") or (ethnicity in ("MWBC", "MWBA") and rng.random() < 0.4):
        names = BLACK_BOYS if boy else BLACK_GIRLS
    else:
        names = BOYS if boy else GIRLS
    first = rng.choice(names)
    preferred = PREFERRED_NAMES[first] if first in PREFERRED_NAMES and rng.random() < 0.5 else ""
    return first, preferred
